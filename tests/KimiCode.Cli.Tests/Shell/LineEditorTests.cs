using KimiCode.Cli.Shell;
using KimiCode.Cli.Shell.Commands;
using KimiCode.Cli.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Cli.Tests.Shell;

public sealed class LineEditorTests : IDisposable
{
    private readonly TempFolder _temp = new("kimi-editor");
    private readonly TestTerminal _terminal = new(width: 40);
    private readonly FakeTimeProvider _clock = new();
    private readonly InputHistory _history;
    private readonly LineEditor _editor;

    public LineEditorTests()
    {
        _history = InputHistory.Load(Path.Combine(Folder, InputHistory.FileName));
        _editor = new LineEditor(new ShellScreen(_terminal.Console), new KeyQueue(_terminal.Keys), _history, new CtrlCGate(_clock), CommandSet.CreateBuiltIn().Completions);
    }

    // Not created: the code under test starts without the folder.
    private string Folder => Path.Combine(_temp.Path, "home");

    private Task<EditorResult> Read() => _editor.ReadAsync(new StyledLine().Add("› "), CancellationToken.None).WaitAsync(TestTimeouts.Default);

    [Fact]
    public async Task Read_TypedTextAndEnter_SubmitsAndLeavesTheLineOnScreen()
    {
        _terminal.Type("hello world");
        _terminal.Enter();

        var result = await Read();

        Assert.Equal(new EditorResult(EditorOutcome.Submitted, "hello world"), result);
        Assert.Equal("› hello world", _terminal.Screen.Text);
    }

    [Fact]
    public async Task Read_TrailingBackslash_ContinuesOnTheNextLine()
    {
        _terminal.Type("first \\");
        _terminal.Enter();
        _terminal.Type("second");
        _terminal.Enter();

        var result = await Read();

        Assert.Equal("first \nsecond", result.Text);
        Assert.Equal("› first\n  second", _terminal.Screen.Text);
    }

    [Fact]
    public async Task Read_CtrlJAndAltEnter_InsertLineBreaks()
    {
        _terminal.Type("a");
        _terminal.Press(ConsoleKey.Enter, '\n', control: true); // Ctrl-J
        _terminal.Type("b");
        _terminal.Press(ConsoleKey.Escape, '\u001b');            // Alt-Enter arrives as Escape, Enter
        _terminal.Enter();
        _terminal.Type("c");
        _terminal.Enter();

        var result = await Read();

        Assert.Equal("a\nb\nc", result.Text);
    }

    [Fact]
    public async Task Read_EditingKeys_MoveAndDelete()
    {
        _terminal.Type("helo");
        _terminal.Press(ConsoleKey.LeftArrow);
        _terminal.Type("l");
        _terminal.Press(ConsoleKey.End);
        _terminal.Type(" wrld");
        _terminal.Ctrl(ConsoleKey.W);          // delete the word
        _terminal.Type("world!");
        _terminal.Press(ConsoleKey.Backspace, '\u007f');
        _terminal.Press(ConsoleKey.Home);
        _terminal.Press(ConsoleKey.Delete);
        _terminal.Type("H");
        _terminal.Enter();

        Assert.Equal("Hello world", (await Read()).Text);
    }

    [Fact]
    public async Task Read_UpArrow_RecallsHistoryAndDownRestoresTheDraft()
    {
        _history.Add("older");
        _history.Add("newer");
        _terminal.Type("draft");
        _terminal.Press(ConsoleKey.UpArrow);
        _terminal.Press(ConsoleKey.UpArrow);
        _terminal.Enter();

        Assert.Equal("older", (await Read()).Text);

        _terminal.Type("draft");
        _terminal.Press(ConsoleKey.UpArrow);
        _terminal.Press(ConsoleKey.DownArrow);
        _terminal.Enter();

        Assert.Equal("draft", (await Read()).Text);
    }

    [Fact]
    public async Task Read_CtrlCWithText_ClearsTheLineAndKeepsReading()
    {
        _terminal.Type("discard me");
        _terminal.CtrlC();
        _terminal.Type("keep");
        _terminal.Enter();

        var result = await Read();

        Assert.Equal(new EditorResult(EditorOutcome.Submitted, "keep"), result);
    }

    [Fact]
    public async Task Read_CtrlCTwiceOnEmptyLine_Exits()
    {
        _terminal.CtrlC();
        _terminal.CtrlC();

        Assert.Equal(EditorOutcome.Exit, (await Read()).Outcome);
    }

    [Fact]
    public async Task Read_CtrlCTwiceMoreThanTwoSecondsApart_DoesNotExit()
    {
        var reading = Read();
        _terminal.CtrlC();
        await _terminal.WaitForTextAsync("Press Ctrl-C again to exit");
        _clock.Advance(TimeSpan.FromSeconds(3));
        _terminal.CtrlC();
        _terminal.Type("still here");
        _terminal.Enter();

        Assert.Equal(new EditorResult(EditorOutcome.Submitted, "still here"), await reading);
    }

    [Fact]
    public async Task Read_CtrlDOnEmptyLine_Exits()
    {
        _terminal.Ctrl(ConsoleKey.D);

        Assert.Equal(EditorOutcome.Exit, (await Read()).Outcome);
    }

    [Fact]
    public async Task Read_KeysEnd_Exits()
    {
        _terminal.Close();

        Assert.Equal(EditorOutcome.Exit, (await Read()).Outcome);
    }

    [Fact]
    public async Task Read_TabAfterUniquePrefix_CompletesTheCommand()
    {
        _terminal.Type("/he");
        _terminal.Press(ConsoleKey.Tab, '\t');
        _terminal.Enter();

        Assert.Equal("/help ", (await Read()).Text);
    }

    [Fact]
    public async Task Read_CtrlT_TogglesThinkingAndKeepsTheInput()
    {
        _terminal.Type("half typed");
        _terminal.Ctrl(ConsoleKey.T);

        var toggle = await Read();
        _terminal.Enter();
        var next = await Read();

        Assert.Equal(EditorOutcome.ToggleThinking, toggle.Outcome);
        Assert.Equal("half typed", next.Text);
    }

    [Fact]
    public async Task Read_LineLongerThanTheScreen_WrapsAndRedrawsInPlace()
    {
        var reading = Read();
        _terminal.Type(new string('x', 50));
        await _terminal.WaitForTextAsync(new string('x', 12));
        _terminal.Press(ConsoleKey.Backspace, '\u007f');
        _terminal.Type("END");
        _terminal.Enter();

        var result = await reading;

        Assert.Equal(new string('x', 49) + "END", result.Text);
        Assert.Equal("› " + new string('x', 38) + "\n" + new string('x', 11) + "END", _terminal.Screen.Text);
    }

    [Fact]
    public async Task Read_BracketedPasteOfThreeLines_InsertsThemWithoutSubmitting()
    {
        _terminal.Receive("\u001b[200~first\rsecond\rthird\u001b[201~");
        _terminal.Type(" and more");
        _terminal.Enter();

        var result = await Read();

        Assert.Equal(new EditorResult(EditorOutcome.Submitted, "first\nsecond\nthird and more"), result);
        Assert.Equal("› first\n  second\n  third and more", _terminal.Screen.Text);
    }

    [Fact]
    public async Task Read_PasteSplitAcrossReads_StaysOnePaste()
    {
        // The markers and the text cut at awkward places, as a pty may deliver a long paste.
        _terminal.Receive("\u001b[20", "0~one\r", "two\u001b", "[201", "~");
        _terminal.Enter();

        var result = await Read();

        Assert.Equal("one\ntwo", result.Text);
    }

    [Fact]
    public async Task Read_BurstWithoutMarkers_IsTakenAsAPaste()
    {
        // A terminal without bracketed paste: the whole paste arrives in one read.
        _terminal.Receive("echo one\recho two\r");
        _terminal.Receive("\r"); // the user's own Enter, a read of its own

        var result = await Read();

        Assert.Equal("echo one\necho two\n", result.Text);
    }

    [Fact]
    public async Task Read_TypedAheadCtrlJLinesAndEnterInOneRead_SubmittedNotTakenAsAPaste()
    {
        // A script (or a fast typist) sends line, Ctrl-J, line, Enter so fast that one read holds them all.
        _terminal.Receive("log it\ntool: x\r");

        var result = await Read();

        Assert.Equal("log it\ntool: x", result.Text);
    }

    [Fact]
    public async Task Read_LargePaste_ShowsALabelAndSubmitsTheWholeText()
    {
        var lines = string.Join("\n", Enumerable.Range(1, 120).Select(i => $"line {i}"));
        _terminal.Type("look: ");
        _terminal.Paste(lines);
        _terminal.Enter();

        var result = await Read();

        Assert.Equal("look: " + lines, result.Text);
        Assert.Equal("› look: [pasted 120 lines]", _terminal.Screen.Text);
    }

    [Fact]
    public async Task Read_TwoLargePastes_EachLabelExpandsToItsOwnText()
    {
        var first = new string('a', 1500);
        var second = new string('b', 1500);
        _terminal.Paste(first);
        _terminal.Type(" ");
        _terminal.Paste(second);
        _terminal.Enter();

        var result = await Read();

        Assert.Equal(first + " " + second, result.Text);
        Assert.Equal("› [pasted 1500 characters] [pasted 1500\ncharacters #2]", _terminal.Screen.Text);
    }

    [Fact]
    public async Task Read_EscapeThenEnterAtTheIdlePrompt_StillAddsALine()
    {
        _terminal.Type("a");
        _terminal.Receive("\u001b");
        _terminal.Receive("\r");
        _terminal.Type("b");
        _terminal.Enter();

        var result = await Read();

        Assert.Equal("a\nb", result.Text);
    }

    public void Dispose() => _temp.Dispose();
}
