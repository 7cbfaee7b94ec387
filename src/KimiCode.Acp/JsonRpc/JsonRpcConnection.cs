using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Unicode;
using System.Text.Json.Serialization.Metadata;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// JSON-RPC 2.0 over a pair of streams, one JSON object per line (NDJSON), requests in both directions. The
/// pieces: <see cref="NdjsonChannel"/> frames lines (one write lock, writes never cancelled half-way),
/// <see cref="JsonRpcMessageWriter"/> writes the envelopes, <see cref="RequestDispatcher"/> runs the peer's
/// requests and notifications, and <see cref="OutgoingRequests"/> matches the answers to ours. A malformed line is
/// answered with the standard error (-32700, -32600) and the connection carries on.
/// </summary>
public sealed class JsonRpcConnection : IDisposable
{
    /// <summary>The longest line accepted; a longer one is answered with -32700 and skipped.</summary>
    public const int DefaultMaxMessageBytes = 64 * 1024 * 1024;

    private readonly TextWriter _log;
    private readonly NdjsonChannel _channel;
    private readonly JsonRpcMessageWriter _writer;
    private readonly RequestDispatcher _dispatcher;
    private readonly OutgoingRequests _outgoing;
    private readonly CancellationTokenSource _closed = new();
    private readonly CancellationToken _closedToken;

    public JsonRpcConnection(Stream input, Stream output, TextWriter log)
    {
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _closedToken = _closed.Token;
        _channel = new NdjsonChannel(input, output, DefaultMaxMessageBytes);
        _writer = new JsonRpcMessageWriter(_channel);
        _dispatcher = new RequestDispatcher(_writer, Log, _closedToken);
        _outgoing = new OutgoingRequests(_writer, Log, _closedToken);
    }

    /// <summary>Answers a request; throw <see cref="AcpException"/> for a JSON-RPC error.</summary>
    public Func<JsonRpcRequest, CancellationToken, Task<RpcResult>>? OnRequest
    {
        get => _dispatcher.OnRequest;
        set => _dispatcher.OnRequest = value;
    }

    /// <summary>Handles a notification (on the reading loop: keep it quick). Unknown ones are ignored.</summary>
    public Action<JsonRpcRequest>? OnNotification
    {
        get => _dispatcher.OnNotification;
        set => _dispatcher.OnNotification = value;
    }

    /// <summary>Requests that must run in arrival order on the reading loop (e.g. <c>initialize</c>).</summary>
    public Func<string, bool> IsInline
    {
        get => _dispatcher.IsInline;
        set => _dispatcher.IsInline = value ?? throw new ArgumentNullException(nameof(value));
    }

    /// <summary>Called on the reading loop as each request is accepted, before its handler starts (keep it quick).</summary>
    public Action<JsonRpcRequest>? OnAccepted
    {
        get => _dispatcher.OnAccepted;
        set => _dispatcher.OnAccepted = value;
    }

    /// <summary>The longest line accepted.</summary>
    public int MaxMessageBytes
    {
        get => _channel.MaxLineBytes;
        init => _channel.MaxLineBytes = value;
    }

    /// <summary>Cancelled when the input ends: everything waiting on the peer gives up.</summary>
    public CancellationToken Closed => _closedToken;

    /// <summary>
    /// Reads and dispatches messages until the input ends (or <paramref name="cancellationToken"/>), then cancels the
    /// requests still running, fails the requests still waiting for the peer, and waits for the handlers to finish.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _channel.ReadAsync(ProcessLineAsync, WriteTooLongAsync, cancellationToken).ConfigureAwait(false);
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
            await ShutdownAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Sends a request to the peer and waits for its answer; an error answer throws <see cref="AcpException"/>.</summary>
    /// <exception cref="OperationCanceledException">Cancelled (the peer is told with <c>$/cancel_request</c>) or the connection closed.</exception>
    public Task<TResult> RequestAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken) =>
        _outgoing.SendAsync(method, parameters, paramsType, resultType, cancellationToken);

    /// <summary>Sends a notification.</summary>
    public Task NotifyAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(paramsType);
        return _writer.WriteNotificationAsync(method, parameters, paramsType);
    }

    /// <summary>Frees the connection's own resources; call after <see cref="RunAsync"/> has returned.</summary>
    public void Dispose()
    {
        _closed.Dispose();
        _channel.Dispose();
    }

    private async Task ProcessLineAsync(ReadOnlySequence<byte> line)
    {
        ReadOnlyMemory<byte> bytes = line.IsSingleSegment ? line.First : line.ToArray();
        if (!Utf8.IsValid(bytes.Span))
        {
            await _writer.WriteErrorAsync(null, JsonRpcErrorCodes.ParseError, "Parse error: the line is not valid UTF-8; send each message as UTF-8 encoded JSON.").ConfigureAwait(false);
            return;
        }

        JsonDocument document;
        try
        {
            // The document is disposed before this returns, so it may use the line's memory directly.
            document = JsonDocument.Parse(LoneSurrogates.Replace(bytes));
        }
        catch (JsonException ex)
        {
            await _writer.WriteErrorAsync(null, JsonRpcErrorCodes.ParseError, $"Parse error: the line is not valid JSON ({FirstSentence(ex.Message)}).").ConfigureAwait(false);
            return;
        }

        using (document)
        {
            IncomingMessage incoming;
            try
            {
                incoming = IncomingMessage.Classify(document.RootElement);
            }
            catch (InvalidOperationException ex)
            {
                // E.g. a string that is not valid UTF-8.
                await _writer.WriteErrorAsync(null, JsonRpcErrorCodes.ParseError, $"Parse error: {ex.Message}").ConfigureAwait(false);
                return;
            }

            switch (incoming)
            {
                case IncomingMessage.Invalid invalid:
                    await _writer.WriteErrorAsync(invalid.Id, JsonRpcErrorCodes.InvalidRequest, "Invalid request: " + invalid.Reason).ConfigureAwait(false);
                    break;
                case IncomingMessage.Response response:
                    _outgoing.Complete(response.Id, response.Result, response.Error);
                    break;
                case IncomingMessage.Call { Request.IsNotification: true } notification:
                    _dispatcher.Notify(notification.Request);
                    break;
                case IncomingMessage.Call call:
                    await _dispatcher.StartAsync(call.Request).ConfigureAwait(false);
                    break;
            }
        }
    }

    private Task WriteTooLongAsync() => _writer.WriteErrorAsync(null, JsonRpcErrorCodes.ParseError,
        string.Create(CultureInfo.InvariantCulture, $"Parse error: a message is longer than {MaxMessageBytes} bytes; it was skipped."));

    private async Task ShutdownAsync()
    {
        await _closed.CancelAsync().ConfigureAwait(false);
        _outgoing.CancelAll();
        await _dispatcher.WhenAllHandledAsync().ConfigureAwait(false);
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

    private static string FirstSentence(string message)
    {
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        return (cut > 0 ? message[..cut] : message).TrimEnd('.');
    }
}
