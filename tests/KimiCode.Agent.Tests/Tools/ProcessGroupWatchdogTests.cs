using System.Globalization;
using System.Runtime.Versioning;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Tools;

/// <summary>
/// The watchdog stands in for kimi's death: disposing it closes the pipe exactly as the kernel does when kimi exits
/// or is killed with SIGKILL (the end-to-end test kills a real kimi).
/// </summary>
[UnsupportedOSPlatform("windows")]
public sealed class ProcessGroupWatchdogTests
{
    [Fact]
    public async Task PipeClosed_KillsBackgroundJobLeftByAFinishedCommand()
    {
        using var workspace = new ToolTestWorkspace();
        var pidFile = workspace.PathOf("child.pid");
        var watchdog = ProcessGroupWatchdog.TryStart();
        Assert.NotNull(watchdog);
        var runner = new LocalCommandRunner(TimeProvider.System, "/bin/bash", () => watchdog);

        var result = await runner.RunAsync(
            new CommandRequest($"sleep 1000 >/dev/null 2>&1 & echo $! > '{pidFile}'; echo done", workspace.WorkingDirectory, TimeSpan.FromMinutes(5), 10_000),
            null,
            TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        var aliveAfterCommand = ProcessProbe.IsRunning(pid);

        watchdog.Dispose();

        Assert.Equal("done\n", result.Output);
        Assert.True(aliveAfterCommand, "a background job outlives its command while kimi runs");
        await ProcessProbe.AssertGoneAsync(pid);
    }

    [Fact]
    public async Task PipeClosed_KillsTheGroupOfARunningCommand()
    {
        using var workspace = new ToolTestWorkspace();
        var pidFile = workspace.PathOf("child.pid");
        var watchdog = ProcessGroupWatchdog.TryStart();
        Assert.NotNull(watchdog);
        var runner = new LocalCommandRunner(TimeProvider.System, "/bin/bash", () => watchdog);
        var started = new OutputSignal("started");

        var run = runner.RunAsync(
            new CommandRequest($"sleep 1000 & echo $! > '{pidFile}'; echo started; wait", workspace.WorkingDirectory, TimeSpan.FromMinutes(5), 10_000),
            started,
            TestContext.Current.CancellationToken);
        await started.Seen.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);

        watchdog.Dispose();

        var result = await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        Assert.Equal(128 + 9, result.ExitCode); // SIGKILL, from the watchdog
        await ProcessProbe.AssertGoneAsync(pid);
    }

    [Fact]
    public async Task CommandCannotReachThePipe_NoInheritedWriteEnd()
    {
        using var workspace = new ToolTestWorkspace();
        var watchdog = ProcessGroupWatchdog.TryStart();
        Assert.NotNull(watchdog);
        using (watchdog)
        {
            var runner = new LocalCommandRunner(TimeProvider.System, "/bin/bash", () => watchdog);
            var inode = new FileInfo($"/proc/{watchdog.ProcessId}/fd/0").LinkTarget;
            Assert.NotNull(inode);

            // Every descriptor the command holds, as "pipe:[inode]" links; the watchdog's pipe must not be among them.
            var result = await runner.RunAsync(
                new CommandRequest("for f in /proc/$$/fd/*; do readlink \"$f\"; done; true", workspace.WorkingDirectory, TimeSpan.FromMinutes(1), 100_000),
                null,
                TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

            Assert.Equal(0, result.ExitCode);
            Assert.DoesNotContain(inode, result.Output, StringComparison.Ordinal);
        }
    }
}
