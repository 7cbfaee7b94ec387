using Spectre.Console;
using Spectre.Console.Rendering;

namespace KimiCode.Cli.Shell;

/// <summary>
/// Renders <see cref="Inner"/> narrower and puts a prefix in front of every line: a bullet on the first line and
/// spaces after it (hanging indent for list items), or the same bar on every line (quotes, thinking).
/// </summary>
internal sealed class Indented(IRenderable inner, string first, string rest, Style? prefixStyle = null) : Renderable
{
    public IRenderable Inner { get; } = inner;

    protected override Measurement Measure(RenderOptions options, int maxWidth)
    {
        var width = Math.Max(first.GetCellWidth(), rest.GetCellWidth());
        var measured = Inner.Measure(options, Math.Max(1, maxWidth - width));
        return new Measurement(measured.Min + width, measured.Max + width);
    }

    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        var width = Math.Max(first.GetCellWidth(), rest.GetCellWidth());
        var lines = Segment.SplitLines(Inner.Render(options, Math.Max(1, maxWidth - width)));
        var style = prefixStyle ?? Style.Plain;
        for (var i = 0; i < lines.Count; i++)
        {
            var prefix = i == 0 ? first : rest;
            yield return new Segment(prefix.PadRight(width - prefix.GetCellWidth() + prefix.Length), style);
            foreach (var segment in lines[i])
            {
                yield return segment;
            }

            yield return Segment.LineBreak;
        }
    }
}

/// <summary>Ends <see cref="Inner"/> with a line break when it does not end with one already (a paragraph does not).</summary>
internal sealed class Block(IRenderable inner) : Renderable
{
    public IRenderable Inner { get; } = inner;

    protected override Measurement Measure(RenderOptions options, int maxWidth) => Inner.Measure(options, maxWidth);

    protected override IEnumerable<Segment> Render(RenderOptions options, int maxWidth)
    {
        Segment? last = null;
        foreach (var segment in Inner.Render(options, maxWidth))
        {
            last = segment;
            yield return segment;
        }

        if (last is null || !last.IsLineBreak)
        {
            yield return Segment.LineBreak;
        }
    }
}
