using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace KimiCode.Architecture.Tests;

/// <summary>
/// The arrows between the projects under src/ point one way (docs/architecture.md): a reference that is not in
/// <see cref="Allowed"/> fails here, whether it points upwards (Agent → Hosting), sideways (Provider → Auth: the
/// chat client knows OAuth only through IAccessTokenSource) or at the emulator (it shares no types with the client).
/// </summary>
public sealed partial class ProjectGraphTests
{
    private static readonly Dictionary<string, string[]> Allowed = new(StringComparer.Ordinal)
    {
        ["KimiCode.Protocol"] = [],
        ["KimiCode.Config"] = ["KimiCode.Protocol"],
        ["KimiCode.Provider"] = ["KimiCode.Protocol"],
        ["KimiCode.Auth"] = ["KimiCode.Protocol", "KimiCode.Config"],
        ["KimiCode.Agent"] = ["KimiCode.Protocol", "KimiCode.Config", "KimiCode.Provider"],
        ["KimiCode.Mcp"] = ["KimiCode.Protocol", "KimiCode.Config", "KimiCode.Agent"],
        ["KimiCode.Hosting"] = ["KimiCode.Protocol", "KimiCode.Config", "KimiCode.Auth", "KimiCode.Provider", "KimiCode.Agent", "KimiCode.Mcp"],
        ["KimiCode.Acp"] = ["KimiCode.Protocol", "KimiCode.Config", "KimiCode.Auth", "KimiCode.Provider", "KimiCode.Agent", "KimiCode.Mcp", "KimiCode.Hosting"],
        ["KimiCode.Cli"] = ["KimiCode.Protocol", "KimiCode.Config", "KimiCode.Auth", "KimiCode.Provider", "KimiCode.Agent", "KimiCode.Mcp", "KimiCode.Hosting", "KimiCode.Acp"],
        ["KimiCode.Emulator"] = [],
    };

    public static TheoryData<string> SourceProjects()
    {
        var data = new TheoryData<string>();
        foreach (var project in Directory.EnumerateDirectories(Path.Combine(RepositoryRoot.Path, "src")).Select(Path.GetFileName).Order(StringComparer.Ordinal))
        {
            data.Add(project!);
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(SourceProjects))]
    public void References_PointOnlyDownTheGraph(string project)
    {
        Assert.True(Allowed.TryGetValue(project, out var allowed), $"src/{project} is not in the project graph; add it to ProjectGraphTests.Allowed and docs/architecture.md.");

        var referenced = References(project);

        var forbidden = referenced.Except(allowed, StringComparer.Ordinal).ToArray();
        Assert.True(forbidden.Length == 0, $"{project} must not reference {string.Join(", ", forbidden)} (see docs/architecture.md).");
    }

    [Fact]
    public void Graph_HasNoCycleAndEveryProjectIsDocumented()
    {
        var page = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "architecture.md"));
        foreach (var project in Allowed.Keys)
        {
            Assert.Contains($"`{project}`", page, StringComparison.Ordinal);
            Assert.DoesNotContain(project, References(project).SelectMany(Reachable));
        }
    }

    [Fact]
    public void Console_IsUsedOnlyByTheExecutables()
    {
        // The libraries never print: they emit events and values, and log through ILogger.
        var offenders = Directory.EnumerateFiles(Path.Combine(RepositoryRoot.Path, "src"), "*.cs", SearchOption.AllDirectories)
            .Where(f => !f.Contains($"{Path.DirectorySeparatorChar}obj{Path.DirectorySeparatorChar}", StringComparison.Ordinal))
            .Where(f => !f.Contains("KimiCode.Cli", StringComparison.Ordinal) && !f.Contains("KimiCode.Emulator", StringComparison.Ordinal))
            .Where(f => ConsoleUse().IsMatch(File.ReadAllText(f)))
            .Select(f => Path.GetRelativePath(RepositoryRoot.Path, f))
            .ToArray();

        Assert.Empty(offenders);
    }

    private static string[] References(string project)
    {
        var csproj = XDocument.Load(Path.Combine(RepositoryRoot.Path, "src", project, project + ".csproj"));
        return csproj.Descendants("ProjectReference")
            .Select(r => Path.GetFileNameWithoutExtension(((string?)r.Attribute("Include") ?? string.Empty).Replace('\\', '/')))
            .ToArray();
    }

    private static IEnumerable<string> Reachable(string start)
    {
        var seen = new List<string>();
        var stack = new Stack<string>([start]);
        while (stack.TryPop(out var next))
        {
            if (seen.Contains(next))
            {
                continue;
            }

            seen.Add(next);
            foreach (var reference in References(next))
            {
                stack.Push(reference);
            }
        }

        return seen;
    }

    [GeneratedRegex(@"\bConsole\.(Write|Read|Out|Error|In|Is|Key|Set|Cancel|Treat|Buffer|Window|Cursor|Clear|Beep|Foreground|Background|Reset|Title|Open)")]
    private static partial Regex ConsoleUse();
}
