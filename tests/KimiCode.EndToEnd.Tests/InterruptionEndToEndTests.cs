using System.Runtime.InteropServices;

namespace KimiCode.EndToEnd.Tests;

/// <summary>Ctrl-C and kill -9 in the middle of a turn: the shell command's process group dies, the session stays usable.</summary>
public sealed class InterruptionEndToEndTests
{
    private const int SigInt = 2;

    [Fact]
    public async Task Print_SigIntDuringBash_KillsProcessGroupAndExits130()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-print-mode");
        var work = home.Workspace();
        var pidFile = Path.Combine(work, "child.pid");
        await using var kimi = home.Start("-w", work, "--yolo", "-p", $"wait\ntool: Bash {{\"command\":\"sleep 1000 & echo $! > {pidFile}; wait\"}}");

        var childPid = await WaitForPidAsync(pidFile);
        Assert.Equal(0, Kill(kimi.Id, SigInt));
        var result = await kimi.WaitForExitAsync();

        Assert.True(result.ExitCode == 130, result.ToString());
        await WaitUntilGoneAsync(childPid);
    }

    [Fact]
    public async Task Print_KilledMidTurn_ContinueResumesWithConsistentHistory()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-print-mode");
        var work = home.Workspace();
        var pidFile = Path.Combine(work, "child.pid");
        await using (var kimi = home.Start("-w", work, "--yolo", "-p", $"wait\ntool: Bash {{\"command\":\"sleep 1000 & echo $! > {pidFile}; wait\"}}"))
        {
            var childPid = await WaitForPidAsync(pidFile);
            kimi.KillHard(); // kill -9: no chance to clean up or write anything more
            await kimi.WaitForExitAsync();
            _ = Kill(childPid, 9); // the orphaned command is not what this test is about
        }

        var next = await home.RunAsync("-w", work, "--continue", "-p", "are you still there?");

        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal("Echo: are you still there?", next.Stdout.Trim());
        // The resumed history carries the interrupted call with a result, which the service requires.
        var last = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions");
        Assert.Contains("\"role\":\"tool\"", last.Body);
        Assert.Contains("wait", last.Body);
    }

    private static async Task<int> WaitForPidAsync(string pidFile)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out var pid))
            {
                return pid;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    private static async Task WaitUntilGoneAsync(int pid)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (File.Exists($"/proc/{pid}/stat") && !IsZombie(pid))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true;
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
