using KimiCode.Cli.Shell;
using KimiCode.Cli.Shell.Commands;
using KimiCode.Cli.Shell.Mentions;
using KimiCode.Cli.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>The line editor's <c>@path</c> completion list, the <c>!</c> prompt sign and Ctrl-G (external editor).</summary>
public sealed class LineEditorInputFeaturesTests : IDisposable
{
    private readonly TempFolder _temp = new("kimi-editor");
    private readonly TestTerminal _terminal = new(width: 60);
    private readonly Dictionary<string, string> _variables = new(StringComparer.Ordinal);
    private readonly List<string> _terminalWrites = [];
    private int _resumes;

    public void Dispose() => _temp.Dispose();

    private string WorkDir => _temp.Folder("work");

    private void File(string relative, string content = "x")
    {
        var path = Path.Combine(WorkDir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
    }

    private Task<EditorResult> StartReading()
    {
        var screen = new ShellScreen(_terminal.Console);
        var editor = new LineEditor(
            screen, new KeyQueue(_terminal.Keys), InputHistory.Load(Path.Combine(_temp.Path, "history")), new CtrlCGate(new FakeTimeProvider()),
            CommandSet.CreateBuiltIn().Completions, new MentionCompleter(() => WorkDir),
            new ExternalEditor(name => _variables.GetValueOrDefault(name), _terminalWrites.Add, () => _resumes++));
        return editor.ReadAsync(new StyledLine().Add("› "), CancellationToken.None).WaitAsync(TestTimeouts.Default);
    }

    private void Key(ConsoleKey key, char keyChar = '\0') => _terminal.Press(key, keyChar);

    [Fact]
    public async Task At_PartOfAPathThenTab_CompletesTheFileAndAddsASpace()
    {
        File("src/Foo.cs");
        File("src/Bar.cs");
        var reading = StartReading();

        _terminal.Type("look at @src/Fo");
        await _terminal.WaitForTextAsync("› src/Foo.cs");
        Key(ConsoleKey.Tab, '\t');
        _terminal.Type("please");
        _terminal.Enter();

        Assert.Equal("look at @src/Foo.cs please", (await reading).Text);
        Assert.DoesNotContain("src/Bar.cs", _terminal.Screen.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_ArrowDownThenEnter_PicksTheSecondEntryWithoutSending()
    {
        File("alpha.txt");
        File("alps.txt");
        var reading = StartReading();

        _terminal.Type("@al");
        await _terminal.WaitForTextAsync("alps.txt");
        Key(ConsoleKey.DownArrow);
        _terminal.Enter(); // accepts the highlighted entry
        await _terminal.WaitForTextAsync("› @alps.txt");
        _terminal.Enter(); // the list is closed now: sends

        Assert.Equal("@alps.txt ", (await reading).Text);
    }

    [Fact]
    public async Task At_FolderAccepted_ListGoesOnInsideIt()
    {
        File("src/Foo.cs");
        var reading = StartReading();

        _terminal.Type("@sr");
        await _terminal.WaitForTextAsync("› src/");
        Key(ConsoleKey.Tab, '\t');
        await _terminal.WaitForTextAsync("› src/Foo.cs");
        Key(ConsoleKey.Tab, '\t');
        _terminal.Enter();

        Assert.Equal("@src/Foo.cs ", (await reading).Text);
    }

    [Fact]
    public async Task At_WordAlreadyNamesAFile_EnterSendsInsteadOfPickingALongerName()
    {
        File("notes.md");
        File("notes.md.bak");
        var reading = StartReading();

        _terminal.Type("@notes.m");
        await _terminal.WaitForTextAsync("  notes.md.bak");
        _terminal.Type("d");
        await _terminal.WaitForAsync(s => !s.Contains("notes.md.bak", StringComparison.Ordinal), "the list to close");
        _terminal.Enter();

        Assert.Equal("@notes.md", (await reading).Text);
    }

    [Fact]
    public async Task At_EscClosesTheList_EnterThenSendsTheWordAsTyped()
    {
        File("Foo.cs");
        var reading = StartReading();

        _terminal.Type("@Fo");
        await _terminal.WaitForTextAsync("› Foo.cs");
        Key(ConsoleKey.Escape, '\u001b');
        _terminal.Enter();

        Assert.Equal("@Fo", (await reading).Text);
        Assert.DoesNotContain("Foo.cs", _terminal.Screen.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task At_GitIgnoredFile_NotOffered()
    {
        File(".gitignore", "secret-build/\n");
        File("secret-build/out.txt");
        File("src/out.txt");
        var reading = StartReading();

        _terminal.Type("@out");
        await _terminal.WaitForTextAsync("› src/out.txt");
        Key(ConsoleKey.Escape, '\u001b');
        _terminal.Enter();

        await reading;
        Assert.DoesNotContain("secret-build", _terminal.Screen.Text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bang_LineStartingWithExclamation_ShowsTheShellPrompt()
    {
        var reading = StartReading();

        _terminal.Type("!ls");
        await _terminal.WaitForTextAsync("shell › !ls");
        _terminal.Enter();

        Assert.Equal("!ls", (await reading).Text);
        Assert.Equal("shell › !ls", _terminal.Screen.Text);
    }

    [Fact]
    public async Task CtrlG_NoEditorAnywhere_SaysHowToSetOneAndKeepsTheInput()
    {
        _variables["PATH"] = _temp.Folder("empty-bin");
        var reading = StartReading();

        _terminal.Type("draft");
        _terminal.Ctrl(ConsoleKey.G);
        var shown = await _terminal.WaitForTextAsync("cli.no_editor");
        _terminal.Enter();

        Assert.Equal("draft", (await reading).Text);
        Assert.Equal(1, _resumes);
        Assert.Contains("set $VISUAL or $EDITOR", TestTerminal.Unwrapped(shown), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CtrlG_EditorScript_ReplacesTheInputWithoutSendingAndDeletesTheFile()
    {
        if (OperatingSystem.IsWindows())
        {
            return; // the editor is a POSIX shell script
        }

        var seen = Path.Combine(_temp.Path, "seen.txt");
        var script = Path.Combine(_temp.Path, "editor.sh");
        System.IO.File.WriteAllText(script, $"#!/bin/sh\ncat \"$1\" > '{seen}'\nprintf '\\n%s\\n' \"$1\" >> '{seen}'\nprintf 'edited text\\nsecond line\\n' > \"$1\"\n");
        System.IO.File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        _variables["EDITOR"] = script;
        var reading = StartReading();

        _terminal.Type("original");
        _terminal.Ctrl(ConsoleKey.G);
        await _terminal.WaitForTextAsync("second line");
        Assert.False(reading.IsCompleted); // put back in the input, not sent
        _terminal.Enter();

        Assert.Equal("edited text\nsecond line", (await reading).Text);
        var seenLines = System.IO.File.ReadAllLines(seen);
        Assert.Equal("original", seenLines[0]);           // the editor got the input
        Assert.False(System.IO.File.Exists(seenLines[1]));  // and its temporary file is gone
        Assert.Equal(1, _resumes);
        Assert.Equal(["\u001b[?2004l\u001b[?25h", "\u001b[?2004h"], _terminalWrites); // bracketed paste off around the editor
    }
}
