using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using KimiCode.Config;
using KimiCode.Config.Toml;

namespace KimiCode.Agent.Tests.PermissionTests;

public sealed class PermissionDocsTests
{
    /// <summary>The example in docs/agent-tools.md loads through the real config reader and behaves as the doc says.</summary>
    [Fact]
    public void AgentToolsDoc_TomlExample_BuildsPolicyThatBehavesAsDocumented()
    {
        var markdown = File.ReadAllText(FindDoc());
        var start = markdown.IndexOf("```toml\n", StringComparison.Ordinal) + "```toml\n".Length;
        var end = markdown.IndexOf("```", start, StringComparison.Ordinal);
        var config = KimiConfig.FromToml(TomlDocument.Parse(markdown[start..end]));

        var policy = PermissionPolicy.FromConfig(config.Permissions, "/work/project", []);

        Assert.Equal(PermissionMode.Default, policy.Mode);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("npm run test:unit")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git push")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Read", new StubCall { Title = "t", Kind = ToolKind.Read, Action = PermissionAction.Read, Subject = "secrets/a.key" }).Decision);
    }

    private static StubCall Command(string command) => new() { Title = "t", Kind = ToolKind.Execute, Action = PermissionAction.Execute, Subject = command };

    private static string FindDoc()
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", "agent-tools.md");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException("docs/agent-tools.md not found above the test output folder.");
    }
}
