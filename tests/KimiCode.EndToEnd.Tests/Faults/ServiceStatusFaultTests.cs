using KimiCode.Emulator;
using static KimiCode.EndToEnd.Tests.Faults.FaultRun;

namespace KimiCode.EndToEnd.Tests.Faults;

/// <summary>The fault matrix, rows where the chat API answers with an error status (docs/reliability.md).</summary>
public sealed class ServiceStatusFaultTests
{
    public static TheoryData<int, string> RetriedStatuses => new()
    {
        { 429, "provider.rate_limit" },
        { 500, "provider.server" },
        { 503, "provider.server" },
        { 529, "provider.overloaded" },
    };

    [Theory]
    [MemberData(nameof(RetriedStatuses))]
    public async Task Chat_TransientStatus_ThreeAttemptsThenLastReasonAndRetryableExit(int status, string code)
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { Status = status, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(ErrorLine(result, code), $"(gave up after {Attempts} attempts in ");
        Assert.Equal(Attempts, run.ChatRequests);
        AssertWithin(elapsed, Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_429RetryAfterZero_FlooredToBackoffNotABurst()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { Status = 429, RetryAfterSeconds = 0, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(ErrorLine(result, "provider.rate_limit"), $"(gave up after {Attempts} attempts in ");
        Assert.Equal(Attempts, run.ChatRequests);
        AssertGapsAtLeast(run.ChatRequestTimes, TimeSpan.FromSeconds(0.2)); // a floor, never a burst: a lower bound holds on any machine
        AssertWithin(elapsed, Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_429RetryAfterOne_WaitsAsAskedThenGivesUp()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { Status = 429, RetryAfterSeconds = 1, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(ErrorLine(result, "provider.rate_limit"), $"(gave up after {Attempts} attempts in ");
        Assert.Equal(Attempts, run.ChatRequests);
        AssertGapsAtLeast(run.ChatRequestTimes, TimeSpan.FromSeconds(0.9));
        AssertWithin(elapsed, TimeSpan.FromSeconds(2) + Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_429RetryAfterHuge_FailsAtOnceSayingHowLongTheServiceAsks()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { Status = 429, RetryAfterSeconds = 600, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(ErrorLine(result, "provider.rate_limit"), "the service asks to wait", "10 min");
        Assert.Equal(1, run.ChatRequests);
        AssertWithin(elapsed, TimeSpan.Zero);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_401EvenAfterRefresh_OneRefreshOneRetryThenAuthError()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { Status = 401, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 1, result.ToString());
        ErrorLine(result, "provider.auth");
        Assert.Equal(2, run.ChatRequests);
        Assert.Equal(1, run.Emulator.State.RefreshCount);
        Assert.Equal(0, run.Emulator.State.RefreshReuseCount);
        AssertWithin(elapsed, Backoff);
        await run.AssertSessionAndLoginIntactAsync(refreshed: true);
    }

    [Fact]
    public async Task Chat_403_NotRetriedAndLoginKept()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { Status = 403, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 1, result.ToString());
        ErrorLine(result, "provider.access_terminated");
        Assert.Equal(1, run.ChatRequests);
        Assert.Equal(0, run.TokenRequests);
        AssertWithin(elapsed, TimeSpan.Zero);
        await run.AssertSessionAndLoginIntactAsync();
    }

    private static void AssertGapsAtLeast(IReadOnlyList<DateTimeOffset> times, TimeSpan floor)
    {
        for (var i = 1; i < times.Count; i++)
        {
            var gap = times[i] - times[i - 1];
            Assert.True(gap >= floor, $"attempt {i + 1} came {gap.TotalMilliseconds:0} ms after attempt {i}; at least {floor.TotalMilliseconds:0} ms expected");
        }
    }
}
