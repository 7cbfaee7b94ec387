using System.Collections.Concurrent;
using System.Text.Json;
using KimiCode.Acp.Schema;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// Runs the peer's requests and notifications. Requests run concurrently (a long <c>session/prompt</c> never
/// blocks <c>session/cancel</c> or the answers to our own requests), each with its own cancellation that
/// <c>$/cancel_request</c> triggers; notifications and the methods named by <see cref="IsInline"/> run in arrival
/// order on the reading loop. Every request gets exactly one answer; notifications never get one.
/// </summary>
internal sealed class RequestDispatcher
{
    private readonly ConcurrentDictionary<string, CancellationTokenSource> _inFlight = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<Task, byte> _handlers = new();
    private readonly JsonRpcMessageWriter _writer;
    private readonly Action<string> _log;
    private readonly CancellationToken _closed;

    public RequestDispatcher(JsonRpcMessageWriter writer, Action<string> log, CancellationToken closed)
    {
        _writer = writer ?? throw new ArgumentNullException(nameof(writer));
        _log = log ?? throw new ArgumentNullException(nameof(log));
        _closed = closed;
    }

    /// <summary>Answers a request; throw <see cref="AcpException"/> for a JSON-RPC error.</summary>
    public Func<JsonRpcRequest, CancellationToken, Task<RpcResult>>? OnRequest { get; set; }

    /// <summary>Handles a notification (on the reading loop: keep it quick). Unknown ones are ignored.</summary>
    public Action<JsonRpcRequest>? OnNotification { get; set; }

    /// <summary>Requests that must run in arrival order on the reading loop (e.g. <c>initialize</c>).</summary>
    public Func<string, bool> IsInline { get; set; } = static _ => false;

    /// <summary>
    /// Called on the reading loop, in arrival order, as each request is accepted and before its handler starts: what a
    /// later notification must find (a prompt's cancellation) is registered here, so no ordering can miss it.
    /// </summary>
    public Action<JsonRpcRequest>? OnAccepted { get; set; }

    /// <summary>Starts a request: inline ones finish before this returns, the others run in the background.</summary>
    public async Task StartAsync(JsonRpcRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        string key = request.Id!.Value.GetRawText();
        var cancellation = CancellationTokenSource.CreateLinkedTokenSource(_closed);
        if (!_inFlight.TryAdd(key, cancellation))
        {
            cancellation.Dispose();
            await _writer.WriteErrorAsync(request.Id, JsonRpcErrorCodes.InvalidRequest, $"Invalid request: id {key} is already in use by a request that has not been answered.").ConfigureAwait(false);
            return;
        }

        try
        {
            OnAccepted?.Invoke(request);
        }
        catch (Exception ex)
        {
            _log($"accepting {request.Method} failed: {ex.Message}");
        }

        if (IsInline(request.Method))
        {
            await HandleAsync(request, key, cancellation).ConfigureAwait(false);
            return;
        }

        Task handler = Task.Run(() => HandleAsync(request, key, cancellation));
        _handlers.TryAdd(handler, 0);
        _ = handler.ContinueWith(static (t, state) => ((ConcurrentDictionary<Task, byte>)state!).TryRemove(t, out _), _handlers, CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Handles a notification: <c>$/cancel_request</c> here, the rest through <see cref="OnNotification"/>.</summary>
    public void Notify(JsonRpcRequest notification)
    {
        ArgumentNullException.ThrowIfNull(notification);
        try
        {
            if (notification.Method == AcpMethods.CancelRequest)
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
            _log($"notification {notification.Method} failed: {ex.Message}");
        }
    }

    /// <summary>Waits for the requests still running in the background (they see the connection's cancellation).</summary>
    public async Task WhenAllHandledAsync()
    {
        Task[] handlers = [.. _handlers.Keys];
        try
        {
            await Task.WhenAll(handlers).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            _log($"a request handler failed during shutdown: {ex.Message}");
        }
    }

    private async Task HandleAsync(JsonRpcRequest request, string key, CancellationTokenSource cancellation)
    {
        RpcResult? result = null;
        AcpException? error = null;
        try
        {
            Func<JsonRpcRequest, CancellationToken, Task<RpcResult>> handler = OnRequest
                ?? throw JsonRpcMethodTable.MethodNotFound(request.Method);
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
            _log($"{request.Method} failed: {ex}");
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
                await _writer.WriteErrorAsync(request.Id, error.Code, error.Message, error.ErrorData).ConfigureAwait(false);
                return;
            }

            await _writer.WriteResultAsync(request.Id!.Value, result!).ConfigureAwait(false);
            if (result!.AfterSent is { } after)
            {
                await after().ConfigureAwait(false);
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException)
        {
            _log($"could not answer {request.Method}: {ex.Message}");
        }
        catch (Exception ex)
        {
            _log($"after answering {request.Method}: {ex}");
        }
    }
}
