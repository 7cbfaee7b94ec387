using KimiCode.Emulator;
using KimiCode.Protocol;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests.Emulator;

/// <summary>Retry-After, exhausted retries and the 401 forced refresh, against the emulator.</summary>
public sealed class RetryAndRefreshTests
{
    [Fact]
    public async Task Streaming_429WithRetryAfter1_YieldsNoticeWaitsOneSecondOnTheClockThenSucceeds()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 429, RetryAfterSeconds = 1 });
        // Default retry policy: without Retry-After the first wait would be about 0.25–0.5 s.
        KimiChatClient client = session.Client(o => o.Retry = new RetryOptions());
        await using IAsyncEnumerator<ChatResponseUpdate> updates = client.GetStreamingResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct).GetAsyncEnumerator(session.Ct);

        Assert.True(await updates.MoveNextAsync());
        RetryNotice notice = Assert.IsType<RetryNotice>(Assert.Single(updates.Current.Contents));
        Assert.Equal((2, ProviderErrorCodes.RateLimit, 429), (notice.Attempt, notice.Code, notice.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(1), notice.Delay);
        Assert.Equal("retrying in 1 s (429)", notice.ToString());
        Assert.Same(notice, Assert.Single(session.Notices));
        Assert.Equal(429, Assert.Single(session.ChatRequests).StatusCode);

        // The wait runs on the injected clock: the retry cannot go out before a full second has passed on it.
        ValueTask<bool> next = updates.MoveNextAsync();
        session.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(next.IsCompleted);
        session.Time.Advance(TimeSpan.FromMilliseconds(1));
        var text = new List<string>();
        for (bool has = await next; has; has = await updates.MoveNextAsync())
        {
            text.Add(updates.Current.Text);
        }

        Assert.Equal("Echo: hi", string.Concat(text));
        IReadOnlyList<RecordedRequest> requests = session.ChatRequests;
        Assert.Equal([429, 200], requests.Select(r => r.StatusCode));
        Assert.True(requests[1].Timestamp - requests[0].Timestamp >= TimeSpan.FromSeconds(1), $"waited {requests[1].Timestamp - requests[0].Timestamp}");
    }

    [Fact]
    public async Task Streaming_429RetryAfterUntilRetriesExhausted_ThrowsRateLimitAfterEachWait()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 429, RetryAfterSeconds = 1, Count = 3 });
        KimiChatClient client = session.Client(o => o.Retry = new RetryOptions { MaxAttempts = 3 });

        StreamOutcome outcome = await session.StreamAsync(client);

        ProviderException error = outcome.ExpectError();
        Assert.Equal(ProviderErrorCodes.RateLimit, error.Code);
        Assert.Equal(TimeSpan.FromSeconds(1), error.RetryAfter);
        Assert.Equal([2, 3], outcome.RetryNotices.Select(n => n.Attempt));
        Assert.All(outcome.RetryNotices, n => Assert.Equal(TimeSpan.FromSeconds(1), n.Delay));
        IReadOnlyList<RecordedRequest> requests = session.ChatRequests;
        Assert.Equal([429, 429, 429], requests.Select(r => r.StatusCode));
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1)], requests.Zip(requests.Skip(1), (a, b) => b.Timestamp - a.Timestamp));
        Assert.Equal(0, session.State.ChatCount);
    }

    [Fact]
    public async Task NonStreaming_429WithRetryAfter_NotifiesWaitsOnTheClockThenSucceeds()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 429, RetryAfterSeconds = 2 });
        var clock = new ObservedClock(session.Time);
        // Timeouts off: the retry wait is then the only timer on the clock.
        KimiChatClient client = session.Client(o =>
        {
            o.Retry = new RetryOptions();
            o.Timeouts = new TimeoutOptions { Headers = Timeout.InfiniteTimeSpan, StreamIdle = Timeout.InfiniteTimeSpan };
            o.TimeProvider = clock;
        });

        Task<ChatResponse> call = client.GetResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct);
        TimeSpan wait = await clock.NextTimerAsync(session.Ct);
        session.Time.Advance(wait);
        ChatResponse response = await call;

        Assert.Equal(TimeSpan.FromSeconds(2), wait);
        Assert.Equal("Echo: hi", response.Text);
        RetryNotice notice = Assert.Single(session.Notices);
        Assert.Equal((2, ProviderErrorCodes.RateLimit, TimeSpan.FromSeconds(2)), (notice.Attempt, notice.Code, notice.Delay));
        IReadOnlyList<RecordedRequest> requests = session.ChatRequests;
        Assert.Equal([429, 200], requests.Select(r => r.StatusCode));
        Assert.Equal(TimeSpan.FromSeconds(2), requests[1].Timestamp - requests[0].Timestamp);
    }

    [Fact]
    public async Task Unauthorized_ExpiredOAuthToken_OneForcedRefreshAndOneRepeat()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        string expired = session.State.IssueTokens(TimeSpan.FromSeconds(60)).AccessToken;
        session.Time.Advance(TimeSpan.FromSeconds(61));
        var tokens = new EmulatorTokenSource(session.State, expired);
        KimiChatClient client = session.Client(o => o.Tokens = tokens);

        StreamOutcome outcome = (await session.StreamAsync(client)).ExpectSuccess();

        Assert.Equal("Echo: hi", outcome.Text);
        Assert.Equal(1, tokens.ForcedRefreshes);
        Assert.Equal([expired], tokens.RejectedTokens);
        IReadOnlyList<RecordedRequest> requests = session.ChatRequests;
        Assert.Equal([401, 200], requests.Select(r => r.StatusCode));
        Assert.Equal(["Bearer " + expired, "Bearer " + tokens.Current], requests.Select(r => r.Headers["authorization"]));
        Assert.NotEqual(expired, tokens.Current);
        Assert.Empty(outcome.RetryNotices);
    }

    [Fact]
    public async Task Unauthorized_RefreshedTokenAlsoRejected_ThrowsAuthAfterExactlyOneRefresh()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        var tokens = new EmulatorTokenSource(session.State, "unknown-token", refreshTo: "also-unknown-token");
        KimiChatClient client = session.Client(o => { o.Tokens = tokens; o.Retry.MaxAttempts = 10; });

        ProviderException error = (await session.StreamAsync(client)).ExpectError();

        Assert.Equal(ProviderErrorCodes.Auth, error.Code);
        Assert.Equal(1, tokens.ForcedRefreshes);
        Assert.Equal([401, 401], session.ChatRequests.Select(r => r.StatusCode));
        Assert.Equal(["Bearer unknown-token", "Bearer also-unknown-token"], session.ChatRequests.Select(r => r.Headers["authorization"]));
    }

    [Fact]
    public async Task ListModels_UnknownToken_RefreshesOnceAndLists()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        var tokens = new EmulatorTokenSource(session.State, "unknown-token");
        KimiChatClient client = session.Client(o => o.Tokens = tokens);

        IReadOnlyList<KimiModelInfo> models = await client.ListModelsAsync(session.Ct);

        Assert.Equal("kimi-for-coding", Assert.Single(models).Id);
        Assert.Equal(1, tokens.ForcedRefreshes);
        Assert.Equal([401, 200], session.State.Requests.Select(r => r.StatusCode));
    }

    /// <summary>An OAuth-like token source whose forced refresh mints a fresh token in the emulator (or hands out a fixed one).</summary>
    private sealed class EmulatorTokenSource(EmulatorState state, string initial, string? refreshTo = null) : IAccessTokenSource
    {
        public string Current { get; private set; } = initial;

        public int ForcedRefreshes { get; private set; }

        public List<string> RejectedTokens { get; } = [];

        public ValueTask<string> GetAccessTokenAsync(CancellationToken cancellationToken) => ValueTask.FromResult(Current);

        public ValueTask<string?> RefreshAfterUnauthorizedAsync(string rejectedToken, CancellationToken cancellationToken)
        {
            ForcedRefreshes++;
            RejectedTokens.Add(rejectedToken);
            Current = refreshTo ?? state.IssueTokens().AccessToken;
            return ValueTask.FromResult<string?>(Current);
        }
    }
}
