using System.Text;
using KimiCode.Cli.Shell.Mentions;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

internal enum EditorOutcome
{
    /// <summary>The user pressed Enter: <see cref="EditorResult.Text"/> is the input.</summary>
    Submitted,

    /// <summary>Ctrl-D on an empty line, Ctrl-C twice, or the terminal closed.</summary>
    Exit,

    /// <summary>Ctrl-T: show or hide thinking; the input is kept for the next read.</summary>
    ToggleThinking,
}

internal readonly record struct EditorResult(EditorOutcome Outcome, string Text);

/// <summary>
/// The input line: editing keys (arrows, Home/End, Ctrl-A/E/U/K/W), history (Up/Down on the first/last line),
/// several lines (a trailing backslash, Ctrl-J or Alt-Enter), Tab completion of slash commands (<paramref name="commands"/>
/// is asked on every Tab, so a command added while the shell runs is completed too). A paste is inserted as text,
/// line breaks included (it never submits); a large one (more than <see cref="CollapseLines"/> lines or
/// <see cref="CollapseChars"/> characters) shows as <c>[pasted 120 lines]</c> while the submitted text has it all.
/// It draws itself below the output and wraps at the terminal width. <c>@path</c> words get a completion list
/// (<see cref="MentionCompleter"/>), Ctrl-G edits the input in an external editor (<see cref="ExternalEditor"/>), and a
/// line starting with <c>!</c> (a shell command) shows the <see cref="ShellCommandPrompt"/>.
/// </summary>
internal sealed class LineEditor(
    ShellScreen screen, KeyQueue keys, InputHistory history, CtrlCGate ctrlC, Func<IReadOnlyList<string>> commands,
    MentionCompleter? mentions = null, ExternalEditor? externalEditor = null)
{
    /// <summary>The prompt sign while the input is a <c>!command</c>.</summary>
    public static readonly StyledLine ShellCommandPrompt = new StyledLine().Add("shell ", Tone.Good).Add("› ", Tone.Selected);

    public const int CollapseLines = 10;
    public const int CollapseChars = 1000;

    private readonly StringBuilder _text = new();
    private readonly List<(string Label, string Text)> _pastes = [];
    private int _cursor;
    private int _cursorRow;
    private string? _hint;
    private string _carry = string.Empty;
    private StyledLine _basePrompt = new();
    private StyledLine _prompt = new();
    private int _promptCells;

    public async Task<EditorResult> ReadAsync(StyledLine prompt, CancellationToken cancellationToken)
    {
        keys.EditorKeyWanted = true;
        try
        {
            return await ReadLineAsync(prompt, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            keys.EditorKeyWanted = false;
        }
    }

    private async Task<EditorResult> ReadLineAsync(StyledLine prompt, CancellationToken cancellationToken)
    {
        _basePrompt = prompt;
        mentions?.Reset();
        _text.Clear().Append(_carry);
        _cursor = _text.Length;
        if (_carry.Length == 0)
        {
            _pastes.Clear();
        }

        _carry = string.Empty;
        _cursorRow = 0;
        _hint = null;
        var historyIndex = history.Entries.Count;
        var draft = string.Empty;
        var meta = false;
        Render();
        while (true)
        {
            var next = await keys.ReadAsync(cancellationToken).ConfigureAwait(false);
            if (next is not { } input)
            {
                Finish();
                return new EditorResult(EditorOutcome.Exit, string.Empty);
            }

            var key = input.Key;
            _hint = null;
            if (input.Paste is { } pasted)
            {
                ctrlC.Reset();
                meta = false;
                InsertPaste(pasted);
                Render();
                continue;
            }

            var control = key.Modifiers.HasFlag(ConsoleModifiers.Control);
            var alt = meta || key.Modifiers.HasFlag(ConsoleModifiers.Alt);
            meta = false;
            if (KeyQueue.IsCtrlC(key))
            {
                if (_text.Length > 0)
                {
                    ctrlC.Reset();
                    Set(string.Empty);
                    _pastes.Clear();
                }
                else if (ctrlC.Press())
                {
                    Finish();
                    return new EditorResult(EditorOutcome.Exit, string.Empty);
                }
                else
                {
                    _hint = "Press Ctrl-C again to exit (or type /exit).";
                }

                Render();
                continue;
            }

            ctrlC.Reset();
            if (mentions is { IsOpen: true } && HandleMentionKey(key, control || alt))
            {
                Render();
                continue;
            }

            if (KeyQueue.IsCtrlG(input))
            {
                await EditExternallyAsync(cancellationToken).ConfigureAwait(false);
                Render();
                continue;
            }

            switch (key.Key)
            {
                case ConsoleKey.Escape:
                    meta = true; // Alt-Enter arrives as Escape, then Enter
                    continue;
                case ConsoleKey.Enter when control || alt || key.KeyChar == '\n':
                    Insert("\n");
                    break;
                case ConsoleKey.Enter when _cursor == _text.Length && _cursor > 0 && _text[_cursor - 1] == '\\':
                    _text.Remove(_cursor - 1, 1);
                    _cursor--;
                    Insert("\n");
                    break;
                case ConsoleKey.Enter:
                    var submitted = Expand(_text.ToString());
                    Finish();
                    return new EditorResult(EditorOutcome.Submitted, submitted);
                case ConsoleKey.Backspace:
                    if (_cursor > 0)
                    {
                        _text.Remove(--_cursor, 1);
                    }

                    break;
                case ConsoleKey.Delete:
                    if (_cursor < _text.Length)
                    {
                        _text.Remove(_cursor, 1);
                    }

                    break;
                case ConsoleKey.D when control:
                    if (_text.Length == 0)
                    {
                        Finish();
                        return new EditorResult(EditorOutcome.Exit, string.Empty);
                    }

                    if (_cursor < _text.Length)
                    {
                        _text.Remove(_cursor, 1);
                    }

                    break;
                case ConsoleKey.T when control:
                    _carry = _text.ToString();
                    Set(string.Empty);
                    Finish(keepInput: false);
                    return new EditorResult(EditorOutcome.ToggleThinking, _carry);
                case ConsoleKey.LeftArrow:
                case ConsoleKey.B when control:
                    _cursor = Math.Max(0, _cursor - 1);
                    break;
                case ConsoleKey.RightArrow:
                case ConsoleKey.F when control:
                    _cursor = Math.Min(_text.Length, _cursor + 1);
                    break;
                case ConsoleKey.Home:
                case ConsoleKey.A when control:
                    _cursor = LineStart(_cursor);
                    break;
                case ConsoleKey.End:
                case ConsoleKey.E when control:
                    _cursor = LineEnd(_cursor);
                    break;
                case ConsoleKey.U when control:
                    var start = LineStart(_cursor);
                    _text.Remove(start, _cursor - start);
                    _cursor = start;
                    break;
                case ConsoleKey.K when control:
                    var end = LineEnd(_cursor);
                    _text.Remove(_cursor, end - _cursor);
                    break;
                case ConsoleKey.W when control:
                    var from = _cursor;
                    while (from > 0 && char.IsWhiteSpace(_text[from - 1]))
                    {
                        from--;
                    }

                    while (from > 0 && !char.IsWhiteSpace(_text[from - 1]))
                    {
                        from--;
                    }

                    _text.Remove(from, _cursor - from);
                    _cursor = from;
                    break;
                case ConsoleKey.L when control:
                    screen.ClearScreen();
                    _cursorRow = 0;
                    break;
                case ConsoleKey.UpArrow:
                    if (LineStart(_cursor) > 0)
                    {
                        _cursor = MoveVertically(_cursor, up: true);
                    }
                    else if (historyIndex > 0)
                    {
                        if (historyIndex == history.Entries.Count)
                        {
                            draft = _text.ToString();
                        }

                        Set(history.Entries[--historyIndex]);
                    }

                    break;
                case ConsoleKey.DownArrow:
                    if (LineEnd(_cursor) < _text.Length)
                    {
                        _cursor = MoveVertically(_cursor, up: false);
                    }
                    else if (historyIndex < history.Entries.Count)
                    {
                        historyIndex++;
                        Set(historyIndex == history.Entries.Count ? draft : history.Entries[historyIndex]);
                    }

                    break;
                case ConsoleKey.Tab:
                    Complete();
                    break;
                default:
                    if (key.KeyChar >= ' ' && key.KeyChar != '\u007f' && !control)
                    {
                        Insert(key.KeyChar.ToString());
                    }

                    break;
            }

            Render();
        }
    }

    private void Complete()
    {
        var text = _text.ToString();
        if (!text.StartsWith('/') || text.Contains(' ', StringComparison.Ordinal) || text.Contains('\n', StringComparison.Ordinal))
        {
            return;
        }

        var matches = commands().Where(c => c.StartsWith(text, StringComparison.OrdinalIgnoreCase)).ToList();
        if (matches.Count == 1)
        {
            Set(matches[0] + " ");
        }
        else if (matches.Count > 1)
        {
            var common = matches.Aggregate((a, b) => a[..CommonPrefix(a, b)]);
            if (common.Length > text.Length)
            {
                Set(common);
            }
            else
            {
                _hint = string.Join("  ", matches);
            }
        }
    }

    private static int CommonPrefix(string a, string b)
    {
        var n = 0;
        while (n < a.Length && n < b.Length && a[n] == b[n])
        {
            n++;
        }

        return n;
    }

    private void Insert(string value)
    {
        var clean = value.Replace("\t", "    ", StringComparison.Ordinal).Replace("\r", string.Empty, StringComparison.Ordinal);
        _text.Insert(_cursor, clean);
        _cursor += clean.Length;
    }

    /// <summary>Inserts pasted text at the cursor, or its label when it is large (the text goes in on submit).</summary>
    private void InsertPaste(string pasted)
    {
        var text = pasted.ReplaceLineEndings("\n");
        var lines = text.TrimEnd('\n').Count(c => c == '\n') + 1;
        if (lines <= CollapseLines && text.Length <= CollapseChars)
        {
            Insert(text);
            return;
        }

        var label = lines > 1 ? $"[pasted {lines} lines" : $"[pasted {text.Length} characters";
        var same = _pastes.Count(p => p.Label.StartsWith(label, StringComparison.Ordinal));
        label += same == 0 ? "]" : $" #{same + 1}]";
        _pastes.Add((label, text));
        Insert(label);
    }

    /// <summary>The input with each paste label that is still there replaced by its text.</summary>
    private string Expand(string input)
    {
        foreach (var (label, text) in _pastes)
        {
            var at = input.IndexOf(label, StringComparison.Ordinal);
            if (at >= 0)
            {
                input = string.Concat(input.AsSpan(0, at), text, input.AsSpan(at + label.Length));
            }
        }

        return input;
    }

    private void Set(string value)
    {
        _text.Clear().Append(value);
        _cursor = _text.Length;
    }

    private int LineStart(int position)
    {
        while (position > 0 && _text[position - 1] != '\n')
        {
            position--;
        }

        return position;
    }

    private int LineEnd(int position)
    {
        while (position < _text.Length && _text[position] != '\n')
        {
            position++;
        }

        return position;
    }

    private int MoveVertically(int position, bool up)
    {
        var start = LineStart(position);
        var column = position - start;
        if (up)
        {
            var previousEnd = start - 1;
            var previousStart = LineStart(previousEnd);
            return Math.Min(previousStart + column, previousEnd);
        }

        var nextStart = LineEnd(position) + 1;
        return Math.Min(nextStart + column, LineEnd(nextStart));
    }

    /// <summary>Leaves the input on the screen as typed (or removes it) and moves below it.</summary>
    private void Finish(bool keepInput = true)
    {
        _hint = null;
        if (keepInput)
        {
            Render(final: true);
        }
        else
        {
            screen.WriteRaw(Up(_cursorRow) + ShellScreen.EraseDown, endsBlank: true);
            _cursorRow = 0;
        }
    }

    private void Render(bool final = false)
    {
        var text = _text.ToString();
        _prompt = text.StartsWith('!') ? ShellCommandPrompt : _basePrompt;
        _promptCells = _prompt.PlainText.GetCellWidth();
        if (final)
        {
            mentions?.Reset();
        }
        else
        {
            mentions?.Update(text, _cursor);
        }

        var width = screen.Width;
        var output = new StringBuilder();
        output.Append(Up(_cursorRow)).Append(ShellScreen.EraseDown);
        var lines = _text.ToString().Split('\n');
        var continuation = new string(' ', _promptCells);
        var row = 0;
        var cursorRow = 0;
        var cursorColumn = 0;
        var offset = 0;
        var wrapBreak = false;
        for (var i = 0; i < lines.Length; i++)
        {
            if (i > 0)
            {
                output.Append("\r\n");
            }

            output.Append(i == 0 ? screen.Format(_prompt) : screen.Sgr(Tone.Dim) + continuation + "\u001b[0m");
            output.Append(lines[i]);
            var cells = _promptCells + lines[i].GetCellWidth();
            var rows = Math.Max(1, (cells + width - 1) / width);
            if (_cursor >= offset && _cursor <= offset + lines[i].Length)
            {
                var position = _promptCells + lines[i][..(_cursor - offset)].GetCellWidth();
                cursorRow = row + position / width;
                cursorColumn = position % width;
                if (position > 0 && position % width == 0 && position == cells && i < lines.Length - 1)
                {
                    cursorRow--;
                    cursorColumn = width - 1;
                }
            }

            offset += lines[i].Length + 1;
            row += rows;
            if (i == lines.Length - 1 && cells > 0 && cells % width == 0)
            {
                output.Append("\r\n"); // leave the pending-wrap state: the cursor may sit after a full row
                row++;
                wrapBreak = true;
            }
        }

        var endRow = row - 1;
        if (final)
        {
            if (!wrapBreak)
            {
                output.Append("\r\n");
            }

            screen.WriteRaw(output.ToString());
            _cursorRow = 0;
            return;
        }

        foreach (var below in LinesBelow())
        {
            if (!wrapBreak)
            {
                output.Append("\r\n");
                endRow++;
            }

            wrapBreak = false;
            output.Append(screen.Format(below, width - 1));
        }

        output.Append(Up(endRow - cursorRow)).Append('\r');
        if (cursorColumn > 0)
        {
            output.Append("\u001b[").Append(cursorColumn).Append('C');
        }

        screen.WriteRaw(output.ToString());
        _cursorRow = cursorRow;
    }

    /// <summary>What is drawn under the input: the <c>@</c> completion list, or the hint.</summary>
    private IEnumerable<StyledLine> LinesBelow()
    {
        if (mentions is { IsOpen: true })
        {
            for (var i = 0; i < mentions.Items.Count; i++)
            {
                var item = mentions.Items[i];
                yield return i == mentions.Selected
                    ? new StyledLine().Add("› " + item.Path, Tone.Selected)
                    : new StyledLine().Add("  " + item.Path, item.IsDirectory ? Tone.Accent : Tone.Plain);
            }

            yield return new StyledLine().Add("  Tab or Enter picks, ↑↓ move, Esc closes", Tone.Dim);
        }
        else if (_hint is not null)
        {
            yield return new StyledLine().Add(_hint, Tone.Dim);
        }
    }

    /// <summary>A key while the <c>@</c> list is open; false when it is an ordinary editing key.</summary>
    private bool HandleMentionKey(ConsoleKeyInfo key, bool modified)
    {
        switch (key.Key)
        {
            case ConsoleKey.UpArrow:
                mentions!.Move(-1);
                return true;
            case ConsoleKey.DownArrow:
                mentions!.Move(1);
                return true;
            case ConsoleKey.Escape:
                mentions!.Dismiss();
                return true;
            case ConsoleKey.Tab:
            case ConsoleKey.Enter when !modified && key.KeyChar != '\n':
                var replacement = mentions!.Accepted();
                _text.Remove(mentions.WordStart, _cursor - mentions.WordStart).Insert(mentions.WordStart, replacement);
                _cursor = mentions.WordStart + replacement.Length;
                return true;
            default:
                return false;
        }
    }

    /// <summary>Ctrl-G: the input (pastes in full) goes to the external editor and comes back edited, not sent.</summary>
    private async Task EditExternallyAsync(CancellationToken cancellationToken)
    {
        if (externalEditor is null)
        {
            keys.ResumeReading();
            return;
        }

        screen.WriteRaw(Up(_cursorRow) + "\r\u001b[J", endsBlank: true);
        _cursorRow = 0;
        var edited = await externalEditor.EditAsync(Expand(_text.ToString()), cancellationToken).ConfigureAwait(false);
        if (edited.Text is { } text)
        {
            _pastes.Clear();
            Set(text);
        }

        _hint = edited.Error;
    }

    private static string Up(int rows) => rows > 0 ? $"\u001b[{rows}A" : string.Empty;
}
