using System.Text;
using System.Text.RegularExpressions;

namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>
/// Golden files of rendered screens (Shell/golden/NAME.txt). Variable parts are normalised first: the test's
/// folders, session ids, timings, spinner frames, the version. A screen that differs fails with a diff;
/// <c>KIMI_UPDATE_GOLDEN=1</c> rewrites the files in the source tree instead.
/// </summary>
internal static partial class GoldenScreen
{
    public const string UpdateVariable = "KIMI_UPDATE_GOLDEN";

    public static string Normalize(string screen, params (string Value, string Placeholder)[] replacements)
    {
        var text = screen.Replace("\r\n", "\n", StringComparison.Ordinal);
        foreach (var (value, placeholder) in replacements.OrderByDescending(r => r.Value.Length))
        {
            text = text.Replace(value, placeholder, StringComparison.Ordinal);
        }

        text = Guid().Replace(text, "<id>");
        text = Version().Replace(text, "kimi <version>");
        text = Spinner().Replace(text, "⠿");
        text = Elapsed().Replace(text, "<time>");
        text = Ago().Replace(text, "<when>");
        text = Port().Replace(text, "127.0.0.1:<port>");
        var lines = text.Split('\n').Select(l => l.TrimEnd()).ToList();
        while (lines.Count > 0 && lines[^1].Length == 0)
        {
            lines.RemoveAt(lines.Count - 1);
        }

        return string.Join('\n', lines) + "\n";
    }

    /// <summary>Compares <paramref name="actual"/> (normalised) with golden/<paramref name="name"/>.txt.</summary>
    public static void AssertMatches(string name, string actual)
    {
        var path = SourcePath(name);
        if (Environment.GetEnvironmentVariable(UpdateVariable) == "1")
        {
            Directory.CreateDirectory(Path.GetDirectoryName(path)!);
            File.WriteAllText(path, actual);
            return;
        }

        var copied = Path.Combine(AppContext.BaseDirectory, "Shell", "golden", name + ".txt");
        var source = File.Exists(copied) ? copied : path;
        Assert.True(File.Exists(source), $"No golden file {path}; run the test with {UpdateVariable}=1 to create it, then review and check it in.");
        var expected = File.ReadAllText(source).Replace("\r\n", "\n", StringComparison.Ordinal);
        if (expected != actual)
        {
            Assert.Fail($"The screen differs from {path} (- expected, + actual). If the change is intended, run with {UpdateVariable}=1 and review the diff.\n{Diff(expected, actual)}");
        }
    }

    /// <summary>A line diff (longest common subsequence), unchanged lines prefixed with two spaces.</summary>
    public static string Diff(string expected, string actual)
    {
        var a = expected.Split('\n');
        var b = actual.Split('\n');
        var lcs = new int[a.Length + 1, b.Length + 1];
        for (var i = a.Length - 1; i >= 0; i--)
        {
            for (var j = b.Length - 1; j >= 0; j--)
            {
                lcs[i, j] = a[i] == b[j] ? lcs[i + 1, j + 1] + 1 : Math.Max(lcs[i + 1, j], lcs[i, j + 1]);
            }
        }

        var diff = new StringBuilder();
        int x = 0, y = 0;
        while (x < a.Length || y < b.Length)
        {
            if (x < a.Length && y < b.Length && a[x] == b[y])
            {
                diff.Append("  ").Append(a[x++]).Append('\n');
                y++;
            }
            else if (x < a.Length && (y == b.Length || lcs[x + 1, y] >= lcs[x, y + 1]))
            {
                diff.Append("- ").Append(a[x++]).Append('\n');
            }
            else
            {
                diff.Append("+ ").Append(b[y++]).Append('\n');
            }
        }

        return diff.ToString();
    }

    private static string SourcePath(string name) =>
        Path.Combine(RepositoryRoot.Path, "tests", "KimiCode.EndToEnd.Tests", "Shell", "golden", name + ".txt");

    [GeneratedRegex("[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}")]
    private static partial Regex Guid();

    [GeneratedRegex(@"kimi \d+\.\d+\.\d+")]
    private static partial Regex Version();

    [GeneratedRegex("[⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏]")]
    private static partial Regex Spinner();

    [GeneratedRegex(@"\b\d+m \d+s\b|\b\d+s\b")]
    private static partial Regex Elapsed();

    [GeneratedRegex(@"just now|\b\d+ (min|h) ago\b")]
    private static partial Regex Ago();

    [GeneratedRegex(@"127\.0\.0\.1:\d+")]
    private static partial Regex Port();
}
