using KimiCode.Agent.Prompts;

namespace KimiCode.Agent.Tests.Loop;

public sealed class SystemPromptTests : IDisposable
{
    private readonly TempFolder _temp = new("kimi-prompt-tests");

    private string Root => _temp.Path;

    [Fact]
    public void Build_InRepository_IncludesAgentsFilesFromRootToWorkingDirectory()
    {
        string repo = Path.Combine(Root, "repo");
        string sub = Path.Combine(repo, "src");
        string cwd = Path.Combine(sub, "app");
        Directory.CreateDirectory(cwd);
        Directory.CreateDirectory(Path.Combine(repo, ".git"));
        File.WriteAllText(Path.Combine(Root, "AGENTS.md"), "OUTSIDE THE REPO");
        File.WriteAllText(Path.Combine(repo, "AGENTS.md"), "ROOT RULES");
        File.WriteAllText(Path.Combine(sub, "AGENTS.md"), "SRC RULES");
        File.WriteAllText(Path.Combine(cwd, "AGENTS.md"), "APP RULES");

        IReadOnlyList<AgentsFile> files = AgentsFile.Discover(cwd);
        string prompt = SystemPrompt.Build(cwd, "Linux 6.1 (X64)", new DateOnly(2026, 3, 1), files);

        Assert.Equal([Path.Combine(repo, "AGENTS.md"), Path.Combine(sub, "AGENTS.md"), Path.Combine(cwd, "AGENTS.md")], files.Select(f => f.Path));
        int root = prompt.IndexOf("ROOT RULES", StringComparison.Ordinal);
        int src = prompt.IndexOf("SRC RULES", StringComparison.Ordinal);
        int app = prompt.IndexOf("APP RULES", StringComparison.Ordinal);
        Assert.True(root > 0 && src > root && app > src);
        Assert.Contains("## " + Path.Combine(sub, "AGENTS.md") + "\n\nSRC RULES", prompt, StringComparison.Ordinal);
        Assert.DoesNotContain("OUTSIDE THE REPO", prompt, StringComparison.Ordinal);
        Assert.Contains("Working directory: " + cwd, prompt, StringComparison.Ordinal);
        Assert.Contains("Linux 6.1 (X64)", prompt, StringComparison.Ordinal);
        Assert.Contains("2026-03-01", prompt, StringComparison.Ordinal);
        Assert.Contains("old_string", prompt, StringComparison.Ordinal);
        Assert.Contains("Glob", prompt, StringComparison.Ordinal);
        Assert.Contains("Read a file before you edit it", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_OutsideRepository_OnlyWorkingDirectoryFile()
    {
        string parent = Path.Combine(Root, "plain");
        string cwd = Path.Combine(parent, "child");
        Directory.CreateDirectory(cwd);
        File.WriteAllText(Path.Combine(parent, "AGENTS.md"), "PARENT");
        File.WriteAllText(Path.Combine(cwd, "AGENTS.md"), "CHILD");

        IReadOnlyList<AgentsFile> files = AgentsFile.Discover(cwd);

        AgentsFile only = Assert.Single(files);
        Assert.Equal("CHILD", only.Content);
    }

    [Fact]
    public void Build_NoAgentsFiles_HasNoProjectSection()
    {
        string prompt = SystemPrompt.Build(Root, "Linux", new DateOnly(2026, 1, 2), []);

        Assert.DoesNotContain("AGENTS.md", prompt, StringComparison.Ordinal);
        Assert.Contains("coding agent", prompt, StringComparison.Ordinal);
    }

    [Fact]
    public void Discover_GitFileInsteadOfFolder_CountsAsRepositoryRoot()
    {
        string worktree = Path.Combine(Root, "worktree");
        string cwd = Path.Combine(worktree, "lib");
        Directory.CreateDirectory(cwd);
        File.WriteAllText(Path.Combine(worktree, ".git"), "gitdir: /elsewhere");
        File.WriteAllText(Path.Combine(worktree, "AGENTS.md"), "TOP");

        Assert.Equal(["TOP"], AgentsFile.Discover(cwd).Select(f => f.Content));
    }

    public void Dispose() => _temp.Dispose();
}
