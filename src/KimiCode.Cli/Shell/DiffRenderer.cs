using Spectre.Console;
using Spectre.Console.Rendering;

namespace KimiCode.Cli.Shell;

/// <summary>A unified diff, coloured: additions green, removals red, hunk headers cyan; long diffs are cut.</summary>
internal static class DiffRenderer
{
    public const int MaxLines = 40;

    private static readonly Style Added = new(Color.Green);
    private static readonly Style Removed = new(Color.Red);
    private static readonly Style Hunk = new(Color.Aqua, decoration: Decoration.Dim);
    private static readonly Style Context = new(decoration: Decoration.Dim);

    /// <summary>The lines added and removed by <paramref name="unifiedDiff"/>.</summary>
    public static (int Added, int Removed) Count(string unifiedDiff)
    {
        var added = 0;
        var removed = 0;
        foreach (var line in Body(unifiedDiff))
        {
            if (line.StartsWith('+'))
            {
                added++;
            }
            else if (line.StartsWith('-'))
            {
                removed++;
            }
        }

        return (added, removed);
    }

    public static IRenderable Render(string path, string unifiedDiff, int maxLines = MaxLines)
    {
        var (added, removed) = Count(unifiedDiff);
        var text = new Paragraph();
        text.Append(VisibleText.OneLine(path), new Style(decoration: Decoration.Bold));
        text.Append("  ");
        text.Append($"+{added}", Added);
        text.Append(" ");
        text.Append($"-{removed}", Removed);
        var body = Body(unifiedDiff).ToList();
        foreach (var line in body.Take(maxLines))
        {
            text.Append("\n");
            // A model wrote these lines: control and invisible characters are shown, never sent to the terminal.
            text.Append(line.Length == 0 ? " " : VisibleText.OneLine(line), line switch
            {
                _ when line.StartsWith("@@", StringComparison.Ordinal) => Hunk,
                _ when line.StartsWith('+') => Added,
                _ when line.StartsWith('-') => Removed,
                _ => Context,
            });
        }

        if (body.Count > maxLines)
        {
            text.Append($"\n… {body.Count - maxLines} more diff lines not shown", Context);
        }

        return text;
    }

    private static IEnumerable<string> Body(string unifiedDiff)
    {
        var lines = unifiedDiff.Split('\n');
        var count = lines.Length > 0 && lines[^1].Length == 0 ? lines.Length - 1 : lines.Length;
        var inHeader = true;
        for (var i = 0; i < count; i++)
        {
            var line = lines[i];
            if (inHeader && (line.StartsWith("--- ", StringComparison.Ordinal) || line.StartsWith("+++ ", StringComparison.Ordinal)))
            {
                continue;
            }

            inHeader = false;
            yield return line.EndsWith('\r') ? line[..^1] : line; // a CRLF file's line ending
        }
    }
}
