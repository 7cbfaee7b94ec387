namespace KimiCode.Config.Tests;

internal static class TestPaths
{
    /// <summary>The toml-test suite in the repository; fails loudly (never skips) when it cannot be found.</summary>
    public static string TomlTestRoot
    {
        get
        {
            for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
            {
                var candidate = Path.Combine(dir.FullName, "tests", "data", "toml-test", "tests");
                if (Directory.Exists(candidate))
                {
                    return candidate;
                }
            }

            throw new InvalidOperationException($"tests/data/toml-test not found above {AppContext.BaseDirectory}");
        }
    }

    public static IEnumerable<string> ListedCases(string prefix)
    {
        var list = Path.Combine(TomlTestRoot, "files-toml-1.0.0");
        return File.ReadAllLines(list)
            .Select(l => l.Trim())
            .Where(l => l.StartsWith(prefix, StringComparison.Ordinal) && l.EndsWith(".toml", StringComparison.Ordinal));
    }
}
