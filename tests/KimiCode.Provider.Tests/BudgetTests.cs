using System.Net.Http.Headers;
using System.Text;
using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

/// <summary>The retry budget: Retry-After floor and ceiling, the wall-clock cap, honest final messages, and answers that are not the API.</summary>
public sealed class BudgetTests
{
    private const string BaseUrl = "https://api.test/coding/v1";
    private static readonly string Answer = new SseBuilder().Content("ok").Finish("stop").Done().Build();

    [Fact]
    public async Task Streaming_RetryAfterZero_WaitsTheBackoffNotABurst()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(429, "rate_limit_reached_error", "slow down", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.Zero));
        h.Handler.EnqueueSse(Answer);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using IAsyncEnumerator<ChatResponseUpdate> updates = h.Client.GetStreamingResponseAsync(Harness.Prompt(), cancellationToken: ct).GetAsyncEnumerator(ct);

        Assert.True(await updates.MoveNextAsync());
        RetryNotice notice = Assert.IsType<RetryNotice>(Assert.Single(updates.Current.Contents));
        Assert.Equal(TimeSpan.FromSeconds(0.5), notice.Delay);
        ValueTask<bool> next = updates.MoveNextAsync();
        h.Time.Advance(TimeSpan.FromMilliseconds(499));
        Assert.False(next.IsCompleted);
        Assert.Single(h.Handler.Requests);
        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next);
        Assert.Equal(2, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task Streaming_RetryAfterAboveCeiling_FailsAtOnceSayingHowLongToWait()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(429, "rate_limit_reached_error", "slow down", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(600)));

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(h.StreamAsync()));

        Assert.Equal(ProviderErrorCodes.RateLimit, error.Code);
        Assert.Equal("Too many requests (429: slow down). Wait a moment and try again. Not retrying: the service asks to wait 10 min (more than [network] retry_after_max_s = 60 s); try again then.", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(600), error.RetryAfter);
        Assert.Single(h.Handler.Requests);
        Assert.Empty(h.Notices);
    }

    [Fact]
    public async Task NonStreaming_RetryAfterWithinCeiling_IsWaitedFor()
    {
        using var h = new Harness(o => o.Retry.RetryAfterMax = TimeSpan.FromSeconds(45));
        h.Handler.EnqueueError(503, "", "busy", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(40)));
        h.Handler.EnqueueJson(200, """{"id":"c1","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}]}""");

        Task<ChatResponse> call = h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken);
        Assert.Equal(TimeSpan.FromSeconds(40), Assert.Single(h.Notices).Delay);
        h.Time.Advance(TimeSpan.FromSeconds(40));

        Assert.Equal("fine", (await call).Text);
    }

    [Fact]
    public async Task NonStreaming_WallClockCap_StopsBeforeAWaitThatWouldCrossIt()
    {
        using var h = new Harness(o =>
        {
            o.Retry.BaseDelay = TimeSpan.FromSeconds(1);
            o.Retry.MaxElapsed = TimeSpan.FromSeconds(3);
        });
        for (int i = 1; i <= 10; i++)
        {
            h.Handler.EnqueueError(500, "", "boom " + i);
        }

        Task<ChatResponse> call = h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken);
        await Wait.Until(() => h.Handler.Requests.Count == 1);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        await Wait.Until(() => h.Handler.Requests.Count == 2);
        h.Time.Advance(TimeSpan.FromSeconds(2));

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(call));
        Assert.Equal("The server failed (500: boom 3). Try again later. (gave up after 3 attempts in 3 s)", error.Message);
        Assert.Equal(ProviderErrorCodes.Server, error.Code);
        Assert.Equal(3, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task Streaming_AttemptsExhausted_FinalMessageKeepsLastReasonAndSaysGaveUp()
    {
        using var h = new Harness(o => { o.Retry.MaxAttempts = 3; o.Retry.BaseDelay = TimeSpan.Zero; });
        h.Handler.EnqueueError(500, "", "boom 1");
        h.Handler.EnqueueError(502, "", "boom 2");
        h.Handler.EnqueueThrow(new HttpRequestException("Connection refused (api.test:443)"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(h.StreamAsync()));

        Assert.Equal(ProviderErrorCodes.Network, error.Code);
        Assert.Equal("Could not reach api.test: Connection refused (api.test:443). Check your connection or KIMI_CODE_BASE_URL. (gave up after 3 attempts in 0 s)", error.Message);
        Assert.Equal(3, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task Streaming_SingleAttempt_MessageHasNoGaveUpSuffix()
    {
        using var h = new Harness(o => o.Retry.MaxAttempts = 1);
        h.Handler.EnqueueError(500, "", "boom");

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(h.StreamAsync()));

        Assert.Equal("The server failed (500: boom). Try again later.", error.Message);
    }

    [Theory]
    [InlineData(402, "", "membership expired", ProviderErrorCodes.PaymentRequired)]
    [InlineData(403, "access_terminated_error", "no", ProviderErrorCodes.AccessTerminated)]
    [InlineData(429, "exceeded_current_quota_error", "quota", ProviderErrorCodes.QuotaExceeded)]
    [InlineData(400, "invalid_request_error", "exceeded model token limit: 262144", ProviderErrorCodes.ContextOverflow)]
    [InlineData(404, "invalid_request_error", "model not found", ProviderErrorCodes.BadRequest)]
    public async Task Streaming_NonRetryableClasses_FailAtOnce(int status, string type, string message, string code)
    {
        using var h = new Harness();
        h.Handler.EnqueueError(status, type, message);

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(h.StreamAsync()));

        Assert.Equal(code, error.Code);
        Assert.Single(h.Handler.Requests);
        Assert.Empty(h.Notices);
    }

    [Fact]
    public async Task Streaming_401AfterRefresh_FailsAtOnce()
    {
        using var h = new Harness(tokens: new FakeTokenSource("old", "new"));
        h.Handler.EnqueueError(401, "", "bad token");
        h.Handler.EnqueueError(401, "", "still bad");

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(h.StreamAsync()));

        Assert.Equal(ProviderErrorCodes.Auth, error.Code);
        Assert.Equal(2, h.Handler.Requests.Count);
        Assert.Empty(h.Notices);
    }

    [Fact]
    public async Task Streaming_Html200_IsBadResponseNamingBaseUrlWithoutRetry()
    {
        using var h = new Harness();
        h.Handler.EnqueueText(200, "<html><body>Sign in to the hotel Wi-Fi</body></html>", "text/html");

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(h.StreamAsync()));

        Assert.Equal(ProviderErrorCodes.BadResponse, error.Code);
        Assert.Equal($"The server at {BaseUrl} answered 200 with an HTML page (text/html) instead of an SSE stream (text/event-stream): <html><body>Sign in to the hotel Wi-Fi</body></html> This is not the Kimi API; check base_url in config.toml (or KIMI_CODE_BASE_URL), or sign in to the network's captive portal.", error.Message);
        Assert.Single(h.Handler.Requests);
        Assert.Empty(h.Notices);
    }

    [Fact]
    public async Task Streaming_MarkupWithoutContentType_IsBadResponse()
    {
        using var h = new Harness();
        h.Handler.EnqueueSseStream(() => new MemoryStream(Encoding.UTF8.GetBytes("\n<!DOCTYPE html><title>portal</title>")));

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(h.StreamAsync()));

        Assert.Equal(ProviderErrorCodes.BadResponse, error.Code);
        Assert.Contains(BaseUrl, error.Message, StringComparison.Ordinal);
        Assert.Contains("not the Kimi API", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task NonStreaming_Garbage200_IsBadResponseNamingBaseUrlWithoutRetry()
    {
        using var h = new Harness();
        h.Handler.EnqueueText(200, "Welcome to nginx!", "text/plain");

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken)));

        Assert.Equal(ProviderErrorCodes.BadResponse, error.Code);
        Assert.Equal($"The server at {BaseUrl} answered 200 with text/plain instead of JSON (a chat completion): Welcome to nginx! This is not the Kimi API; check base_url in config.toml (or KIMI_CODE_BASE_URL), or sign in to the network's captive portal.", error.Message);
        Assert.Single(h.Handler.Requests);
    }
}
