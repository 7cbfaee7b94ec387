using System.Buffers;
using System.Collections.Concurrent;
using System.Globalization;
using System.IO.Pipelines;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KimiCode.Acp.Schema;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// JSON-RPC 2.0 over a pair of streams, one JSON object per line (NDJSON), requests in both directions.
/// Every write goes through one lock, so messages never interleave. A malformed line is answered with the
/// standard error (-32700, -32600) and the connection carries on. Requests run concurrently (a long
/// <c>session/prompt</c> never blocks <c>session/cancel</c> or the responses to the agent's own requests);
/// notifications and the methods named by <see cref="IsInline"/> run in arrival order on the reading loop.
/// </summary>
public sealed class JsonRpcConnection : IDisposable
{
    /// <summary>The longest line accepted; a longer one is answered with -32700 and skipped.</summary>
    public const int DefaultMaxMessageBytes = 64 * 1024 * 1024;

    private const string CancelRequestMethod = "$/cancel_request";

    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Never HTML-escape: the peer is a program. Control characters (and so newlines) are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly Stream _input;
    private readonly Stream _output;
    private readonly TextWriter _log;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _handlers = new();
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationToken _closedToken;
    private long _nextId;

    public JsonRpcConnection(Stream input, Stream output, TextWriter log)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _closedToken = _closed.Token;
    }

    /// <summary>Answers a request; throw <see cref="AcpException"/> for a JSON-RPC error.</summary>
    public Func<JsonRpcRequest, CancellationToken, Task<RpcResult>>? OnRequest { get; set; }

    /// <summary>Handles a notification (on the reading loop: keep it quick). Unknown ones are ignored.</summary>
    public Action<JsonRpcRequest>? OnNotification { get; set; }

    /// <summary>Requests that must run in arrival order on the reading loop (e.g. <c>initialize</c>).</summary>
    public Func<string, bool> IsInline { get; set; } = static _ => false;

    /// <summary>The longest line accepted.</summary>
    public int MaxMessageBytes { get; init; } = DefaultMaxMessageBytes;

    /// <summary>Cancelled when the input ends: everything waiting on the peer gives up.</summary>
    public CancellationToken Closed => _closedToken;

    /// <summary>
    /// Reads and dispatches messages until the input ends (or <paramref name="cancellationToken"/>), then cancels the
    /// requests still running, fails the requests still waiting for the peer, and waits for the handlers to finish.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        PipeReader reader = PipeReader.Create(_input, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        bool discarding = false;
        try
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                while (true)
                {
                    SequencePosition? newline = buffer.PositionOf((byte)'\n');
                    if (newline is null)
                    {
                        break;
                    }

                    ReadOnlySequence<byte> line = buffer.Slice(0, newline.Value);
                    buffer = buffer.Slice(buffer.GetPosition(1, newline.Value));
                    if (discarding)
                    {
                        discarding = false;
                        continue;
                    }

                    if (line.Length > MaxMessageBytes)
                    {
                        await WriteTooLongAsync().ConfigureAwait(false);
                        continue;
                    }

                    await ProcessLineAsync(line).ConfigureAwait(false);
                }

                if (!discarding && buffer.Length > MaxMessageBytes)
                {
                    // No newline yet and already too long: answer now and drop the rest of the line as it arrives.
                    await WriteTooLongAsync().ConfigureAwait(false);
                    discarding = true;
                }

                if (discarding)
                {
                    buffer = buffer.Slice(buffer.End);
                }

                if (read.IsCompleted)
                {
                    if (!discarding && buffer.Length > 0)
                    {
                        await ProcessLineAsync(buffer).ConfigureAwait(false);
                    }

                    reader.AdvanceTo(buffer.End);
                    break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
        catch (IOException ex)
        {
            Log($"input closed: {ex.Message}");
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends a request to the peer and waits for its answer; an error answer throws <see cref="AcpException"/>.</summary>
    /// <exception cref="OperationCanceledException">Cancelled (the peer is told with <c>$/cancel_request</c>) or the connection closed.</exception>
    public async Task<TResult> RequestAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(resultType);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closedToken);
        CancellationToken token = linked.Token;
        token.ThrowIfCancellationRequested();
        long id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            await WriteAsync(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("jsonrpc"u8, "2.0"u8);
                writer.WriteNumber("id"u8, id);
                writer.WriteString("method"u8, method);
                writer.WritePropertyName("params"u8);
                JsonSerializer.Serialize(writer, parameters, paramsType);
                writer.WriteEndObject();
            }).ConfigureAwait(false);

            JsonElement result;
            using (token.Register(() => completion.TrySetCanceled(token)))
            {
                result = await completion.Task.ConfigureAwait(false);
            }

            try
            {
                return result.Deserialize(resultType)
                    ?? throw new AcpException(JsonRpcErrorCodes.InvalidParams, $"The client answered {method} with null.");
            }
            catch (JsonException ex)
            {
                throw new AcpException(JsonRpcErrorCodes.InvalidParams, $"The client's answer to {method} does not match the protocol: {ex.Message}");
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            if (_pending.TryRemove(id, out _) && !_closedToken.IsCancellationRequested)
            {
                // The peer still answers the request; tell it we no longer wait.
                _ = NotifyQuietlyAsync(CancelRequestMethod, id);
            }

            throw;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Sends a notification.</summary>
    public Task NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(paramsType);
        return WriteAsync(writer =>
        {
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writer.WriteString("method"u8, method);
            writer.WritePropertyName("params"u8);
            JsonSerializer.Serialize(writer, parameters, paramsType);
            writer.WriteEndObject();
        });
    }

    private async Task NotifyQuietlyAsync(string method, long requestId)
    {
        try
        {
            await WriteAsync(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("jsonrpc"u8, "2.0"u8);
                writer.WriteString("method"u8, method);
                writer.WriteStartObject("params"u8);
                writer.WriteNumber("requestId"u8, requestId);
                writer.WriteEndObject();
                writer.WriteEndObject();
            }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            Log($"could not send {method}: {ex.Message}");
        }
    }

    private async Task ProcessLineAsync(ReadOnlySequence<byte> line)
    {
        if (IsBlank(line))
        {
            return;
        }

        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(line);
        }
        catch (JsonException ex)
        {
            await WriteErrorAsync(null, JsonRpcErrorCodes.ParseError, $"Parse error: the line is not valid JSON ({FirstSentence(ex.Message)}).").ConfigureAwait(false);
            return;
        }

        using (document)
        {
            Incoming incoming;
            try
            {
                incoming = Classify(document.RootElement);
            }
            catch (InvalidOperationException ex)
            {
                // E.g. a string that is not valid UTF-8.
                await WriteErrorAsync(null, JsonRpcErrorCodes.ParseError, $"Parse error: {ex.Message}").ConfigureAwait(false);
                return;
            }

            switch (incoming)
            {
                case Invalid invalid:
                    await WriteErrorAsync(invalid.Id, JsonRpcErrorCodes.InvalidRequest, "Invalid request: " + invalid.Reason).ConfigureAwait(false);
                    break;
                case Response response:
                    Complete(response);
                    break;
                case Call { Request.IsNotification: true } notification:
                    HandleNotification(notification.Request);
                    break;
                case Call call:
                    await StartRequestAsync(call.Request).ConfigureAwait(false);
                    break;
            }
        }
    }

    private static Incoming Classify(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return new Invalid(null, "batches are not supported; send one JSON-RPC object per line.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new Invalid(null, $"a message must be a JSON object, not {JsonRpcRequest.Describe(root.ValueKind)}.");
        }

        JsonElement? id = null;
        bool hasId = root.TryGetProperty("id"u8, out JsonElement idElement);
        if (hasId)
        {
            if (idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                return new Invalid(null, $"\"id\" must be a string or a number, not {JsonRpcRequest.Describe(idElement.ValueKind)}.");
            }

            id = idElement.Clone();
        }

        if (!root.TryGetProperty("jsonrpc"u8, out JsonElement version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"u8))
        {
            return new Invalid(id, "\"jsonrpc\" must be \"2.0\".");
        }

        if (root.TryGetProperty("method"u8, out JsonElement method))
        {
            if (method.ValueKind != JsonValueKind.String)
            {
                return new Invalid(id, $"\"method\" must be a string, not {JsonRpcRequest.Describe(method.ValueKind)}.");
            }

            JsonElement? parameters = null;
            if (root.TryGetProperty("params"u8, out JsonElement paramsElement))
            {
                if (paramsElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                {
                    return new Invalid(id, $"\"params\" must be an object or an array, not {JsonRpcRequest.Describe(paramsElement.ValueKind)}.");
                }

                parameters = paramsElement.Clone();
            }

            return new Call(new JsonRpcRequest(method.GetString()!, parameters, id));
        }

        bool hasResult = root.TryGetProperty("result"u8, out JsonElement result);
        bool hasError = root.TryGetProperty("error"u8, out JsonElement error);
        if (id is not null && hasResult != hasError)
        {
            if (hasError && (error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("code"u8, out JsonElement code) || !code.TryGetInt32(out _)))
            {
                return new Invalid(null, "\"error\" must be an object with an integer \"code\".");
            }

            return new Response(id.Value, hasResult ? result.Clone() : null, hasError ? error.Clone() : null);
        }

        return new Invalid(id, "a message needs a \"method\" (request or notification) or an \"id\" with exactly one of \"result\" and \"error\" (response).");
    }

    private void Complete(Response response)
    {
        if (response.Id.ValueKind != JsonValueKind.Number || !response.Id.TryGetInt64(out long id) || !_pending.TryRemove(id, out TaskCompletionSource<JsonElement>? completion))
        {
            Log($"ignored a response to unknown request id {response.Id.GetRawText()}");
            return;
        }

        if (response.Error is { } error)
        {
            int code = error.GetProperty("code"u8).GetInt32();
            string message = error.TryGetProperty("message"u8, out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "(no message)";
            JsonElement? data = error.TryGetProperty("data"u8, out JsonElement d) ? d.Clone() : null;
            completion.TrySetException(new AcpException(code, message, data));
        }
        else
        {
            completion.TrySetResult(response.Result!.Value);
        }
    }

    private void HandleNotification(JsonRpcRequest notification)
    {
        try
        {
            if (notification.Method == CancelRequestMethod)
            {
                if (notification.Params is { ValueKind: JsonValueKind.Object } p && p.TryGetProperty("requestId"u8, out JsonElement requestId)
                    && _inFlight.TryGetValue(requestId.GetRawText(), out CancellationTokenSource? request))
                {
                    request.Cancel();
                }

                return;
            }

            OnNotification?.Invoke(notification);
        }
        catch (Exception ex)
        {
            // Notifications have no answer: log and carry on.
            Log($"notification {notification.Method} failed: {ex.Message}");
        }
    }

    private async Task StartRequestAsync(JsonRpcRequest request)
    {
        string key = request.Id!.Value.GetRawText();
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_closedToken);
        if (!_inFlight.TryAdd(key, cancellation))
        {
            cancellation.Dispose();
            await WriteErrorAsync(request.Id, JsonRpcErrorCodes.InvalidRequest, $"Invalid request: id {key} is already in use by a request that has not been answered.").ConfigureAwait(false);
            return;
        }

        if (IsInline(request.Method))
        {
            await HandleRequestAsync(request, key, cancellation).ConfigureAwait(false);
            return;
        }

        Task handler = Task.Run(() => HandleRequestAsync(request, key, cancellation));
        _handlers.TryAdd(handler, 0);
        _ = handler.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _handlers, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task HandleRequestAsync(JsonRpcRequest request, string key, CancellationTokenSource cancellation)
    {
        RpcResult? result = null;
        AcpException? error = null;
        try
        {
            Func<JsonRpcRequest, CancellationToken, Task<RpcResult>> handler = OnRequest
                ?? throw new AcpException(JsonRpcErrorCodes.MethodNotFound, $"Method not found: {request.Method}");
            result = await handler(request, cancellation.Token).ConfigureAwait(false);
        }
        catch (AcpException ex)
        {
            error = ex;
        }
        catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
        {
            error = new AcpException(JsonRpcErrorCodes.RequestCancelled, $"Request cancelled: {request.Method}");
        }
        catch (Exception ex)
        {
            Log($"{request.Method} failed: {ex}");
            error = new AcpException(JsonRpcErrorCodes.InternalError, $"Internal error in {request.Method}: {ex.Message}");
        }
        finally
        {
            _inFlight.TryRemove(key, out _);
            cancellation.Dispose();
        }

        try
        {
            if (error is not null)
            {
                await WriteErrorAsync(request.Id, error.Code, error.Message, error.ErrorData).ConfigureAwait(false);
                return;
            }

            await WriteAsync(writer =>
            {
                writer.WriteStartObject();
                writer.WriteString("jsonrpc"u8, "2.0"u8);
                writer.WritePropertyName("id"u8);
                request.Id!.Value.WriteTo(writer);
                writer.WritePropertyName("result"u8);
                result!.WriteTo(writer);
                writer.WriteEndObject();
            }).ConfigureAwait(false);

            if (result!.AfterSent is { } after)
            {
                await after().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            Log($"could not answer {request.Method}: {ex.Message}");
        }
        catch (Exception ex)
        {
            Log($"after answering {request.Method}: {ex}");
        }
    }

    private Task WriteTooLongAsync() => WriteErrorAsync(null, JsonRpcErrorCodes.ParseError,
        string.Create(CultureInfo.InvariantCulture, $"Parse error: a message is longer than {MaxMessageBytes} bytes; it was skipped."));

    private Task WriteErrorAsync(JsonElement? id, int code, string message, JsonElement? data = null) => WriteAsync(writer =>
    {
        writer.WriteStartObject();
        writer.WriteString("jsonrpc"u8, "2.0"u8);
        writer.WritePropertyName("id"u8);
        if (id is { } value)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteStartObject("error"u8);
        writer.WriteNumber("code"u8, code);
        writer.WriteString("message"u8, message);
        if (data is { } d)
        {
            writer.WritePropertyName("data"u8);
            d.WriteTo(writer);
        }

        writer.WriteEndObject();
        writer.WriteEndObject();
    });

    private async Task WriteAsync(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            write(writer);
        }

        buffer.Write("\n"u8);

        // Never cancel half-way through a message: the framing would break for every later one.
        await _writeLock.WaitAsync(CancellationToken.None).ConfigureAwait(false);
        try
        {
            await _output.WriteAsync(buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
            await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    private async Task ShutdownAsync()
    {
        await _closed.CancelAsync().ConfigureAwait(false);
        foreach (TaskCompletionSource<JsonElement> pending in _pending.Values)
        {
            pending.TrySetCanceled(_closedToken);
        }

        Task[] handlers = [.. _handlers.Keys];
        try
        {
            await Task.WhenAll(handlers).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            Log($"a request handler failed during shutdown: {ex.Message}");
        }
    }

    /// <summary>Frees the connection's own resources; call after <see cref="RunAsync"/> has returned.</summary>
    public void Dispose()
    {
        _closed.Dispose();
        _writeLock.Dispose();
    }

    private void Log(string message)
    {
        try
        {
            _log.WriteLine("kimi acp: " + message);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (ReadOnlyMemory<byte> segment in line)
        {
            foreach (byte b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }

    private abstract record Incoming;

    private sealed record Invalid(JsonElement? Id, string Reason) : Incoming;

    private sealed record Response(JsonElement Id, JsonElement? Result, JsonElement? Error) : Incoming;

    private sealed record Call(JsonRpcRequest Request) : Incoming;
}
