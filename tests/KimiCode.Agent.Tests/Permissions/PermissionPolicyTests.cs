using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.Tools;
using KimiCode.Agent.Tools;
using KimiCode.Config;
using KimiCode.Protocol;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.PermissionTests;

/// <summary>A call as the policy sees it; it is never run.</summary>
internal sealed class StubCall : PreparedToolCall
{
    public override Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken)
        => throw new InvalidOperationException("The policy never runs calls.");
}

public sealed class PermissionPolicyTests
{
    private const string Work = "/work/project";

    private static StubCall Call(PermissionAction action, string subject = "", params string[] locations) => new()
    {
        Title = "t",
        Kind = ToolKind.Other,
        Action = action,
        Subject = subject,
        Locations = locations,
    };

    private static StubCall FileCall(PermissionAction action, string relative) => Call(action, relative, Path.Combine(Work, relative));

    private static StubCall Command(string command) => Call(PermissionAction.Execute, command);

    private static PermissionPolicy Policy(PermissionMode mode, params PermissionRule[] rules) => new(mode, rules, Work, ["/work/shared"]);

    private static PermissionRule Allow(string text) => PermissionRule.Parse(text, PermissionDecision.Allow);

    private static PermissionRule Ask(string text) => PermissionRule.Parse(text, PermissionDecision.Ask);

    private static PermissionRule Deny(string text) => PermissionRule.Parse(text, PermissionDecision.Deny);

    [Theory]
    [InlineData(PermissionMode.Default, PermissionAction.None, PermissionDecision.Allow)]
    [InlineData(PermissionMode.Default, PermissionAction.Read, PermissionDecision.Allow)]
    [InlineData(PermissionMode.Default, PermissionAction.Edit, PermissionDecision.Ask)]
    [InlineData(PermissionMode.Default, PermissionAction.Execute, PermissionDecision.Ask)]
    [InlineData(PermissionMode.AcceptEdits, PermissionAction.None, PermissionDecision.Allow)]
    [InlineData(PermissionMode.AcceptEdits, PermissionAction.Read, PermissionDecision.Allow)]
    [InlineData(PermissionMode.AcceptEdits, PermissionAction.Edit, PermissionDecision.Allow)]
    [InlineData(PermissionMode.AcceptEdits, PermissionAction.Execute, PermissionDecision.Ask)]
    [InlineData(PermissionMode.Yolo, PermissionAction.None, PermissionDecision.Allow)]
    [InlineData(PermissionMode.Yolo, PermissionAction.Read, PermissionDecision.Allow)]
    [InlineData(PermissionMode.Yolo, PermissionAction.Edit, PermissionDecision.Allow)]
    [InlineData(PermissionMode.Yolo, PermissionAction.Execute, PermissionDecision.Allow)]
    [InlineData(PermissionMode.Plan, PermissionAction.None, PermissionDecision.Allow)]
    [InlineData(PermissionMode.Plan, PermissionAction.Read, PermissionDecision.Allow)]
    [InlineData(PermissionMode.Plan, PermissionAction.Edit, PermissionDecision.Deny)]
    [InlineData(PermissionMode.Plan, PermissionAction.Execute, PermissionDecision.Deny)]
    public void Evaluate_ModeAndAction_GivesModeDefault(PermissionMode mode, PermissionAction action, PermissionDecision expected)
    {
        var call = action == PermissionAction.Execute ? Command("make") : FileCall(action, "src/a.cs");

        var verdict = Policy(mode).Evaluate(action == PermissionAction.Execute ? "Bash" : "Edit", call);

        Assert.Equal(expected, verdict.Decision);
        if (mode == PermissionMode.Plan && expected == PermissionDecision.Deny)
        {
            Assert.Equal("plan mode is read-only", verdict.Reason);
        }
    }

    [Fact]
    public void Evaluate_DenyBeatsAskBeatsAllow()
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash(git *)"), Ask("Bash(git push*)"), Deny("Bash(git push --force*)"));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("git status")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git push origin main")).Decision);
        var denied = policy.Evaluate("Bash", Command("git push --force origin main"));
        Assert.Equal(PermissionDecision.Deny, denied.Decision);
        Assert.Contains("Bash(git push --force*)", denied.Reason);
    }

    [Fact]
    public void Evaluate_DenyRuleInYolo_StillDenies()
    {
        var policy = Policy(PermissionMode.Yolo, Deny("Read(.env)"));

        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Read", FileCall(PermissionAction.Read, ".env")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Read", FileCall(PermissionAction.Read, "config/.env")).Decision);
    }

    [Fact]
    public void Evaluate_AskRuleInYolo_Asks()
    {
        var policy = Policy(PermissionMode.Yolo, Ask("Bash(rm *)"));

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("rm -rf build")).Decision);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("ls")).Decision);
    }

    [Fact]
    public void Evaluate_AllowRule_AllowsOverModeDefault()
    {
        var policy = Policy(PermissionMode.Default, Allow("Edit(src/**)"), Allow("Bash(npm run test:*)"));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Edit", FileCall(PermissionAction.Edit, "src/deep/a.cs")).Decision);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Write", FileCall(PermissionAction.Edit, "src/new.cs")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Edit", FileCall(PermissionAction.Edit, "tests/a.cs")).Decision);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("npm run test -- --watch=false")).Decision);
    }

    [Fact]
    public void Evaluate_AllowedPrefixChainedWithOtherCommand_StillAsks()
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash(git status*)"), Allow("Bash(ls*)"));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("git status && ls -la")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git status && rm -rf ~")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git status; curl x | sh")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git status $(rm -rf ~)")).Decision);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("git status 'a && b'")).Decision);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("git status 2>&1")).Decision);
    }

    [Fact]
    public void Evaluate_DenyRuleMatchingAnyChainedPart_Denies()
    {
        var policy = Policy(PermissionMode.Yolo, Deny("Bash(rm *)"));

        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Bash", Command("echo hi && rm -rf /")).Decision);
    }

    [Fact]
    public void Evaluate_WriteOutsideWorkspace_AlwaysAsksEvenInYoloWithAllowRuleAndGrant()
    {
        var policy = Policy(PermissionMode.Yolo, Allow("Edit"), Allow("Write(/etc/**)"));
        var outside = Call(PermissionAction.Edit, "/etc/hosts", "/etc/hosts");
        policy.GrantForSession("Write", outside);

        var verdict = policy.Evaluate("Write", outside);

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.Contains("/etc/hosts", verdict.Reason);
        policy.Mode = PermissionMode.AcceptEdits;
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Edit", outside).Decision);
    }

    [Fact]
    public void Evaluate_WriteOutsideWorkspace_DeniedByDenyRuleAndInPlanMode()
    {
        var outside = Call(PermissionAction.Edit, "/etc/hosts", "/etc/hosts");

        Assert.Equal(PermissionDecision.Deny, Policy(PermissionMode.Yolo, Deny("Edit(/etc/**)")).Evaluate("Edit", outside).Decision);
        Assert.Equal(PermissionDecision.Deny, Policy(PermissionMode.Plan).Evaluate("Edit", outside).Decision);
    }

    [Fact]
    public void Evaluate_WriteInAdditionalDirectory_FollowsModeLikeWorkspace()
    {
        var policy = Policy(PermissionMode.AcceptEdits);

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Edit", Call(PermissionAction.Edit, "/work/shared/a.txt", "/work/shared/a.txt")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Edit", Call(PermissionAction.Edit, "/work/sharedother/a.txt", "/work/sharedother/a.txt")).Decision);
    }

    [Fact]
    public void Evaluate_ReadOutsideWorkspace_AsksExceptInYoloAndAllowRuleCovers()
    {
        var outside = Call(PermissionAction.Read, "/etc/passwd", "/etc/passwd");

        Assert.Equal(PermissionDecision.Ask, Policy(PermissionMode.Default).Evaluate("Read", outside).Decision);
        Assert.Equal(PermissionDecision.Ask, Policy(PermissionMode.Plan).Evaluate("Read", outside).Decision);
        Assert.Equal(PermissionDecision.Allow, Policy(PermissionMode.Yolo).Evaluate("Read", outside).Decision);
        Assert.Equal(PermissionDecision.Allow, Policy(PermissionMode.Default, Allow("Read(/etc/**)")).Evaluate("Read", outside).Decision);
    }

    [Fact]
    public void Evaluate_PlanMode_IgnoresAllowRulesForEditsAndCommands()
    {
        var policy = Policy(PermissionMode.Plan, Allow("Edit"), Allow("Bash"));

        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Edit", FileCall(PermissionAction.Edit, "a.txt")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Bash", Command("ls")).Decision);
    }

    [Fact]
    public void Evaluate_ReadRule_CoversGrepAndGlob()
    {
        var policy = Policy(PermissionMode.Yolo, Deny("Read(secrets)"));

        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Grep", FileCall(PermissionAction.Read, "secrets")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Read", FileCall(PermissionAction.Read, "secrets/key.pem")).Decision);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Glob", FileCall(PermissionAction.Read, "src")).Decision);
    }

    [Fact]
    public void GrantForSession_Bash_CoversOnlyThatExactCommand()
    {
        var policy = Policy(PermissionMode.Default);

        policy.GrantForSession("Bash", Command("npm test"));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("npm test")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("npm test && rm -rf /")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("npm install")).Decision);
    }

    [Fact]
    public void GrantForSession_Edit_CoversAllWorkspaceEditsButNotOutside()
    {
        var policy = Policy(PermissionMode.Default);

        policy.GrantForSession("Edit", FileCall(PermissionAction.Edit, "a.txt"));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Write", FileCall(PermissionAction.Edit, "other/b.txt")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Write", Call(PermissionAction.Edit, "/tmp/x", "/tmp/x")).Decision);
    }

    [Fact]
    public void GrantForSession_OtherTool_CoversThatTool()
    {
        var policy = Policy(PermissionMode.Default);
        var outsideRead = Call(PermissionAction.Read, "/opt/lib", "/opt/lib");

        policy.GrantForSession("Grep", outsideRead);

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Grep", Call(PermissionAction.Read, "/usr/include", "/usr/include")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Read", outsideRead).Decision);
    }

    [Fact]
    public void GrantForSession_AskRule_StillAsks()
    {
        var policy = Policy(PermissionMode.Default, Ask("Bash(git push*)"));

        policy.GrantForSession("Bash", Command("git push"));

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command("git push")).Decision);
    }

    [Fact]
    public void Evaluate_RealToolCallWithSymlinkOutOfWorkspace_AsksForWrite()
    {
        using var workspace = new ToolTestWorkspace();
        var outsideDirectory = Path.Combine(workspace.Root, "outside");
        Directory.CreateDirectory(outsideDirectory);
        Directory.CreateSymbolicLink(workspace.PathOf("escape"), outsideDirectory);
        var policy = new PermissionPolicy(PermissionMode.AcceptEdits, [], workspace.WorkingDirectory, []);

        var call = new WriteTool().PrepareOk(Args(("file_path", "escape/x.txt"), ("content", "x")), workspace.Context);
        var inside = new WriteTool().PrepareOk(Args(("file_path", "src/x.txt"), ("content", "x")), workspace.Context);

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Write", call).Decision);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Write", inside).Decision);
    }

    [Fact]
    public void FromConfig_ModeAndRules_BuildsPolicy()
    {
        var config = new PermissionsConfig
        {
            Mode = "accept-edits",
            Allow = ["Bash(git status*)"],
            Ask = ["Edit(docs/**)"],
            Deny = ["Read(*.pem)"],
        };

        var policy = PermissionPolicy.FromConfig(config, Work, []);

        Assert.Equal(PermissionMode.AcceptEdits, policy.Mode);
        Assert.Equal(3, policy.Rules.Count);
        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("git status -s")).Decision);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Edit", FileCall(PermissionAction.Edit, "docs/a.md")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Read", FileCall(PermissionAction.Read, "keys/server.pem")).Decision);
    }

    [Theory]
    [InlineData(null, PermissionMode.Default)]
    [InlineData("default", PermissionMode.Default)]
    [InlineData("accept-edits", PermissionMode.AcceptEdits)]
    [InlineData("YOLO", PermissionMode.Yolo)]
    [InlineData("plan", PermissionMode.Plan)]
    public void ParseMode_KnownNames_Parse(string? text, PermissionMode expected)
    {
        Assert.Equal(expected, PermissionPolicy.ParseMode(text));
    }

    [Fact]
    public void FromConfig_BadMode_ThrowsOneLineErrorWithCode()
    {
        var error = Assert.Throws<KimiCodeException>(() => PermissionPolicy.FromConfig(new PermissionsConfig { Mode = "bypass" }, Work, []));

        Assert.Equal("config.invalid_permission_rule", error.Code);
        Assert.Contains("'bypass'", error.Message);
        Assert.Contains("accept-edits", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public void FromConfig_BadRule_ThrowsOneLineErrorNamingRule()
    {
        var error = Assert.Throws<KimiCodeException>(() => PermissionPolicy.FromConfig(new PermissionsConfig { Allow = ["Bash(git status"] }, Work, []));

        Assert.Equal("config.invalid_permission_rule", error.Code);
        Assert.Contains("'Bash(git status'", error.Message);
        Assert.DoesNotContain('\n', error.Message);
    }
}

public sealed class PermissionRuleTests
{
    private static StubCall Path(string subject) => new() { Title = "t", Kind = ToolKind.Edit, Action = PermissionAction.Edit, Subject = subject };

    private static StubCall Command(string command) => new() { Title = "t", Kind = ToolKind.Execute, Action = PermissionAction.Execute, Subject = command };

    [Theory]
    [InlineData("Bash", "Bash", null)]
    [InlineData("Bash(git status*)", "Bash", "git status*")]
    [InlineData("  Edit( src/** )  ", "Edit", "src/**")]
    [InlineData("Read()", "Read", null)]
    [InlineData("Bash(*)", "Bash", null)]
    [InlineData("Bash(echo (hi))", "Bash", "echo (hi)")]
    [InlineData("mcp__github__create_issue", "mcp__github__create_issue", null)]
    public void Parse_ValidRule_SplitsToolAndPattern(string text, string tool, string? pattern)
    {
        var rule = PermissionRule.Parse(text, PermissionDecision.Allow);

        Assert.Equal(tool, rule.ToolName);
        Assert.Equal(pattern, rule.Pattern);
        Assert.Equal(PermissionDecision.Allow, rule.Decision);
    }

    [Theory]
    [InlineData("", "empty")]
    [InlineData("Bash(git", "must end with ')'")]
    [InlineData("(src/**)", "tool name")]
    [InlineData("Bash git)", "')' without '('")]
    [InlineData("Ba sh", "not a tool name")]
    [InlineData("Edit(src/[ab)", "unclosed '['")]
    [InlineData("Read({a,b)", "unclosed '{'")]
    public void Parse_InvalidRule_ThrowsWithCodeAndReason(string text, string reason)
    {
        var error = Assert.Throws<KimiCodeException>(() => PermissionRule.Parse(text, PermissionDecision.Deny));

        Assert.Equal(ConfigErrorCodes.InvalidPermissionRule, error.Code);
        Assert.Contains(reason, error.Message);
        Assert.Contains("Bash(git status*)", error.Message);
    }

    [Theory]
    [InlineData("Edit(src/**)", "src/a/b.cs", true)]
    [InlineData("Edit(src/**)", "lib/a.cs", false)]
    [InlineData("Edit(src/*.cs)", "src/a.cs", true)]
    [InlineData("Edit(src/*.cs)", "src/a/b.cs", false)]
    [InlineData("Edit(*.md)", "docs/deep/readme.md", true)]
    [InlineData("Edit(./docs)", "docs/a.md", true)]
    [InlineData("Edit(docs)", "docs/a.md", true)]
    [InlineData("Edit(docs)", "/elsewhere/docs/a.md", false)]
    [InlineData("Edit(/etc/**)", "/etc/hosts", true)]
    [InlineData("Edit(//etc/*)", "/etc/hosts", true)]
    [InlineData("Edit(/etc/**)", "etc/hosts", false)]
    [InlineData("Edit(**)", "any/thing", true)]
    public void Matches_FileRule_UsesPathGlobs(string rule, string subject, bool expected)
    {
        Assert.Equal(expected, PermissionRule.Parse(rule, PermissionDecision.Deny).Matches("Edit", Path(subject)));
    }

    [Theory]
    [InlineData("Edit(src/**)", "Write", true)]
    [InlineData("Edit(src/**)", "MultiEdit", true)]
    [InlineData("Write(src/**)", "Edit", false)]
    [InlineData("Read(src/**)", "Grep", true)]
    [InlineData("Read(src/**)", "Edit", false)]
    [InlineData("Bash", "bash", false)]
    public void Matches_ToolFamilies_FollowClaudeCode(string rule, string tool, bool expected)
    {
        Assert.Equal(expected, PermissionRule.Parse(rule, PermissionDecision.Deny).Matches(tool, Path("src/a.cs")));
    }

    [Theory]
    [InlineData("Bash(git status*)", "git status", true)]
    [InlineData("Bash(git status*)", "git status --short", true)]
    [InlineData("Bash(git status*)", "git stash", false)]
    [InlineData("Bash(npm run test:*)", "npm run test:unit", true)]
    [InlineData("Bash(npm test)", "npm test", true)]
    [InlineData("Bash(npm test)", "npm test --watch", false)]
    [InlineData("Bash(ls *)", "cat x", false)]
    [InlineData("Bash(ls */bin/*)", "ls /usr/bin/x", true)]
    public void Matches_BashRule_StarMatchesAnything(string rule, string command, bool expected)
    {
        Assert.Equal(expected, PermissionRule.Parse(rule, PermissionDecision.Allow).Matches("Bash", Command(command)));
    }
}
