namespace KimiCode.EndToEnd.Tests;

/// <summary>Ctrl-C and kill -9 in the middle of a turn: the shell command's process group dies, the session stays usable.</summary>
public sealed class InterruptionEndToEndTests
{
    [Fact]
    public async Task Print_SigIntDuringBash_KillsProcessGroupAndExits130()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-print-mode");
        var work = home.Workspace();
        var pidFile = Path.Combine(work, "child.pid");
        await using var kimi = home.Start("-w", work, "--yolo", "-p", $"wait\ntool: Bash {{\"command\":\"sleep 1000 & echo $! > {pidFile}; wait\"}}");

        var childPid = await ProcessWatch.WaitForPidFileAsync(pidFile);
        Assert.Equal(0, ProcessWatch.Signal(kimi.Id, ProcessWatch.SigInt));
        var result = await kimi.WaitForExitAsync();

        Assert.True(result.ExitCode == 130, result.ToString());
        await ProcessWatch.WaitUntilGoneAsync(childPid);
    }

    [Fact]
    public async Task Print_KilledMidTurn_ContinueResumesWithConsistentHistory()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-print-mode");
        var work = home.Workspace();
        var pidFile = Path.Combine(work, "child.pid");
        await using (var kimi = home.Start("-w", work, "--yolo", "-p", $"wait\ntool: Bash {{\"command\":\"sleep 1000 & echo $! > {pidFile}; wait\"}}"))
        {
            var childPid = await ProcessWatch.WaitForPidFileAsync(pidFile);
            kimi.KillHard(); // kill -9: no chance to clean up or write anything more
            await kimi.WaitForExitAsync();
            _ = ProcessWatch.Signal(childPid, ProcessWatch.SigKill); // the orphaned command is not what this test is about
        }

        var next = await home.RunAsync("-w", work, "--continue", "-p", "are you still there?");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal("Echo: are you still there?", next.Stdout.Trim());
        // The resumed history carries the interrupted call with a result, which the service requires.
        var last = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions");
        Assert.Contains("\"role\":\"tool\"", last.Body);
        Assert.Contains("wait", last.Body);
    }
}
