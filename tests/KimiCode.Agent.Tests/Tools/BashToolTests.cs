using System.Globalization;
using System.Runtime.Versioning;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.Time.Testing;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

[UnsupportedOSPlatform("windows")]
public sealed class BashToolTests
{
    private readonly BashTool _tool = new();

    [Fact]
    public async Task Bash_Command_ReturnsCombinedOutputInOrderAndExitCode()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("command", "echo out; echo err >&2; echo out2; pwd")), workspace.Context);

        Assert.False(result.IsError);
        Assert.Equal($"out\nerr\nout2\n{workspace.WorkingDirectory}\n\nExit code: 0", result.Content);
        var display = Assert.IsType<TerminalDisplay>(result.Display);
        Assert.Equal(0, display.ExitCode);
        Assert.False(display.TimedOut);
        Assert.Equal("echo out; echo err >&2; echo out2; pwd", display.Command);
    }

    [Fact]
    public async Task Bash_NonZeroExit_IsErrorWithExitCode()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("command", "echo failing; exit 3")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Equal("failing\n\nExit code: 3", result.Content);
    }

    [Fact]
    public async Task Bash_CommandThatNeverEnds_IsKilledWithChildAtTimeout()
    {
        using var workspace = new ToolTestWorkspace();
        var pidFile = workspace.PathOf("child.pid");

        var result = await _tool.RunAsync(Args(("command", $"sleep 1000 & echo $! > '{pidFile}'; wait"), ("timeout", 1000)), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("timed out", result.Content);
        Assert.Contains("after 1 s", result.Content);
        Assert.True(Assert.IsType<TerminalDisplay>(result.Display).TimedOut);
        await ProcessProbe.AssertGoneAsync(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task Bash_HugeOutput_IsCappedKeepingStartAndEnd()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("command", "echo START; head -c 200000 /dev/zero | tr '\\0' a; echo; echo END")), workspace.Context);

        Assert.StartsWith("START\n", result.Content);
        Assert.EndsWith("END\n\nExit code: 0", result.Content);
        Assert.Contains("omitted", result.Content);
        Assert.True(result.Content.Length < BashTool.MaxOutputChars + 200);
    }

    [Fact]
    public async Task Bash_ReadsStdin_GetsEndOfInputInsteadOfHanging()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("command", "cat; echo done")), workspace.Context);

        Assert.Equal("done\n\nExit code: 0", result.Content);
    }

    [Fact]
    public async Task Bash_Progress_ReportsOutputWhileRunning()
    {
        using var workspace = new ToolTestWorkspace();
        var call = _tool.PrepareOk(Args(("command", "echo one; echo two")), workspace.Context);
        var progress = new RecordingProgress();

        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await call.ExecuteAsync(progress, timeout.Token);

        Assert.Equal("one\ntwo\n", progress.Text);
    }

    [Fact]
    public void Prepare_Command_UsesDescriptionAsTitleAndCommandAsSubject()
    {
        using var workspace = new ToolTestWorkspace();

        var call = _tool.PrepareOk(Args(("command", "git status"), ("description", "Show working tree status")), workspace.Context);

        Assert.Equal("Show working tree status", call.Title);
        Assert.Equal("git status", call.Subject);
        Assert.Equal(ToolKind.Execute, call.Kind);
        Assert.Equal(PermissionAction.Execute, call.Action);
        Assert.Empty(call.Locations);
    }

    [Theory]
    [InlineData("""{}""", "'command'")]
    [InlineData("""{"command": "  "}""", "must not be empty")]
    [InlineData("""{"command": "ls", "timeout": 600001}""", "'timeout' must be between 1 and 600000")]
    [InlineData("""{"command": "ls", "timeout": "10s"}""", "'timeout' must be an integer")]
    [InlineData("""{"command": ["ls"]}""", "'command' must be a string")]
    public void Prepare_BadArguments_FailNamingArgument(string json, string expected)
    {
        using var workspace = new ToolTestWorkspace();

        Assert.Contains(expected, _tool.PrepareError(Parse(json), workspace.Context));
    }
}

[UnsupportedOSPlatform("windows")]
public sealed class LocalCommandRunnerTests
{
    [Fact]
    public async Task RunAsync_Cancelled_KillsWholeProcessGroupAndThrows()
    {
        using var workspace = new ToolTestWorkspace();
        var pidFile = workspace.PathOf("child.pid");
        var started = new OutputSignal("started");
        using var cancel = new CancellationTokenSource();
        var runner = new LocalCommandRunner();

        var run = runner.RunAsync(
            new CommandRequest($"sleep 1000 & echo $! > '{pidFile}'; echo started; wait", workspace.WorkingDirectory, TimeSpan.FromMinutes(5), 10_000),
            started,
            cancel.Token);
        await started.Seen.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        await ProcessProbe.AssertGoneAsync(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunAsync_TimeoutElapses_KillsGroupAndReportsTimedOut()
    {
        using var workspace = new ToolTestWorkspace();
        var pidFile = workspace.PathOf("child.pid");
        var started = new OutputSignal("started");
        var time = new FakeTimeProvider();
        var runner = new LocalCommandRunner(time);

        var run = runner.RunAsync(
            new CommandRequest($"sleep 1000 & echo $! > '{pidFile}'; echo started; wait", workspace.WorkingDirectory, TimeSpan.FromSeconds(5), 10_000),
            started,
            TestContext.Current.CancellationToken);
        await started.Seen.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        time.Advance(TimeSpan.FromSeconds(5));
        var result = await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.True(result.TimedOut);
        Assert.Null(result.ExitCode);
        Assert.Contains("started", result.Output);
        await ProcessProbe.AssertGoneAsync(int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task RunAsync_OutputOverLimit_KeepsStartAndEndAndFlagsTruncated()
    {
        using var workspace = new ToolTestWorkspace();
        var runner = new LocalCommandRunner();

        var result = await runner.RunAsync(
            new CommandRequest("echo FIRST; seq 1 100000; echo LAST", workspace.WorkingDirectory, TimeSpan.FromMinutes(1), 1000),
            null,
            TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.True(result.Truncated);
        Assert.Equal(0, result.ExitCode);
        Assert.StartsWith("FIRST\n1\n2\n", result.Output);
        Assert.EndsWith("99999\n100000\nLAST\n", result.Output);
        Assert.Contains("bytes of output omitted", result.Output);
        Assert.True(result.Output.Length < 1200);
    }

    [Fact]
    public async Task RunAsync_MultiByteOutputCut_StaysValidText()
    {
        using var workspace = new ToolTestWorkspace();
        var runner = new LocalCommandRunner();

        var result = await runner.RunAsync(
            new CommandRequest("for i in $(seq 1 500); do printf 'é€😀'; done", workspace.WorkingDirectory, TimeSpan.FromMinutes(1), 101),
            null,
            TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.True(result.Truncated);
        Assert.DoesNotContain('\uFFFD', result.Output);
    }

    [Fact]
    public async Task RunAsync_BackgroundChildKeepsPipeOpen_ReturnsOnceShellExits()
    {
        using var workspace = new ToolTestWorkspace();
        var pidFile = workspace.PathOf("child.pid");
        var runner = new LocalCommandRunner();

        var result = await runner.RunAsync(
            new CommandRequest($"sleep 1000 & echo $! > '{pidFile}'; echo done", workspace.WorkingDirectory, TimeSpan.FromMinutes(5), 10_000),
            null,
            TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        try
        {
            Assert.Equal(0, result.ExitCode);
            Assert.Equal("done\n", result.Output);
        }
        finally
        {
            ProcessProbe.Kill(pid);
        }
    }

    [Fact]
    public async Task RunAsync_MissingWorkingDirectory_FailsWithoutHanging()
    {
        using var workspace = new ToolTestWorkspace();
        var runner = new LocalCommandRunner();

        var run = runner.RunAsync(new CommandRequest("echo hi", workspace.PathOf("missing"), TimeSpan.FromMinutes(1), 1000), null, TestContext.Current.CancellationToken);

        var result = await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        Assert.NotEqual(0, result.ExitCode);
    }
}

/// <summary>Signals when the output contains a marker (Report is called synchronously by the runner).</summary>
internal sealed class OutputSignal(string marker) : IProgress<string>
{
    private readonly TaskCompletionSource _seen = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly System.Text.StringBuilder _text = new();

    public Task Seen => _seen.Task;

    public void Report(string value)
    {
        lock (_text)
        {
            _text.Append(value);
            if (_text.ToString().Contains(marker, StringComparison.Ordinal))
            {
                _seen.TrySetResult();
            }
        }
    }
}

internal sealed class RecordingProgress : IProgress<ToolProgress>
{
    private readonly System.Text.StringBuilder _text = new();

    public string Text
    {
        get
        {
            lock (_text)
            {
                return _text.ToString();
            }
        }
    }

    public void Report(ToolProgress value)
    {
        lock (_text)
        {
            _text.Append(value.Text);
        }
    }
}

/// <summary>Checks on processes that are not this process's children.</summary>
[UnsupportedOSPlatform("windows")]
internal static class ProcessProbe
{
    /// <summary>
    /// Waits (up to the default timeout) until <paramref name="pid"/> has exited: no <c>/proc</c> entry, or a zombie
    /// waiting for its new parent to reap it. SIGKILL is delivered asynchronously, so this polls the kernel's view.
    /// </summary>
    public static async Task AssertGoneAsync(int pid)
    {
        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (IsRunning(pid))
        {
            if (DateTime.UtcNow > deadline)
            {
                Kill(pid);
                Assert.Fail($"process {pid} was still running after the command was killed");
            }

            await Task.Delay(10);
        }
    }

    public static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state != "Z" && state != "X";
        }
        catch (IOException)
        {
            return false;
        }
    }

    public static void Kill(int pid)
    {
        try
        {
            using var process = System.Diagnostics.Process.GetProcessById(pid);
            process.Kill();
        }
        catch (ArgumentException)
        {
        }
        catch (InvalidOperationException)
        {
        }
    }
}
