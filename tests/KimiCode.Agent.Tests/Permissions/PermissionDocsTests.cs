using System.Text.RegularExpressions;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using KimiCode.Agent.Tests.Support;
using KimiCode.Config;

namespace KimiCode.Agent.Tests.PermissionTests;

/// <summary>The permission examples in the docs, loaded through the real config reader, behave as the docs say.</summary>
public sealed class PermissionDocsTests
{
    private const string Work = "/work/project";
    private const string Home = "/home/user";

    [Fact]
    public void AgentToolsDoc_OfficialExample_BuildsPolicyThatBehavesAsDocumented()
    {
        var policy = Policy(TomlBlocks("agent-tools.md")[0]);

        Assert.Equal(PermissionMode.Default, policy.Mode);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("git status --short")).Decision);
        var denied = policy.Evaluate("Bash", Command("rm -fr build"));
        Assert.Equal(PermissionDecision.Deny, denied.Decision);
        Assert.Equal("denied by the permission rule 'Bash(rm -rf*)' (reason: never delete a tree)", denied.Reason);
    }

    [Fact]
    public void AgentToolsDoc_OurTableExample_BuildsPolicyThatBehavesAsDocumented()
    {
        var policy = Policy(TomlBlocks("agent-tools.md")[1]);

        Assert.Equal(PermissionMode.Default, policy.Mode);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("npm run test:unit")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git push")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Read", File(PermissionAction.Read, "secrets/a.key")).Decision);
    }

    /// <summary>Every TOML example in docs/config.md loads, validates and builds a policy (its old example did not).</summary>
    [Fact]
    public void ConfigDoc_EveryTomlExample_LoadsAndBuildsAPolicy()
    {
        var blocks = TomlBlocks("config.md");

        Assert.True(blocks.Count >= 2);
        foreach (var block in blocks)
        {
            Policy(block);
        }
    }

    [Fact]
    public void ConfigDoc_MainExample_PermissionsBehaveAsDocumented()
    {
        var (config, policy) = Load(TomlBlocks("config.md")[0]);

        Assert.Equal(PermissionMode.Default, policy.Mode);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Read", File(PermissionAction.Read, "/etc/hosts")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Bash", Command("cd src && /bin/rm -rf .")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git push origin")).Decision);
        Assert.NotNull(config.Permissions.Notice);
    }

    [Fact]
    public void ConfigDoc_PermissionsSectionExample_BehavesAsDocumented()
    {
        var (config, policy) = Load(TomlBlocks("config.md").Single(b => b.Contains("no GitHub writes from the agent", StringComparison.Ordinal)));

        Assert.Equal(PermissionMode.Default, policy.Mode);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("git status")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Read", File(PermissionAction.Read, Home + "/.ssh/id_rsa")).Decision);
        Assert.Equal("denied by the permission rule 'mcp__github__*' (reason: no GitHub writes from the agent)", policy.Evaluate("mcp__github__create_issue", new StubCall { Title = "t", Kind = ToolKind.Other, Action = PermissionAction.Execute }).Reason);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git push")).Decision);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Edit", File(PermissionAction.Edit, "src/a.cs")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Read", File(PermissionAction.Read, ".env")).Decision);
        Assert.Contains("default_permission_mode wins over [permissions] mode", config.Permissions.Notice, StringComparison.Ordinal);
    }

    private static PermissionPolicy Policy(string toml) => Load(toml).Policy;

    private static (KimiConfig Config, PermissionPolicy Policy) Load(string toml)
    {
        using var temp = new TempFolder("kimi-permission-docs");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null);
        System.IO.File.WriteAllText(store.Home.ConfigFile, toml);
        var config = store.Load();
        Assert.Empty(config.Validate());
        return (config, PermissionPolicy.FromConfig(config.Permissions, Work, [], Home, Home + "/.kimi-code"));
    }

    private static StubCall Command(string command) => new() { Title = "t", Kind = ToolKind.Execute, Action = PermissionAction.Execute, Subject = command };

    private static StubCall File(PermissionAction action, string path)
    {
        var full = path.StartsWith('/') ? path : Work + "/" + path;
        return new StubCall { Title = "t", Kind = ToolKind.Read, Action = action, Subject = path, Locations = [full] };
    }

    private static List<string> TomlBlocks(string doc)
        => [.. Regex.Matches(System.IO.File.ReadAllText(FindDoc(doc)), "```toml\n(.*?)```", RegexOptions.Singleline).Select(m => m.Groups[1].Value)];

    private static string FindDoc(string name)
    {
        for (var directory = new DirectoryInfo(AppContext.BaseDirectory); directory is not null; directory = directory.Parent)
        {
            var candidate = Path.Combine(directory.FullName, "docs", name);
            if (System.IO.File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"docs/{name} not found above the test output folder.");
    }
}
