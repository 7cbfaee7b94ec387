using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// Text a model wrote, made safe and honest to show for approval: nothing is cut, every line break is a visible
/// <c>⏎</c> plus a real line break, and characters that would act on the terminal or hide text are shown as escapes
/// (<c>\t</c>, <c>\r</c>, <c>\x1b</c>, <c>\x7f</c>, <c>\u202e</c>…): C0 and C1 controls, DEL, bidi controls,
/// zero-width and other invisible format characters, line and paragraph separators, variation selectors.
/// </summary>
internal static partial class VisibleText
{
    /// <summary>The marker drawn at the end of a line that ends with a line break.</summary>
    public const string NewlineMarker = "⏎";

    /// <summary>One piece of a shown line: text as it is, or an escape standing for an invisible character.</summary>
    public readonly record struct Piece(string Text, bool Escape);

    /// <summary>The logical lines of <paramref name="text"/>, each as pieces; every line but the last ended with a line break.</summary>
    public static IReadOnlyList<IReadOnlyList<Piece>> Lines(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        var lines = new List<IReadOnlyList<Piece>>();
        var current = new List<Piece>();
        var plain = new StringBuilder();

        void FlushPlain()
        {
            if (plain.Length > 0)
            {
                current.Add(new Piece(plain.ToString(), false));
                plain.Clear();
            }
        }

        for (var i = 0; i < text.Length; i++)
        {
            var c = text[i];
            if (c == '\n')
            {
                FlushPlain();
                current.Add(new Piece(NewlineMarker, true));
                lines.Add(current);
                current = [];
                continue;
            }

            if (char.IsHighSurrogate(c) && i + 1 < text.Length && char.IsLowSurrogate(text[i + 1]))
            {
                var rune = new Rune(c, text[i + 1]);
                i++;
                if (Hidden(rune.Value, Rune.GetUnicodeCategory(rune)))
                {
                    FlushPlain();
                    current.Add(new Piece(Escape(rune.Value), true));
                }
                else
                {
                    plain.Append(rune.ToString());
                }

                continue;
            }

            if (char.IsSurrogate(c) || Hidden(c, char.GetUnicodeCategory(c)))
            {
                FlushPlain();
                current.Add(new Piece(Escape(c), true));
                continue;
            }

            plain.Append(c);
        }

        FlushPlain();
        lines.Add(current);
        return lines;
    }

    /// <summary>
    /// One line of a command's output as a terminal would leave it, made safe to print: terminal escape sequences
    /// (colours, cursor moves, window titles, hyperlinks: CSI, OSC and two-character ESC sequences) are dropped, a
    /// carriage return keeps only what was written after it (progress bars), tabs become spaces, and any control or
    /// invisible character left is shown as an escape. A command's output can therefore neither move the cursor nor
    /// redraw what the shell shows (an approval question included).
    /// </summary>
    public static string OutputLine(string line)
    {
        ArgumentNullException.ThrowIfNull(line);
        line = TerminalSequence().Replace(line, "");
        line = line.TrimEnd('\r');
        var carriageReturn = line.LastIndexOf('\r');
        if (carriageReturn >= 0)
        {
            line = line[(carriageReturn + 1)..];
        }

        return OneLine(line.Replace("\t", "    ", StringComparison.Ordinal));
    }

    [GeneratedRegex(@"\x1b\[[0-?]*[ -/]*[@-~]|\x1b\][^\x07\x1b]*(?:\x07|\x1b\\)?|\x9b[0-?]*[ -/]*[@-~]|\x1b[ -/]*[0-~]", RegexOptions.CultureInvariant)]
    private static partial Regex TerminalSequence();

    /// <summary>The text on one line: line breaks as <c>⏎</c>, invisible characters as escapes (for titles).</summary>
    public static string OneLine(string text) =>
        string.Concat(Lines(text).SelectMany(line => line).Select(piece => piece.Text));

    /// <summary>
    /// Rows of at most <paramref name="width"/> cells: each logical line wrapped (never cut), its continuation rows
    /// starting with <paramref name="continuation"/>. An escape is never split.
    /// </summary>
    public static IReadOnlyList<IReadOnlyList<Piece>> Wrap(string text, int width, string continuation = "  ")
    {
        width = Math.Max(continuation.GetCellWidth() + 4, width);
        var rows = new List<IReadOnlyList<Piece>>();
        foreach (var line in Lines(text))
        {
            var row = new List<Piece>();
            var cells = 0;
            foreach (var piece in line)
            {
                var units = piece.Escape ? [piece.Text] : Graphemes(piece.Text);
                var run = new StringBuilder();
                foreach (var unit in units)
                {
                    var w = unit.GetCellWidth();
                    if (cells + w > width && cells > continuation.Length)
                    {
                        if (run.Length > 0)
                        {
                            row.Add(new Piece(run.ToString(), piece.Escape));
                            run.Clear();
                        }

                        rows.Add(row);
                        row = [new Piece(continuation, false)];
                        cells = continuation.GetCellWidth();
                    }

                    run.Append(unit);
                    cells += w;
                }

                if (run.Length > 0)
                {
                    row.Add(new Piece(run.ToString(), piece.Escape));
                }
            }

            rows.Add(row);
        }

        return rows;
    }

    /// <summary>A paragraph of <paramref name="text"/> wrapped at <paramref name="width"/>; escapes in <paramref name="escapeStyle"/>.</summary>
    public static Paragraph Render(string text, int width, Style style, Style escapeStyle, string continuation = "  ")
    {
        var paragraph = new Paragraph();
        var first = true;
        foreach (var row in Wrap(text, width, continuation))
        {
            if (!first)
            {
                paragraph.Append("\n");
            }

            first = false;
            foreach (var piece in row)
            {
                paragraph.Append(piece.Text, piece.Escape ? escapeStyle : style);
            }
        }

        return paragraph;
    }

    private static List<string> Graphemes(string text)
    {
        var units = new List<string>();
        var enumerator = StringInfo.GetTextElementEnumerator(text);
        while (enumerator.MoveNext())
        {
            units.Add(enumerator.GetTextElement());
        }

        return units;
    }

    /// <summary>True for characters that act on the terminal or hide text (controls, bidi, zero-width…).</summary>
    public static bool Hidden(int value, UnicodeCategory category) =>
        category is UnicodeCategory.Control or UnicodeCategory.Format or UnicodeCategory.LineSeparator or UnicodeCategory.ParagraphSeparator
            or UnicodeCategory.PrivateUse or UnicodeCategory.OtherNotAssigned
        || value is (>= 0xFE00 and <= 0xFE0F) or (>= 0xE0100 and <= 0xE01EF) or 0x115F or 0x1160 or 0x3164 or 0xFFA0;

    /// <summary>The escape shown for an invisible character: <c>\t</c>, <c>\x1b</c>, <c>\u202e</c>…</summary>
    public static string Escape(int value) => value switch
    {
        '\t' => "\\t",
        '\r' => "\\r",
        < 0x80 => "\\x" + value.ToString("x2", CultureInfo.InvariantCulture),
        <= 0xFFFF => "\\u" + value.ToString("x4", CultureInfo.InvariantCulture),
        _ => "\\U" + value.ToString("x8", CultureInfo.InvariantCulture),
    };
}
