using System.Text;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Line-based unified diffs (<c>diff -u</c> format, 3 lines of context). Uses Myers' algorithm on the part
/// between the common prefix and suffix; when the texts differ too much to diff cheaply, the differing middle
/// is shown as removed and re-added (still a valid diff, just not minimal).
/// </summary>
internal static class UnifiedDiff
{
    private const int ContextLines = 3;
    private const int MaxEditDistance = 1500;

    /// <summary>The diff of <paramref name="oldText"/> (null: the file did not exist) to <paramref name="newText"/>; empty when equal.</summary>
    public static string Create(string? oldText, string newText, string path)
    {
        if (oldText == newText)
        {
            return "";
        }

        var (oldLines, oldNoNewline) = SplitLines(oldText ?? "");
        var (newLines, newNoNewline) = SplitLines(newText);
        var operations = Compare(oldLines, newLines, oldNoNewline, newNoNewline);

        var output = new StringBuilder();
        output.Append("--- ").Append(oldText is null ? "/dev/null" : "a/" + path).Append('\n');
        output.Append("+++ ").Append("b/").Append(path).Append('\n');
        WriteHunks(output, operations, oldLines, newLines, oldNoNewline, newNoNewline);
        return output.ToString();
    }

    private static (string[] Lines, bool NoNewlineAtEnd) SplitLines(string text)
    {
        if (text.Length == 0)
        {
            return ([], false);
        }

        var lines = text.Split('\n');
        if (text.EndsWith('\n'))
        {
            return (lines[..^1], false);
        }

        return (lines, true);
    }

    private enum Op
    {
        Equal,
        Delete,
        Insert,
    }

    private readonly record struct Edit(Op Op, int OldIndex, int NewIndex);

    private static List<Edit> Compare(string[] a, string[] b, bool aNoNewline, bool bNoNewline)
    {
        // The last lines differ when only one of them lacks a final newline.
        // Lines are the same when their text is, and both or neither lack the final newline.
        bool Same(int i, int j) => a[i] == b[j]
            && ((i == a.Length - 1 && aNoNewline) == (j == b.Length - 1 && bNoNewline));

        var prefix = 0;
        while (prefix < a.Length && prefix < b.Length && Same(prefix, prefix))
        {
            prefix++;
        }

        var suffix = 0;
        while (suffix < a.Length - prefix && suffix < b.Length - prefix && Same(a.Length - 1 - suffix, b.Length - 1 - suffix))
        {
            suffix++;
        }

        var edits = new List<Edit>(a.Length + b.Length);
        for (var i = 0; i < prefix; i++)
        {
            edits.Add(new Edit(Op.Equal, i, i));
        }

        var middle = Myers(a, b, prefix, a.Length - suffix, prefix, b.Length - suffix, Same);
        edits.AddRange(middle);
        for (var k = suffix; k > 0; k--)
        {
            edits.Add(new Edit(Op.Equal, a.Length - k, b.Length - k));
        }

        return edits;
    }

    private static List<Edit> Myers(string[] a, string[] b, int aStart, int aEnd, int bStart, int bEnd, Func<int, int, bool> same)
    {
        var n = aEnd - aStart;
        var m = bEnd - bStart;
        var result = new List<Edit>();
        if (n == 0 && m == 0)
        {
            return result;
        }

        var max = n + m;
        var limit = Math.Min(max, MaxEditDistance);
        var offset = max + 1;
        var v = new int[2 * max + 3];
        // trace[d] keeps the frontier before step d, diagonals -d..d (memory grows with d², hence the limit).
        var trace = new List<int[]>();
        var found = -1;
        for (var d = 0; d <= limit; d++)
        {
            trace.Add(v.AsSpan(offset - d, 2 * d + 1).ToArray());
            for (var k = -d; k <= d; k += 2)
            {
                int x;
                if (k == -d || (k != d && v[offset + k - 1] < v[offset + k + 1]))
                {
                    x = v[offset + k + 1];
                }
                else
                {
                    x = v[offset + k - 1] + 1;
                }

                var y = x - k;
                while (x < n && y < m && same(aStart + x, bStart + y))
                {
                    x++;
                    y++;
                }

                v[offset + k] = x;
                if (x >= n && y >= m)
                {
                    found = d;
                    break;
                }
            }

            if (found >= 0)
            {
                break;
            }
        }

        if (found < 0)
        {
            // Too different to diff cheaply: remove the old middle, add the new one.
            for (var i = aStart; i < aEnd; i++)
            {
                result.Add(new Edit(Op.Delete, i, bStart));
            }

            for (var j = bStart; j < bEnd; j++)
            {
                result.Add(new Edit(Op.Insert, aEnd, j));
            }

            return result;
        }

        // Walk back through the saved frontiers.
        var px = n;
        var py = m;
        for (var d = found; d > 0; d--)
        {
            var previous = trace[d];
            var k = px - py;
            int prevK;
            if (k == -d || (k != d && previous[d + k - 1] < previous[d + k + 1]))
            {
                prevK = k + 1;
            }
            else
            {
                prevK = k - 1;
            }

            var prevX = previous[d + prevK];
            var prevY = prevX - prevK;
            while (px > prevX && py > prevY)
            {
                px--;
                py--;
                result.Add(new Edit(Op.Equal, aStart + px, bStart + py));
            }

            if (px == prevX)
            {
                py--;
                result.Add(new Edit(Op.Insert, aStart + px, bStart + py));
            }
            else
            {
                px--;
                result.Add(new Edit(Op.Delete, aStart + px, bStart + py));
            }
        }

        while (px > 0 && py > 0)
        {
            px--;
            py--;
            result.Add(new Edit(Op.Equal, aStart + px, bStart + py));
        }

        result.Reverse();
        return result;
    }

    private static void WriteHunks(StringBuilder output, List<Edit> edits, string[] a, string[] b, bool aNoNewline, bool bNoNewline)
    {
        var index = 0;
        while (index < edits.Count)
        {
            // Find the next change.
            while (index < edits.Count && edits[index].Op == Op.Equal)
            {
                index++;
            }

            if (index >= edits.Count)
            {
                break;
            }

            var start = Math.Max(0, index - ContextLines);
            var end = index;

            // Extend the hunk while the next change is within 2 * context lines.
            while (true)
            {
                while (end < edits.Count && edits[end].Op != Op.Equal)
                {
                    end++;
                }

                var equalRun = 0;
                while (end + equalRun < edits.Count && edits[end + equalRun].Op == Op.Equal)
                {
                    equalRun++;
                }

                if (end + equalRun < edits.Count && equalRun <= 2 * ContextLines)
                {
                    end += equalRun;
                    continue;
                }

                end = Math.Min(edits.Count, end + Math.Min(equalRun, ContextLines));
                break;
            }

            var oldCount = 0;
            var newCount = 0;
            for (var i = start; i < end; i++)
            {
                if (edits[i].Op != Op.Insert)
                {
                    oldCount++;
                }

                if (edits[i].Op != Op.Delete)
                {
                    newCount++;
                }
            }

            var oldStart = edits[start].OldIndex + (oldCount == 0 ? 0 : 1);
            var newStart = edits[start].NewIndex + (newCount == 0 ? 0 : 1);
            output.Append("@@ -").Append(Range(oldStart, oldCount)).Append(" +").Append(Range(newStart, newCount)).Append(" @@\n");
            for (var i = start; i < end; i++)
            {
                var edit = edits[i];
                switch (edit.Op)
                {
                    case Op.Equal:
                        AppendLine(output, ' ', a[edit.OldIndex], edit.OldIndex == a.Length - 1 && aNoNewline);
                        break;
                    case Op.Delete:
                        AppendLine(output, '-', a[edit.OldIndex], edit.OldIndex == a.Length - 1 && aNoNewline);
                        break;
                    default:
                        AppendLine(output, '+', b[edit.NewIndex], edit.NewIndex == b.Length - 1 && bNoNewline);
                        break;
                }
            }

            index = end;
        }
    }

    private static string Range(int start, int count) => count == 1 ? start.ToString(System.Globalization.CultureInfo.InvariantCulture) : $"{start},{count}";

    private static void AppendLine(StringBuilder output, char marker, string line, bool noNewline)
    {
        output.Append(marker).Append(line).Append('\n');
        if (noNewline)
        {
            output.Append("\\ No newline at end of file\n");
        }
    }
}
