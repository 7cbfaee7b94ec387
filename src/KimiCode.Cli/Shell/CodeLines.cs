using System.Text;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KimiCode.Cli.Shell;

/// <summary>
/// A fenced code block as something you can copy: a dim language label line, then every code line as it is —
/// no border, no padding, never wrapped by us (the terminal wraps a long line, and selecting it gives the line
/// back whole). Tabs show as four spaces; characters that would act on the terminal or hide text show as escapes
/// (<c>\x1b</c>, <c>\u202e</c>) so a hostile answer cannot redraw the screen.
/// </summary>
internal sealed class CodeLines(string code, string? language) : Renderable
{
    private static readonly Style Dim = new(decoration: Decoration.Dim);

    /// <summary>The code exactly as the answer gave it (what <c>/copy code</c> copies).</summary>
    public string Code { get; } = code;

    /// <summary>The language from the fence's info string, or null.</summary>
    public string? Language { get; } = string.IsNullOrWhiteSpace(language) ? null : language.Trim().Split(' ', 2)[0];

    protected override Measurement Measure(RenderOptions options, int maxWidth) => new(1, maxWidth);

    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        if (Language is { } label)
        {
            yield return new Segment(VisibleText.OneLine(label), Dim);
            yield return Segment.LineBreak;
        }

        // Colours only where the terminal shows them (never under NO_COLOR), worked out once the block is shown.
        var styles = options.ColorSystem == ColorSystem.NoColors ? null : CodeColours.Styles(Code, Language);
        var offset = 0;
        foreach (var line in Code.Split('\n'))
        {
            foreach (var segment in Shown(line.TrimEnd('\r'), styles, offset))
            {
                yield return segment;
            }

            yield return Segment.LineBreak;
            offset += line.Length + 1;
        }
    }

    private static IEnumerable<Segment> Shown(string line, Style?[]? styles, int offset)
    {
        var plain = new StringBuilder();
        Style? current = null;
        var index = 0;
        foreach (var rune in line.EnumerateRunes())
        {
            var style = styles is not null && offset + index < styles.Length ? styles[offset + index] : null;
            index += rune.Utf16SequenceLength;
            var hidden = rune.Value != '\t' && VisibleText.Hidden(rune.Value, Rune.GetUnicodeCategory(rune));
            if (plain.Length > 0 && (hidden || !Equals(style, current)))
            {
                yield return new Segment(plain.ToString(), current ?? Style.Plain);
                plain.Clear();
            }

            current = style;
            if (rune.Value == '\t')
            {
                plain.Append("    ");
            }
            else if (hidden)
            {
                yield return new Segment(VisibleText.Escape(rune.Value), Dim);
            }
            else
            {
                plain.Append(rune.ToString());
            }
        }

        if (plain.Length > 0)
        {
            yield return new Segment(plain.ToString(), current ?? Style.Plain);
        }
    }
}
