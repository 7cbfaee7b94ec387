using KimiCode.Cli.Shell;
using KimiCode.Cli.Tests.Support;
using KimiCode.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>The loop that runs busy work (login, compaction) with the spinner: Ctrl-C, held-back keys, errors.</summary>
public sealed class WorkLoopTests
{
    private readonly TestTerminal _terminal = new();
    private readonly KeyQueue _keys;
    private readonly WorkLoop _loop;

    public WorkLoopTests()
    {
        var clock = new FakeTimeProvider();
        var screen = new ShellScreen(_terminal.Console);
        _keys = new KeyQueue(_terminal.Keys);
        _loop = new WorkLoop(screen, _keys, new CtrlCGate(clock), new TurnRenderer(screen, clock, () => false), clock);
    }

    [Fact]
    public async Task RunBusy_CtrlC_CancelsTheWorkAndStays()
    {
        var run = _loop.RunBusyAsync("Working hard", Forever, CancellationToken.None);
        await _terminal.WaitForTextAsync("Working hard");

        _terminal.CtrlC();

        Assert.Equal(new WorkOutcome<int>(0, Cancelled: true, Exit: false), await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.DoesNotContain("Working hard", _terminal.Screen.Text); // the spinner is gone
    }

    [Fact]
    public async Task RunBusy_CtrlCTwice_CancelsAndAsksToLeave()
    {
        var run = _loop.RunBusyAsync("Working hard", Forever, CancellationToken.None);
        await _terminal.WaitForTextAsync("Working hard");

        _terminal.CtrlC();
        _terminal.CtrlC();

        Assert.Equal(new WorkOutcome<int>(0, Cancelled: true, Exit: true), await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunBusy_TerminalClosed_CancelsAndAsksToLeave()
    {
        var run = _loop.RunBusyAsync("Working hard", Forever, CancellationToken.None);
        await _terminal.WaitForTextAsync("Working hard");

        _terminal.Close();

        Assert.Equal(new WorkOutcome<int>(0, Cancelled: true, Exit: true), await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.True(_loop.KeysEnded);
    }

    [Fact]
    public async Task RunBusy_KeysTypedMeanwhile_AreKeptForTheEditorInOrder()
    {
        var run = _loop.RunBusyAsync("Working hard", Forever, CancellationToken.None);
        await _terminal.WaitForTextAsync("Working hard");

        _terminal.Type("ab");
        _terminal.CtrlC(); // read after the letters: the work ends only once they have been taken
        await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.True(_keys.TryRead(out var first));
        Assert.True(_keys.TryRead(out var second));
        Assert.False(_keys.TryRead(out _));
        Assert.Equal("ab", $"{first.Key.KeyChar}{second.Key.KeyChar}");
    }

    [Fact]
    public async Task RunBusy_Escape_CancelsTheWorkWithoutLeaving()
    {
        var run = _loop.RunBusyAsync("Working hard", Forever, CancellationToken.None);
        await _terminal.WaitForTextAsync("Working hard");

        _terminal.Press(ConsoleKey.Escape, '\u001b');
        _terminal.Press(ConsoleKey.Escape, '\u001b'); // Esc twice is not Ctrl-C twice: the shell stays

        Assert.Equal(new WorkOutcome<int>(0, Cancelled: true, Exit: false), await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task RunBusy_PasteMeanwhile_IsKeptWholeForTheEditor()
    {
        var run = _loop.RunBusyAsync("Working hard", Forever, CancellationToken.None);
        await _terminal.WaitForTextAsync("Working hard");

        _terminal.Paste("one\ntwo");
        _terminal.CtrlC();
        var outcome = await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.True(outcome.Cancelled);
        Assert.True(_keys.TryRead(out var pasted));
        Assert.Equal("one\ntwo", pasted.Paste);
        Assert.False(_keys.TryRead(out _));
    }

    [Fact]
    public async Task RunBusy_WorkFailsWithACode_ShowsTheErrorLine()
    {
        var outcome = await _loop.RunBusyAsync<int>("Working hard", async _ =>
            {
                await Task.Yield();
                throw new KimiCodeException("auth.login_required", "Log in first.");
            }, CancellationToken.None)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(new WorkOutcome<int>(0, Cancelled: false, Exit: false), outcome);
        Assert.Contains("✗ Log in first. [auth.login_required]", _terminal.Screen.Text);
    }

    private static async Task<int> Forever(CancellationToken cancellationToken)
    {
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 1;
    }
}
