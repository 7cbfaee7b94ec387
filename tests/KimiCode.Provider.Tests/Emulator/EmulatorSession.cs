using KimiCode.Emulator;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Provider.Tests.Emulator;

/// <summary>
/// One in-process emulator per test, on a loopback port, plus <see cref="KimiChatClient"/>s pointed at
/// it. The emulator and the clients share one <see cref="FakeTimeProvider"/>, so the request log's
/// timestamps show how long the client waited by the injected clock.
/// </summary>
internal sealed class EmulatorSession : IAsyncDisposable
{
    public const string ApiKey = "sk-provider-tests-key";
    public const string Model = "kimi-for-coding";

    private readonly CancellationTokenSource _timeout;
    private readonly List<KimiChatClient> _clients = [];

    private EmulatorSession(KimiEmulator emulator, FakeTimeProvider time, CancellationTokenSource timeout)
    {
        Emulator = emulator;
        Time = time;
        _timeout = timeout;
    }

    public KimiEmulator Emulator { get; }

    public EmulatorState State => Emulator.State;

    public FakeTimeProvider Time { get; }

    /// <summary>The test's cancellation token with the shared safety timeout.</summary>
    public CancellationToken Ct => _timeout.Token;

    /// <summary>Every <see cref="RetryNotice"/> passed to <see cref="KimiProviderOptions.OnRetry"/> by clients of this session.</summary>
    public List<RetryNotice> Notices { get; } = [];

    /// <summary>The request log, chat completions only (both APIs).</summary>
    public IReadOnlyList<RecordedRequest> ChatRequests =>
        State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();

    public static async Task<EmulatorSession> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var timeout = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { TimeProvider = time };
        options.ApiKeys.Add(ApiKey);
        configure?.Invoke(options);
        KimiEmulator emulator = await KimiEmulator.StartAsync(options, timeout.Token);
        return new EmulatorSession(emulator, time, timeout);
    }

    public static List<ChatMessage> Prompt(string text = "hi") => [new(ChatRole.User, text)];

    /// <summary>
    /// A client for the coding API with the API key, identity headers that the emulator admits
    /// (<c>X-Msh-Platform: kimi_cli</c>), the session's clock, and immediate retries (at most 2 attempts)
    /// unless <paramref name="configure"/> says otherwise.
    /// </summary>
    public KimiChatClient Client(Action<KimiProviderOptions>? configure = null, HttpMessageHandler? handler = null)
    {
        var options = new KimiProviderOptions
        {
            BaseUrl = new Uri(Emulator.CodingBaseUrl),
            Model = Model,
            Tokens = new StaticTokenSource(ApiKey),
            IdentityHeaders = [new("X-Msh-Platform", "kimi_cli"), new("X-Msh-Version", "0.1.0")],
            UserAgent = "kimi-code-cli/0.1.0",
            TimeProvider = Time,
            Retry = new RetryOptions { MaxAttempts = 2, BaseDelay = TimeSpan.Zero, Jitter = false },
            OnRetry = Notices.Add,
        };
        configure?.Invoke(options);
        var client = new KimiChatClient(options, handler);
        _clients.Add(client);
        return client;
    }

    /// <summary>
    /// Streams one answer to the end. When a <see cref="RetryNotice"/> arrives, the next step starts
    /// the client's retry wait on the fake clock, and the clock is then moved on by exactly the
    /// announced delay: no real waiting, and the wait is visible in the emulator's timestamps.
    /// Only <see cref="ProviderException"/> is caught; any other exception fails the test.
    /// </summary>
    public async Task<StreamOutcome> StreamAsync(IChatClient client, IEnumerable<ChatMessage>? messages = null, ChatOptions? options = null)
    {
        var updates = new List<ChatResponseUpdate>();
        await using IAsyncEnumerator<ChatResponseUpdate> stream = client.GetStreamingResponseAsync(messages ?? Prompt(), options, Ct).GetAsyncEnumerator(Ct);
        TimeSpan pendingWait = TimeSpan.Zero;
        try
        {
            while (true)
            {
                // After a notice the enumerator registers its wait timer synchronously inside MoveNextAsync.
                ValueTask<bool> next = stream.MoveNextAsync();
                if (pendingWait > TimeSpan.Zero)
                {
                    Time.Advance(pendingWait);
                    pendingWait = TimeSpan.Zero;
                }

                if (!await next)
                {
                    return new StreamOutcome(updates, null);
                }

                updates.Add(stream.Current);
                if (stream.Current.Contents.OfType<RetryNotice>().FirstOrDefault() is { } notice)
                {
                    pendingWait = notice.Delay;
                }
            }
        }
        catch (ProviderException error)
        {
            return new StreamOutcome(updates, error);
        }
    }

    public async ValueTask DisposeAsync()
    {
        foreach (KimiChatClient client in _clients)
        {
            client.Dispose();
        }

        await Emulator.DisposeAsync();
        _timeout.Dispose();
    }
}

/// <summary>What a streamed call produced: the updates that reached the caller and the error that ended it, if any.</summary>
internal sealed record StreamOutcome(List<ChatResponseUpdate> Updates, ProviderException? Error)
{
    public string Text => string.Concat(Updates.Select(u => u.Text));

    public string Reasoning => string.Concat(Updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text));

    public List<FunctionCallContent> Calls => Updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();

    public List<RetryNotice> RetryNotices => Updates.SelectMany(u => u.Contents).OfType<RetryNotice>().ToList();

    public ProviderException ExpectError() => Error ?? throw new Xunit.Sdk.XunitException("The stream ended without the expected ProviderException.");

    public StreamOutcome ExpectSuccess() =>
        Error is null ? this : throw new Xunit.Sdk.XunitException($"The stream failed: {Error.Code}: {Error.Message}");
}
