using System.Collections.Concurrent;
using System.Text;
using System.Text.Json;
using System.Threading.Channels;

namespace KimiCode.Acp.Tests.Support;

/// <summary>What a test client answers to a request from the agent.</summary>
internal sealed record ClientReply(string? ResultJson, int ErrorCode = 0, string? ErrorMessage = null)
{
    public static ClientReply Result(string json) => new(json);

    public static ClientReply Error(int code, string message) => new(null, code, message);
}

/// <summary>
/// A minimal ACP client over a pair of streams: sends requests and raw lines, answers the agent's requests
/// through <see cref="OnRequest"/>, and queues notifications and responses it cannot match to a request.
/// </summary>
internal sealed class AcpTestClient : IAsyncDisposable
{
    private readonly StreamReader _reader;
    private readonly Stream _toAgent;
    private readonly SemaphoreSlim _writeLock = new(1, 1);
    private readonly ConcurrentDictionary<long, TaskCompletionSource<JsonElement>> _pending = new();
    private readonly Channel<JsonElement> _notifications = Channel.CreateUnbounded<JsonElement>();
    private readonly Channel<JsonElement> _unmatched = Channel.CreateUnbounded<JsonElement>();
    private readonly Channel<JsonElement> _agentRequests = Channel.CreateUnbounded<JsonElement>();
    private readonly List<string> _lines = [];
    private readonly Task _pump;
    private long _nextId = 1000;

    public AcpTestClient(Stream fromAgent, Stream toAgent)
    {
        _reader = new StreamReader(fromAgent, new UTF8Encoding(false));
        _toAgent = toAgent;
        _pump = Task.Run(PumpAsync);
    }

    /// <summary>Answers the agent's requests (method, params); null answers -32601.</summary>
    public Func<string, JsonElement, Task<ClientReply>>? OnRequest { get; set; }

    /// <summary>Every line the agent wrote so far.</summary>
    public IReadOnlyList<string> Lines
    {
        get
        {
            lock (_lines)
            {
                return [.. _lines];
            }
        }
    }

    /// <summary>Requests the agent sent (method and params), in order.</summary>
    public ChannelReader<JsonElement> AgentRequests => _agentRequests.Reader;

    /// <summary>The next request the agent sent (its method, id and params).</summary>
    public async Task<JsonElement> NextAgentRequestAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        return await _agentRequests.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>Sends a request and returns the whole response object.</summary>
    public async Task<JsonElement> RequestAsync(string method, string paramsJson)
    {
        long id = Interlocked.Increment(ref _nextId);
        var completion = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        _pending[id] = completion;

        // Raw newlines can only be whitespace in JSON; one message must stay on one line.
        string compact = paramsJson.ReplaceLineEndings(" ");
        await SendLineAsync($$"""{"jsonrpc":"2.0","id":{{id}},"method":"{{method}}","params":{{compact}}}""");
        return await completion.Task.WaitAsync(TestTimeouts.Default);
    }

    /// <summary>Sends a request; fails the test when it is answered with an error.</summary>
    public async Task<JsonElement> ResultAsync(string method, string paramsJson)
    {
        JsonElement response = await RequestAsync(method, paramsJson);
        Assert.True(response.TryGetProperty("result", out JsonElement result), $"{method} failed: {response.GetRawText()}");
        return result;
    }

    /// <summary>Sends a request; fails the test when it succeeds. Returns the error object.</summary>
    public async Task<JsonElement> ErrorAsync(string method, string paramsJson)
    {
        JsonElement response = await RequestAsync(method, paramsJson);
        Assert.True(response.TryGetProperty("error", out JsonElement error), $"{method} should have failed: {response.GetRawText()}");
        return error;
    }

    public Task NotifyAsync(string method, string paramsJson) =>
        SendLineAsync($$"""{"jsonrpc":"2.0","method":"{{method}}","params":{{paramsJson}}}""");

    public async Task SendLineAsync(string line) => await SendBytesAsync(Encoding.UTF8.GetBytes(line + "\n"));

    public async Task SendBytesAsync(byte[] bytes)
    {
        await _writeLock.WaitAsync();
        try
        {
            await _toAgent.WriteAsync(bytes);
            await _toAgent.FlushAsync();
        }
        finally
        {
            _writeLock.Release();
        }
    }

    /// <summary>The next response that no request of this client waits for (answers to raw lines).</summary>
    public async Task<JsonElement> NextUnmatchedResponseAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        return await _unmatched.Reader.ReadAsync(timeout.Token);
    }

    /// <summary>True when no unmatched response is queued.</summary>
    public bool HasUnmatchedResponse => _unmatched.Reader.TryPeek(out _);

    /// <summary>The next <c>session/update</c> whose update matches (earlier ones are consumed).</summary>
    public async Task<JsonElement> NextUpdateAsync(Func<JsonElement, bool> match)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            JsonElement notification = await _notifications.Reader.ReadAsync(timeout.Token);
            if (notification.GetProperty("method").GetString() == "session/update"
                && match(notification.GetProperty("params").GetProperty("update")))
            {
                return notification.GetProperty("params");
            }
        }
    }

    /// <summary>The next notification with <paramref name="method"/> (earlier ones are consumed).</summary>
    public async Task<JsonElement> NextNotificationAsync(string method)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            JsonElement notification = await _notifications.Reader.ReadAsync(timeout.Token);
            if (notification.GetProperty("method").GetString() == method)
            {
                return notification;
            }
        }
    }

    /// <summary>The <c>session/update</c> notifications received so far, without waiting.</summary>
    public List<JsonElement> DrainUpdates()
    {
        var updates = new List<JsonElement>();
        while (_notifications.Reader.TryRead(out JsonElement notification))
        {
            if (notification.GetProperty("method").GetString() == "session/update")
            {
                updates.Add(notification.GetProperty("params").GetProperty("update"));
            }
        }

        return updates;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _toAgent.DisposeAsync();
        }
        catch (IOException)
        {
        }

        await _pump.WaitAsync(TestTimeouts.Default).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _writeLock.Dispose();
    }

    private async Task PumpAsync()
    {
        while (await _reader.ReadLineAsync() is { } line)
        {
            lock (_lines)
            {
                _lines.Add(line);
            }

            JsonElement message;
            using (JsonDocument document = JsonDocument.Parse(line))
            {
                message = document.RootElement.Clone();
            }

            bool hasMethod = message.TryGetProperty("method", out JsonElement method);
            bool hasId = message.TryGetProperty("id", out JsonElement id);
            if (hasMethod && hasId)
            {
                await _agentRequests.Writer.WriteAsync(message);
                _ = AnswerAsync(id, method.GetString()!, message.TryGetProperty("params", out JsonElement p) ? p : default);
            }
            else if (hasMethod)
            {
                await _notifications.Writer.WriteAsync(message);
            }
            else if (hasId && id.ValueKind == JsonValueKind.Number && id.TryGetInt64(out long number) && _pending.TryRemove(number, out TaskCompletionSource<JsonElement>? completion))
            {
                completion.TrySetResult(message);
            }
            else
            {
                await _unmatched.Writer.WriteAsync(message);
            }
        }

        _notifications.Writer.TryComplete();
        _unmatched.Writer.TryComplete();
        _agentRequests.Writer.TryComplete();
        foreach (TaskCompletionSource<JsonElement> pending in _pending.Values)
        {
            pending.TrySetException(new IOException("The agent closed its output."));
        }
    }

    private async Task AnswerAsync(JsonElement id, string method, JsonElement parameters)
    {
        ClientReply reply;
        try
        {
            reply = OnRequest is { } handler ? await handler(method, parameters) : ClientReply.Error(-32601, "Method not found: " + method);
        }
        catch (Exception ex)
        {
            reply = ClientReply.Error(-32603, ex.Message);
        }

        string line = reply.ResultJson is { } result
            ? $$"""{"jsonrpc":"2.0","id":{{id.GetRawText()}},"result":{{result}}}"""
            : $$$"""{"jsonrpc":"2.0","id":{{{id.GetRawText()}}},"error":{"code":{{{reply.ErrorCode}}},"message":{{{Json.Str(reply.ErrorMessage ?? "")}}}}}""";
        try
        {
            await SendLineAsync(line);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
        }
    }
}
