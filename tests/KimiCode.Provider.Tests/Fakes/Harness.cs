using Microsoft.Extensions.AI;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Provider.Tests.Fakes;

/// <summary>A client wired to a fake handler, fake clock and fake token source.</summary>
internal sealed class Harness : IDisposable
{
    public Harness(Action<KimiProviderOptions>? configure = null, FakeTokenSource? tokens = null)
    {
        Tokens = tokens ?? new FakeTokenSource();
        Options = new KimiProviderOptions
        {
            BaseUrl = new Uri("https://api.test/coding/v1"),
            Model = "kimi-for-coding",
            Tokens = Tokens,
            TimeProvider = Time,
            IdentityHeaders = [new("X-Msh-Platform", "kimi_code_cli"), new("X-Msh-Version", "0.1.0")],
            UserAgent = "kimi-code-cli/0.1.0",
            Retry = new RetryOptions { Jitter = false },
        };
        Options.OnRetry = Notices.Add;
        configure?.Invoke(Options);
        Client = new KimiChatClient(Options, Handler);
    }

    public FakeHttpHandler Handler { get; } = new();

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));

    public FakeTokenSource Tokens { get; }

    public KimiProviderOptions Options { get; }

    public KimiChatClient Client { get; }

    public List<RetryNotice> Notices { get; } = [];

    public static List<ChatMessage> Prompt(string text = "hi") => [new(ChatRole.User, text)];

    /// <summary>Streams with the test's own cancellation token.</summary>
    public Task<List<ChatResponseUpdate>> StreamAsync(IEnumerable<ChatMessage>? messages = null, ChatOptions? options = null) =>
        StreamWithTokenAsync(messages, options, TestContext.Current.CancellationToken);

    public async Task<List<ChatResponseUpdate>> StreamWithTokenAsync(IEnumerable<ChatMessage>? messages, ChatOptions? options, CancellationToken cancellationToken)
    {
        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in Client.GetStreamingResponseAsync(messages ?? Prompt(), options, cancellationToken))
        {
            updates.Add(update);
        }

        return updates;
    }

    public void Dispose()
    {
        Client.Dispose();
        Handler.Dispose();
    }
}
