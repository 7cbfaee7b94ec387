using System.Net.Http.Headers;
using System.Text;
using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

/// <summary>Connect, headers and stream-idle timeouts: each is a retryable provider.timeout naming its setting; caller cancellation stays cancellation.</summary>
public sealed class TimeoutTests
{
    private static readonly string Answer = new SseBuilder().Content("ok").Finish("stop").Done().Build();

    [Fact]
    public async Task Streaming_HeadersNeverSent_TimesOutNamingHeadersTimeoutAndRetriesEachAttempt()
    {
        using var h = new Harness(o =>
        {
            o.Retry.MaxAttempts = 3;
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Timeouts.Headers = TimeSpan.FromSeconds(0.3);
        });
        h.Handler.EnqueueNoHeaders().EnqueueNoHeaders().EnqueueNoHeaders();

        Task<List<ChatResponseUpdate>> call = h.StreamAsync();
        for (int attempt = 1; attempt <= 3; attempt++)
        {
            await Wait.Until(() => h.Handler.Requests.Count == attempt);
            h.Time.Advance(TimeSpan.FromSeconds(0.3));
        }

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(call));
        Assert.Equal(ProviderErrorCodes.Timeout, error.Code);
        Assert.True(error.IsRetryable);
        Assert.Equal("No response headers from api.test within 0.3 s (headers timeout; raise [network] headers_timeout_s or KIMI_CODE_HEADERS_TIMEOUT_S). (gave up after 3 attempts in 0.9 s)", error.Message);
        Assert.Equal(3, h.Handler.Requests.Count);
        Assert.All(h.Notices, n => Assert.Equal(ProviderErrorCodes.Timeout, n.Code));
    }

    [Fact]
    public async Task NonStreaming_HeadersNeverSent_TimesOut()
    {
        using var h = new Harness(o =>
        {
            o.Retry.MaxAttempts = 1;
            o.Timeouts.Headers = TimeSpan.FromSeconds(60);
        });
        h.Handler.EnqueueNoHeaders();

        Task<ChatResponse> call = h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken);
        await Wait.Until(() => h.Handler.Requests.Count == 1);
        h.Time.Advance(TimeSpan.FromSeconds(59.9));
        Assert.False(call.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(0.1));

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(call));
        Assert.Equal(ProviderErrorCodes.Timeout, error.Code);
        Assert.Contains("within 60 s (headers timeout;", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_CallerCancelsWhileWaitingForHeaders_ThrowsOperationCanceled()
    {
        using var h = new Harness();
        h.Handler.EnqueueNoHeaders();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        Task<List<ChatResponseUpdate>> call = h.StreamWithTokenAsync(null, null, cts.Token);
        await Wait.Until(() => h.Handler.Requests.Count == 1);
        await cts.CancelAsync();

        Exception error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.For(call));
        Assert.IsNotType<ProviderException>(error, exactMatch: false);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task Streaming_StallAfterFirstChunk_EndsWithStreamIdleTimeoutWithoutRetry()
    {
        using var h = new Harness(o => o.Timeouts.StreamIdle = TimeSpan.FromSeconds(90));
        var body = new StallingStream(new SseBuilder().Content("hel").Build());
        h.Handler.EnqueueStalled(body);
        CancellationToken ct = TestContext.Current.CancellationToken;
        await using IAsyncEnumerator<ChatResponseUpdate> updates = h.Client.GetStreamingResponseAsync(Harness.Prompt(), cancellationToken: ct).GetAsyncEnumerator(ct);

        Assert.True(await updates.MoveNextAsync());
        Assert.Equal("hel", updates.Current.Text);
        ValueTask<bool> next = updates.MoveNextAsync();
        await Wait.Until(() => body.PendingReads == 1);
        h.Time.Advance(TimeSpan.FromSeconds(89));
        Assert.False(next.IsCompleted);
        h.Time.Advance(TimeSpan.FromSeconds(1));

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(next.AsTask()));
        Assert.Equal(ProviderErrorCodes.Timeout, error.Code);
        Assert.Equal("The answer stream stalled: no data from api.test for 90 s (stream idle timeout; raise [network] stream_idle_timeout_s or KIMI_CODE_STREAM_IDLE_TIMEOUT_S).", error.Message);
        Assert.Single(h.Handler.Requests);
        Assert.Empty(h.Notices);
    }

    [Fact]
    public async Task Streaming_StallBeforeAnyChunk_IsRetried()
    {
        using var h = new Harness(o =>
        {
            o.Retry.BaseDelay = TimeSpan.Zero;
            o.Timeouts.StreamIdle = TimeSpan.FromSeconds(2);
        });
        var body = new StallingStream(string.Empty);
        h.Handler.EnqueueStalled(body).EnqueueSse(Answer);

        Task<List<ChatResponseUpdate>> call = h.StreamAsync();
        await Wait.Until(() => body.PendingReads == 1);
        h.Time.Advance(TimeSpan.FromSeconds(2));
        List<ChatResponseUpdate> updates = await Wait.For(call);

        Assert.Equal("ok", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(2, h.Handler.Requests.Count);
        RetryNotice notice = Assert.Single(h.Notices);
        Assert.Equal((ProviderErrorCodes.Timeout, 2, 10), (notice.Code, notice.Attempt, notice.MaxAttempts));
        Assert.Contains("stream idle timeout", notice.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_CallerCancelsDuringStall_ThrowsOperationCanceled()
    {
        using var h = new Harness(o => o.Timeouts.StreamIdle = TimeSpan.FromSeconds(2));
        var body = new StallingStream(new SseBuilder().Content("hel").Build());
        h.Handler.EnqueueStalled(body);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);

        Task<List<ChatResponseUpdate>> call = h.StreamWithTokenAsync(null, null, cts.Token);
        await Wait.Until(() => body.PendingReads == 1);
        await cts.CancelAsync();

        Exception error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => Wait.For(call));
        Assert.IsNotType<ProviderException>(error, exactMatch: false);
    }

    [Fact]
    public async Task NonStreaming_BodyStalls_TimesOut()
    {
        using var h = new Harness(o =>
        {
            o.Retry.MaxAttempts = 1;
            o.Timeouts.StreamIdle = TimeSpan.FromSeconds(5);
        });
        var body = new StallingStream("{\"id\":");
        h.Handler.EnqueueStalled(body, "application/json");

        Task<ChatResponse> call = h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken);
        await Wait.Until(() => body.PendingReads == 1);
        h.Time.Advance(TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<ProviderException>(() => Wait.For(call));
        Assert.Equal(ProviderErrorCodes.Timeout, error.Code);
        Assert.Contains("stream_idle_timeout_s", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task ConnectTimeoutFromHandler_IsTimeoutNamingConnectTimeout()
    {
        using var h = new Harness(o => o.Retry.MaxAttempts = 1);
        h.Handler.EnqueueThrow(new TaskCanceledException("A connection could not be established within the configured ConnectTimeout.", new TimeoutException()));

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Timeout, error.Code);
        Assert.Equal("Could not connect to api.test within 15 s (connect timeout; raise [network] connect_timeout_s or KIMI_CODE_CONNECT_TIMEOUT_S).", error.Message);
    }
}

/// <summary>Polls a condition the test cannot await directly (a request reaching the fake), bounded by a generous limit.</summary>
internal static class Wait
{
    public static async Task Until(Func<bool> condition)
    {
        DateTime limit = DateTime.UtcNow.AddSeconds(60);
        while (!condition())
        {
            if (DateTime.UtcNow > limit)
            {
                Assert.Fail("condition not reached within 60 s");
            }

            await Task.Delay(5, TestContext.Current.CancellationToken);
        }
    }

    /// <summary><paramref name="task"/>, failing the test instead of hanging when it never completes (the defect these tests catch).</summary>
    public static Task<T> For<T>(Task<T> task) => task.WaitAsync(TimeSpan.FromSeconds(60), TestContext.Current.CancellationToken);
}
