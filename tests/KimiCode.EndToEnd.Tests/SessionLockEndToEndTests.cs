using KimiCode.Emulator;
using KimiCode.EndToEnd.Tests.Faults;

namespace KimiCode.EndToEnd.Tests;

/// <summary>One process per session file: a second kimi on a session that is open elsewhere is refused, not interleaved.</summary>
public sealed class SessionLockEndToEndTests
{
    [Fact]
    public async Task SecondProcess_OnASessionOpenElsewhere_RefusedUntilTheFirstEnds()
    {
        await using var run = await FaultRun.StartAsync();
        run.Inject(new EmulatorFault { Status = 200, LatencyMs = 5000 }); // the first run's model takes its time
        var sessions = Path.Combine(run.Home.Root, "sessions");
        var first = run.Home.RunAsync("-p", "slow answer", "-w", run.Work);
        await WaitForSessionFileAsync(sessions, first);

        var second = await run.Home.RunAsync("-p", "meanwhile", "-w", run.Work, "--continue");

        Assert.True(second.ExitCode != 0, second.ToString());
        FaultRun.AssertContains(FaultRun.ErrorLine(second, "session.in_use"), "another kimi process");
        var firstResult = await first;
        Assert.True(firstResult.ExitCode == 0, firstResult.ToString());
        Assert.Equal("Echo: slow answer", firstResult.Stdout.Trim());

        // The holder is gone: the session opens again, with nothing of the refused run in it.
        var after = await run.Home.RunAsync("-p", "after", "-w", run.Work, "--continue");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal("Echo: after", after.Stdout.Trim());
        var context = Directory.EnumerateFiles(sessions, "context.jsonl", SearchOption.AllDirectories).Single();
        Assert.DoesNotContain("meanwhile", File.ReadAllText(context), StringComparison.Ordinal);
    }

    private static async Task WaitForSessionFileAsync(string sessions, Task running)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!(Directory.Exists(sessions) && Directory.EnumerateFiles(sessions, "context.jsonl", SearchOption.AllDirectories).Any()))
        {
            Assert.False(running.IsCompleted, "the first run ended before it created its session");
            await Task.Delay(50, timeout.Token);
        }
    }
}
