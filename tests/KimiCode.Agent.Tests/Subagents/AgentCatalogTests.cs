using KimiCode.Agent.Subagents;
using KimiCode.Agent.Tests.Support;

namespace KimiCode.Agent.Tests.Subagents;

/// <summary>Agent profiles: the built-ins, agent files, their precedence and their tool lists, on real folders.</summary>
public sealed class AgentCatalogTests : IDisposable
{
    private readonly TempFolder _folder = new("kimi-agent-catalog-tests");

    private string Project => _folder.Folder("project");

    private string KimiHome => _folder.Folder("kimi-home");

    private string UserHome => _folder.Folder("home");

    public void Dispose() => _folder.Dispose();

    private static void Write(string path, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, text);
    }

    private AgentCatalog Discover(params string[] extra) => AgentCatalog.Discover(new AgentFolders(Project, KimiHome, UserHome, extra));

    [Fact]
    public void BuiltIns_ExploreAndPlan_ReadOnlyNoShell_CoderEverythingButUserAndPlanTools()
    {
        AgentCatalog catalog = AgentCatalog.BuiltInOnly;
        AgentProfile explore = catalog.Find("explore")!;
        AgentProfile plan = catalog.Find("plan")!;
        AgentProfile coder = catalog.Find("coder")!;

        foreach (AgentProfile readOnly in new[] { explore, plan })
        {
            Assert.True(readOnly.AllowsTool("Read"));
            Assert.True(readOnly.AllowsTool("Grep"));
            Assert.True(readOnly.AllowsTool("WebSearch"));
            Assert.False(readOnly.AllowsTool("Write"));
            Assert.False(readOnly.AllowsTool("Edit"));
            Assert.False(readOnly.AllowsTool("Bash"));
        }

        Assert.True(coder.AllowsTool("Write"));
        Assert.True(coder.AllowsTool("Bash"));
        Assert.True(coder.AllowsTool("mcp__github__list"));
        Assert.False(coder.AllowsTool("AskUserQuestion"));
        Assert.False(coder.AllowsTool("ExitPlanMode"));
        Assert.Empty(catalog.AllowlistOf(coder)); // built-ins cannot delegate further
        Assert.Equal(["coder", "explore", "plan"], catalog.MainAllowlist);
    }

    [Fact]
    public void Discover_ProjectAndUserFileSameName_ProjectWins()
    {
        Write(Path.Combine(KimiHome, "agents", "reviewer.md"), "---\ndescription: user reviewer\n---\nReview.\n");
        Write(Path.Combine(Project, ".agents", "agents", "team", "reviewer.md"), "---\nname: reviewer\ndescription: project reviewer\n---\nReview harder.\n");

        AgentProfile reviewer = Discover().Find("reviewer")!;

        Assert.Equal("project reviewer", reviewer.Description);
        Assert.Equal(AgentSource.Project, reviewer.Source);
        Assert.Equal("Review harder.", reviewer.Prompt);
    }

    [Fact]
    public void Discover_ExtraFolder_BeatsUserLosesToProject()
    {
        Write(Path.Combine(UserHome, ".agents", "agents", "a.md"), "---\ndescription: user a\n---\nA.\n");
        Write(Path.Combine(UserHome, "team", "a.md"), "---\ndescription: extra a\n---\nA.\n");
        Write(Path.Combine(UserHome, "team", "b.md"), "---\ndescription: extra b\n---\nB.\n");
        Write(Path.Combine(Project, ".kimi-code", "agents", "b.md"), "---\ndescription: project b\n---\nB.\n");

        AgentCatalog catalog = Discover("~/team");

        Assert.Equal("extra a", catalog.Find("a")!.Description);
        Assert.Equal("project b", catalog.Find("b")!.Description);
        Assert.Equal(["coder", "explore", "plan", "a", "b"], catalog.MainAllowlist);
    }

    [Fact]
    public void Discover_BrokenFiles_SkippedWithOneWarningEachNamingTheFile()
    {
        string noDescription = Path.Combine(KimiHome, "agents", "nodesc.md");
        string badName = Path.Combine(KimiHome, "agents", "bad.md");
        string unclosed = Path.Combine(KimiHome, "agents", "unclosed.md");
        string builtInName = Path.Combine(KimiHome, "agents", "explore.md");
        Write(noDescription, "---\nname: nodesc\n---\nBody.\n");
        Write(badName, "---\nname: Bad Name\ndescription: x\n---\nBody.\n");
        Write(unclosed, "---\ndescription: x\nBody.\n");
        Write(builtInName, "---\ndescription: my explore\n---\nBody.\n");
        Write(Path.Combine(KimiHome, "agents", "good.md"), "---\ndescription: fine\n---\nBody.\n");

        AgentCatalog catalog = Discover();

        Assert.NotNull(catalog.Find("good"));
        Assert.Null(catalog.Find("nodesc"));
        Assert.Equal("Fast read-only codebase exploration: finds files, searches code, reads and summarises; never changes anything.", catalog.Find("explore")!.Description);
        Assert.Equal(4, catalog.Warnings.Count);
        Assert.Contains(catalog.Warnings, w => w.StartsWith($"agent {noDescription} skipped: it has no description", StringComparison.Ordinal));
        Assert.Contains(catalog.Warnings, w => w.StartsWith($"agent {badName} skipped: its name \"Bad Name\" is not kebab-case", StringComparison.Ordinal));
        Assert.Contains(catalog.Warnings, w => w.StartsWith($"agent {unclosed} skipped: its front matter has no closing --- line", StringComparison.Ordinal));
        Assert.Contains(catalog.Warnings, w => w.StartsWith($"agent {builtInName} skipped: \"explore\" is a built-in agent; add override: true", StringComparison.Ordinal));
        Assert.All(catalog.Warnings, w => Assert.DoesNotContain('\n', w));
    }

    [Fact]
    public void Discover_OverrideTrue_ReplacesBuiltIn()
    {
        Write(Path.Combine(Project, ".kimi-code", "agents", "coder.md"), "---\ndescription: our coder\noverride: true\ntools: Read, Edit\n---\nCode carefully.\n");

        AgentProfile coder = Discover().Find("coder")!;

        Assert.Equal("our coder", coder.Description);
        Assert.True(coder.AllowsTool("Edit"));
        Assert.False(coder.AllowsTool("Bash"));
    }

    [Theory]
    [InlineData("tools:\n  - Read\n  - mcp__github__*\ndisallowedTools: [Grep]", "Read,mcp__github__issue", "Grep,Bash,mcp__slack__post")]
    [InlineData("tools: Read, Grep\ndisallowedTools: Grep", "Read", "Grep,Write")]
    [InlineData("tools: []", "", "Read,Bash")]
    [InlineData("tools: \"*\"\ndisallowedTools: [Bash]", "Read,Write", "Bash")]
    [InlineData("disallowedTools: [\"*\"]", "Read,Bash", "AskUserQuestion")] // a bare * in the denylist disables nothing
    public void AllowsTool_FileLists_AllowAndDenyAsOfficialClient(string frontMatter, string allowed, string refused)
    {
        Write(Path.Combine(KimiHome, "agents", "x.md"), $"---\ndescription: x\n{frontMatter}\n---\nBody.\n");

        AgentProfile x = Discover().Find("x")!;

        Assert.All(allowed.Split(',', StringSplitOptions.RemoveEmptyEntries), t => Assert.True(x.AllowsTool(t), t));
        Assert.All(refused.Split(',', StringSplitOptions.RemoveEmptyEntries), t => Assert.False(x.AllowsTool(t), t));
    }

    [Fact]
    public void AllowlistOf_FileWithoutSubagents_InheritsBuiltIns_ExplicitListAndStar()
    {
        Write(Path.Combine(KimiHome, "agents", "lead.md"), "---\ndescription: lead\nsubagents: [explore, worker, missing]\n---\nLead.\n");
        Write(Path.Combine(KimiHome, "agents", "worker.md"), "---\ndescription: worker\n---\nWork.\n");
        Write(Path.Combine(KimiHome, "agents", "boss.md"), "---\ndescription: boss\nsubagents: \"*\"\n---\nBoss.\n");

        AgentCatalog catalog = Discover();

        Assert.Equal(["explore", "worker"], catalog.AllowlistOf(catalog.Find("lead")!));
        Assert.Equal(["coder", "explore", "plan"], catalog.AllowlistOf(catalog.Find("worker")!));
        Assert.Equal(catalog.MainAllowlist, catalog.AllowlistOf(catalog.Find("boss")!));
    }
}
