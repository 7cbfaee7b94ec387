using KimiCode.Emulator;
using KimiCode.EndToEnd.Tests.Faults;

namespace KimiCode.EndToEnd.Tests;

/// <summary>One process per session file: a second kimi on a session that is open elsewhere is refused, not interleaved.</summary>
public sealed class SessionLockEndToEndTests
{
    [Fact]
    public async Task SecondProcess_OnASessionOpenElsewhere_RefusedNamingThePidUntilTheFirstEnds()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-session-lock");
        var work = home.Workspace();
        home.Emulator.State.InjectFault(new EmulatorFault { Status = 200, LatencyMs = 5000 }); // the first run's model takes its time
        var sessions = Path.Combine(home.Root, "sessions");
        await using var first = home.Start("-p", "slow answer", "-w", work);
        var firstDone = first.WaitForExitAsync();
        await WaitForSessionFileAsync(sessions, firstDone);

        var second = await home.RunAsync("-p", "meanwhile", "-w", work, "--continue");

        Assert.True(second.ExitCode != 0, second.ToString());
        FaultRun.AssertContains(FaultRun.ErrorLine(second, "session.in_use"), "another kimi process", $"(pid {first.Id})");
        var firstResult = await firstDone;
        Assert.True(firstResult.ExitCode == 0, firstResult.ToString());
        Assert.Equal("Echo: slow answer", firstResult.Stdout.Trim());

        // The holder is gone: the session opens again, with nothing of the refused run in it.
        var after = await home.RunAsync("-p", "after", "-w", work, "--continue");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal("Echo: after", after.Stdout.Trim());
        var context = Directory.EnumerateFiles(sessions, "context.jsonl", SearchOption.AllDirectories).Single();
        Assert.DoesNotContain("meanwhile", File.ReadAllText(context), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Holder_KilledHard_TheSessionOpensAtOnce()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-session-lock");
        var work = home.Workspace();
        home.Emulator.State.InjectFault(new EmulatorFault { Status = 200, LatencyMs = 60_000 }); // the holder waits on its model
        var sessions = Path.Combine(home.Root, "sessions");
        string lockPath;
        await using (var holder = home.Start("-p", "never answered", "-w", work))
        {
            var holderDone = holder.WaitForExitAsync();
            var context = await WaitForSessionFileAsync(sessions, holderDone);
            await WaitUntilAsync(() => home.Emulator.State.FaultsApplied == 1, holderDone); // its model call took the delay
            lockPath = SessionLockFiles.PathFor(home.Root, Path.GetFileName(Path.GetDirectoryName(context))!);
            Assert.True(SessionLockFiles.IsHeld(lockPath));

            holder.KillHard(); // kill -9: no chance to release anything
            await holderDone;
        }

        Assert.False(SessionLockFiles.IsHeld(lockPath)); // the operating system let go with the process
        var next = await home.RunAsync("-p", "are you there?", "-w", work, "--continue");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal("Echo: are you there?", next.Stdout.Trim());
    }

    internal static async Task<string> WaitForSessionFileAsync(string sessions, Task running)
    {
        string? file = null;
        await WaitUntilAsync(() => (file = Directory.Exists(sessions) ? Directory.EnumerateFiles(sessions, "context.jsonl", SearchOption.AllDirectories).FirstOrDefault() : null) is not null, running);
        return file!;
    }

    private static async Task WaitUntilAsync(Func<bool> condition, Task running)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            Assert.False(running.IsCompleted, "the run ended before it got there");
            await Task.Delay(50, timeout.Token);
        }
    }
}
