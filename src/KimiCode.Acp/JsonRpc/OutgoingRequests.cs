using System.Collections.Concurrent;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KimiCode.Acp.Schema;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// The requests this side sends to the peer, matched with their answers by id (numbers counted from 1).
/// A caller that gives up removes its id and tells the peer with <c>$/cancel_request</c>; closing the connection
/// cancels every request still waiting.
/// </summary>
internal sealed class OutgoingRequests
{
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly JsonRpcMessageWriter _writer;
    private readonly Action<string> _log;
    private readonly CancellationToken _closed;
    private long _nextId;

    public OutgoingRequests(JsonRpcMessageWriter writer, Action<string> log, CancellationToken closed)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _closed = closed;
    }

    /// <summary>How many requests wait for an answer.</summary>
    public int PendingCount => _pending.Count;

    /// <summary>Sends a request and waits for its answer; an error answer throws <see cref="AcpException"/>.</summary>
    /// <exception cref="OperationCanceledException">Cancelled (the peer is told with <c>$/cancel_request</c>) or the connection closed.</exception>
    public async Task<TResult> SendAsync<TParams, TResult>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType, JsonTypeInfo<TResult> resultType, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(method);
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(resultType);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closed);
        CancellationToken token = linked.Token;
        token.ThrowIfCancellationRequested();
        long id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;
        try
        {
            await _writer.WriteRequestAsync(id, method, parameters, paramsType).ConfigureAwait(false);

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
            catch (Exception ex) when (ex is JsonException or NotSupportedException or InvalidOperationException)
            {
                string problem = ParamsProblem.Find(result, resultType, "result") ?? "it does not match the ACP schema";
                throw new AcpException(JsonRpcErrorCodes.InvalidParams, $"The client's answer to {method} does not match the protocol: {problem}.");
            }
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            if (_pending.TryRemove(id, out _) && !_closed.IsCancellationRequested)
            {
                // The peer still answers the request; tell it we no longer wait.
                _ = CancelQuietlyAsync(id);
            }

            throw;
        }
        finally
        {
            _pending.TryRemove(id, out _);
        }
    }

    /// <summary>Completes the request <paramref name="id"/> answered; false (and logged) when no request waits for that id.</summary>
    /// <param name="error">The <c>error</c> object, already checked to hold an integer <c>code</c>.</param>
    public bool Complete(JsonElement id, JsonElement? result, JsonElement? error)
    {
        if (id.ValueKind != JsonValueKind.Number || !id.TryGetInt64(out long key) || !_pending.TryRemove(key, out TaskCompletionSource<JsonElement>? completion))
        {
            _log($"ignored a response to unknown request id {id.GetRawText()}");
            return false;
        }

        if (error is { } e)
        {
            int code = e.GetProperty("code"u8).GetInt32();
            string message = e.TryGetProperty("message"u8, out JsonElement m) && m.ValueKind == JsonValueKind.String ? m.GetString()! : "(no message)";
            JsonElement? data = e.TryGetProperty("data"u8, out JsonElement d) ? d.Clone() : null;
            completion.TrySetException(new AcpException(code, message, data));
        }
        else
        {
            completion.TrySetResult(result ?? default);
        }

        return true;
    }

    /// <summary>Cancels every request still waiting (the connection closed).</summary>
    public void CancelAll()
    {
        foreach (TaskCompletionSource<JsonElement> pending in _pending.Values)
        {
            pending.TrySetCanceled(_closed);
        }
    }

    private async Task CancelQuietlyAsync(long requestId)
    {
        try
        {
            await _writer.WriteNotificationAsync(
                AcpMethods.CancelRequest,
                new CancelRequestParams { RequestId = JsonSerializer.SerializeToElement(requestId, AcpJsonContext.Default.Int64) },
                AcpJsonContext.Default.CancelRequestParams).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            _log($"could not send {AcpMethods.CancelRequest}: {ex.Message}");
        }
    }
}
