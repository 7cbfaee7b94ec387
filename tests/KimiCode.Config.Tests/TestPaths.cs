namespace KimiCode.Config.Tests;

internal static class TestPaths
{
    /// <summary>The toml-test suite in the repository; fails loudly (never skips) when it cannot be found.</summary>
    public static string TomlTestRoot
    {
        get
        {
            var path = Path.Combine(RepositoryRoot.Path, "tests", "data", "toml-test", "tests");
            return Directory.Exists(path) ? path : throw new InvalidOperationException($"{path} not found");
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
