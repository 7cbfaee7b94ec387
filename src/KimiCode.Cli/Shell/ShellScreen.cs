using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KimiCode.Cli.Shell;

/// <summary>How a piece of a status line looks.</summary>
internal enum Tone
{
    Plain,
    Dim,
    Bold,
    Accent,
    Good,
    Bad,
    Warn,
    Selected,
}

/// <summary>One line of the live region (spinner, pickers): pieces of text with a tone each.</summary>
internal sealed class StyledLine
{
    public List<(string Text, Tone Tone)> Pieces { get; } = [];

    public StyledLine Add(string text, Tone tone = Tone.Plain)
    {
        Pieces.Add((text, tone));
        return this;
    }

    public string PlainText => string.Concat(Pieces.Select(p => p.Text));
}

/// <summary>
/// The screen: finished output is written once and scrolls up; below it a live region (spinner, streamed text
/// not yet complete, a permission prompt) is redrawn in place. Every write erases the live region, writes, and
/// draws it again, under one lock, so output from any thread never tears. The live region is erased by the cells
/// each of its lines took, counted at the width of the moment: a terminal made narrower rewraps those lines into more
/// rows (tmux, iTerm2, kitty, VTE and Windows Terminal do), and erasing only as many rows as were drawn would leave
/// the first ones behind (a streamed paragraph shown twice).
/// </summary>
internal sealed class ShellScreen(IAnsiConsole console)
{
    private readonly Lock _gate = new();
    /// <summary>
    /// Erases from the cursor's row to the end of the screen, the cursor left at the start of that row. Not plain
    /// <c>CR ESC[J</c>: tmux takes an erase that starts at the top-left corner for a clear and moves the screen into
    /// the scrollback (scroll-on-clear), so after Ctrl-L every keystroke would leave a line there. The row is blanked
    /// first (<c>ESC[2K</c>), then the rest is erased from its second cell.
    /// </summary>
    public const string EraseDown = "\r\u001b[2K\u001b[1C\u001b[J\r";

    private IReadOnlyList<StyledLine> _live = [];
    private readonly List<int> _liveCells = [];
    private bool _lastBlank = true;

    public IAnsiConsole Console => console;

    public int Width => Math.Max(20, console.Profile.Width);

    public bool Unicode => console.Profile.Capabilities.Unicode;

    private bool Colors => console.Profile.Capabilities.ColorSystem != ColorSystem.NoColors;

    /// <summary>Writes a renderable above the live region (ending its last line).</summary>
    public void Write(IRenderable renderable)
    {
        lock (_gate)
        {
            EraseLive();
            console.Write(new Block(renderable));
            _lastBlank = false;
            DrawLive();
        }
    }

    /// <summary>One line of text in one style (the text is not Markup: brackets are shown as they are).</summary>
    public void Line(string text, Style? style = null) => Write(new Text(text, style ?? Style.Plain));

    /// <summary>A blank line, unless the last line written is blank already.</summary>
    public void Gap()
    {
        lock (_gate)
        {
            if (!_lastBlank)
            {
                EraseLive();
                Raw("\n");
                _lastBlank = true;
                DrawLive();
            }
        }
    }

    /// <summary>Replaces the live region.</summary>
    public void SetLive(IReadOnlyList<StyledLine> lines)
    {
        lock (_gate)
        {
            EraseLive();
            _live = lines;
            DrawLive();
        }
    }

    public void ClearLive() => SetLive([]);

    /// <summary>Writes text and control sequences as they are (the line editor draws itself).</summary>
    public void WriteRaw(string text, bool endsBlank = false)
    {
        lock (_gate)
        {
            Raw(text);
            _lastBlank = endsBlank;
        }
    }

    /// <summary>Writes a sequence that shows nothing on the screen (a bell, a notification) where the cursor is.</summary>
    public void Signal(string sequence)
    {
        lock (_gate)
        {
            Raw(sequence);
        }
    }

    /// <summary>Clears the screen and the scrollback.</summary>
    public void ClearScreen()
    {
        lock (_gate)
        {
            _liveCells.Clear();
            _live = [];
            Raw("\u001b[2J\u001b[3J\u001b[H");
            _lastBlank = true;
        }
    }

    /// <summary>The ANSI form of <paramref name="line"/>, cut to <paramref name="maxCells"/> cells (null: no limit), ending in <c>…</c> when cut.</summary>
    public string Format(StyledLine line, int? maxCells = null)
    {
        var text = new StringBuilder();
        var left = maxCells ?? int.MaxValue;
        foreach (var (piece, tone) in line.Pieces)
        {
            if (left <= 0)
            {
                break;
            }

            var visible = Cut(piece, left, out var cells);
            if (visible.Length < piece.Length)
            {
                // Never cut silently: the last cell says the line goes on.
                visible = Cut(piece, left - 1, out cells) + "…";
                cells = left;
            }

            left -= cells;
            var sgr = Sgr(tone);
            text.Append(sgr).Append(visible);
            if (sgr.Length > 0)
            {
                text.Append("\u001b[0m");
            }
        }

        return text.ToString();
    }

    /// <summary>The start sequence of a tone ("" for plain, and for colours when colour is off).</summary>
    public string Sgr(Tone tone) => tone switch
    {
        Tone.Dim => "\u001b[2m",
        Tone.Bold => "\u001b[1m",
        Tone.Accent => Colors ? "\u001b[36m" : string.Empty,
        Tone.Good => Colors ? "\u001b[32m" : string.Empty,
        Tone.Bad => Colors ? "\u001b[31m" : string.Empty,
        Tone.Warn => Colors ? "\u001b[33m" : string.Empty,
        Tone.Selected => Colors ? "\u001b[1;36m" : "\u001b[1m",
        _ => string.Empty,
    };

    /// <summary>The longest start of <paramref name="text"/> that fits in <paramref name="maxCells"/> cells.</summary>
    public static string Cut(string text, int maxCells, out int cells)
    {
        cells = 0;
        for (var i = 0; i < text.Length; i++)
        {
            var width = char.IsLowSurrogate(text[i]) ? 0 : Math.Max(0, text[i].GetCellWidth());
            if (text[i] is '\n' or '\r' or '\t')
            {
                width = 1;
            }

            if (cells + width > maxCells)
            {
                return Clean(text[..i]);
            }

            cells += width;
        }

        return Clean(text);
    }

    private static string Clean(string text) => text.Replace('\n', ' ').Replace('\r', ' ').Replace('\t', ' ');

    private void DrawLive()
    {
        if (_live.Count == 0)
        {
            Raw("\u001b[?25h");
            return;
        }

        var text = new StringBuilder("\u001b[?25l");
        for (var i = 0; i < _live.Count; i++)
        {
            if (i > 0)
            {
                text.Append('\n');
            }

            // One cell short of the width, so a line never wraps while the width stays.
            var line = Format(_live[i], Width - 1);
            text.Append(line);
            _liveCells.Add(VisibleCells(line));
        }

        // The cursor waits at the start of the last line: a rewrap moves it with that line, never into it.
        text.Append('\r');
        Raw(text.ToString());
    }

    private void EraseLive()
    {
        if (_liveCells.Count == 0)
        {
            return;
        }

        var width = Width;
        var up = 0;
        for (var i = 0; i < _liveCells.Count - 1; i++)
        {
            up += Math.Max(1, (_liveCells[i] + width - 1) / width);
        }

        _liveCells.Clear();
        Raw((up > 0 ? $"\u001b[{up}A" : string.Empty) + EraseDown);
    }

    /// <summary>The cells a formatted line takes on the screen (its escape sequences take none).</summary>
    private static int VisibleCells(string formatted)
    {
        var cells = 0;
        for (var i = 0; i < formatted.Length; i++)
        {
            if (formatted[i] == '\u001b')
            {
                while (i < formatted.Length && !char.IsAsciiLetter(formatted[i]))
                {
                    i++;
                }

                continue;
            }

            if (!char.IsLowSurrogate(formatted[i]))
            {
                cells += Math.Max(0, formatted[i].GetCellWidth());
            }
        }

        return cells;
    }

    private void Raw(string text)
    {
        var writer = console.Profile.Out.Writer;
        writer.Write(text);
        writer.Flush();
    }
}
