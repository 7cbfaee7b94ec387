using System.Net.Http.Headers;
using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

public sealed class RetryTests
{
    private static readonly string Answer = new SseBuilder().Content("ok").Finish("stop").Done().Build();

    [Fact]
    public async Task Streaming_429WithRetryAfter_WaitsAtLeastRetryAfterThenSucceeds()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(429, "rate_limit_reached_error", "slow down", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(1)));
        h.Handler.EnqueueSse(Answer);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using IAsyncEnumerator<ChatResponseUpdate> updates = h.Client.GetStreamingResponseAsync(Harness.Prompt(), cancellationToken: ct).GetAsyncEnumerator(ct);

        Assert.True(await updates.MoveNextAsync());
        RetryNotice notice = Assert.IsType<RetryNotice>(Assert.Single(updates.Current.Contents));
        Assert.True(notice.Delay >= TimeSpan.FromSeconds(1), $"delay {notice.Delay}");
        Assert.Equal((2, 429, ProviderErrorCodes.RateLimit), (notice.Attempt, notice.StatusCode, notice.Code));
        Assert.Equal("retrying in 1 s (429)", notice.ToString());
        Assert.Same(notice, Assert.Single(h.Notices));

        ValueTask<bool> next = updates.MoveNextAsync();
        Assert.Single(h.Handler.Requests);
        h.Time.Advance(TimeSpan.FromMilliseconds(999));
        Assert.False(next.IsCompleted);
        Assert.Single(h.Handler.Requests);

        h.Time.Advance(TimeSpan.FromMilliseconds(1));
        Assert.True(await next);
        Assert.Equal("ok", updates.Current.Text);
        Assert.Equal(2, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task NonStreaming_503Twice_BacksOffExponentiallyThenSucceeds()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(500, "", "boom");
        h.Handler.EnqueueError(500, "", "boom");
        h.Handler.EnqueueJson(200, """{"id":"c1","model":"m","choices":[{"index":0,"message":{"role":"assistant","content":"fine"},"finish_reason":"stop"}]}""");

        Task<ChatResponse> call = h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken);

        Assert.Equal(TimeSpan.FromSeconds(0.5), Assert.Single(h.Notices).Delay);
        h.Time.Advance(TimeSpan.FromSeconds(0.5));
        Assert.Equal(2, h.Handler.Requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(1), h.Notices[1].Delay);
        Assert.False(call.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(1));
        ChatResponse response = await call;

        Assert.Equal("fine", response.Text);
        Assert.Equal(3, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task Streaming_RetriesExhausted_ThrowsLastError()
    {
        using var h = new Harness(o => { o.Retry.MaxAttempts = 3; o.Retry.BaseDelay = TimeSpan.Zero; });
        h.Handler.EnqueueError(500, "", "boom 1");
        h.Handler.EnqueueError(502, "", "boom 2");
        h.Handler.EnqueueThrow(new HttpRequestException("Connection reset"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Network, error.Code);
        Assert.Equal(3, h.Handler.Requests.Count);
        Assert.Equal([2, 3], h.Notices.Select(n => n.Attempt));
        Assert.Equal([500, 502], h.Notices.Select(n => n.StatusCode!.Value));
    }

    [Fact]
    public async Task Streaming_RetryAfterLongerThanMaxDelay_SurfacesErrorWithRetryAfter()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(429, "rate_limit_reached_error", "slow down", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(600)));

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(TimeSpan.FromSeconds(600), error.RetryAfter);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task Streaming_RetryAfterHttpDate_WaitsUntilThatDate()
    {
        using var h = new Harness();
        DateTimeOffset at = h.Time.GetUtcNow().AddSeconds(3);
        h.Handler.EnqueueError(503, "", "overloaded", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(at));
        h.Handler.EnqueueSse(Answer);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using IAsyncEnumerator<ChatResponseUpdate> updates = h.Client.GetStreamingResponseAsync(Harness.Prompt(), cancellationToken: ct).GetAsyncEnumerator(ct);

        Assert.True(await updates.MoveNextAsync());
        RetryNotice notice = Assert.IsType<RetryNotice>(Assert.Single(updates.Current.Contents));
        Assert.Equal(TimeSpan.FromSeconds(3), notice.Delay);
        Assert.Equal(ProviderErrorCodes.Overloaded, notice.Code);
        ValueTask<bool> next = updates.MoveNextAsync();
        h.Time.Advance(TimeSpan.FromSeconds(3));
        Assert.True(await next);
        Assert.Equal("ok", updates.Current.Text);
    }

    [Fact]
    public async Task Streaming_CancelledDuringRetryWait_ThrowsOperationCanceled()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(500, "", "boom");
        using var cts = new CancellationTokenSource();
        await using IAsyncEnumerator<ChatResponseUpdate> updates = h.Client.GetStreamingResponseAsync(Harness.Prompt(), cancellationToken: cts.Token).GetAsyncEnumerator(cts.Token);

        Assert.True(await updates.MoveNextAsync());
        ValueTask<bool> next = updates.MoveNextAsync();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await next);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task ListModels_ServerErrorThenSuccess_Retries()
    {
        using var h = new Harness(o => o.Retry.BaseDelay = TimeSpan.Zero);
        h.Handler.EnqueueError(500, "", "boom");
        h.Handler.EnqueueJson(200, """{"data":[{"id":"kimi-for-coding"}]}""");

        IReadOnlyList<KimiModelInfo> models = await h.Client.ListModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal("kimi-for-coding", Assert.Single(models).Id);
        Assert.Equal(2, h.Handler.Requests.Count);
    }
}
