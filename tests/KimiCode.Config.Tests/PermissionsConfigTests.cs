namespace KimiCode.Config.Tests;

/// <summary>The official permission keys (<c>[[permission.rules]]</c>, <c>default_permission_mode</c>, <c>default_plan_mode</c>) and ours.</summary>
public sealed class PermissionsConfigTests
{
    private static KimiConfig Load(string toml)
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null);
        File.WriteAllText(store.Home.ConfigFile, toml);
        return store.Load();
    }

    [Fact]
    public void Load_OfficialRules_KeptInFileOrderWithScopeReasonAndLine()
    {
        var config = Load("""
            default_permission_mode = "yolo"
            default_plan_mode = true

            [[permission.rules]]
            decision = "allow"
            pattern = "Read"

            [[permission.rules]]
            decision = "deny"
            pattern = "Bash(rm -rf*)"
            scope = "project"
            reason = "never wipe"
            """);

        Assert.Empty(config.Validate());
        Assert.Equal("yolo", config.Permissions.DefaultPermissionMode);
        Assert.True(config.Permissions.DefaultPlanMode);
        Assert.Collection(config.Permissions.Rules,
            r => Assert.Equal(("allow", "Read", "user", (string?)null), (r.Decision, r.Pattern, r.Scope, r.Reason)),
            r => Assert.Equal(("deny", "Bash(rm -rf*)", "project", "never wipe"), (r.Decision, r.Pattern, r.Scope, r.Reason)));
        Assert.EndsWith("config.toml:8", config.Permissions.Rules[1].Location, StringComparison.Ordinal);
        Assert.Null(config.Permissions.Notice);
    }

    [Fact]
    public void Load_OfficialOlderToolMatchLists_BecomeRulesAfterTheRuleArray()
    {
        var config = Load("""
            [permission]
            deny = [ { tool = "Bash", match = "rm*" } ]
            allow = [ { tool = "Read" } ]

            [[permission.rules]]
            decision = "ask"
            pattern = "Edit"
            """);

        Assert.Empty(config.Validate());
        Assert.Equal(["ask Edit", "deny Bash(rm*)", "allow Read"], config.Permissions.Rules.Select(r => $"{r.Decision} {r.Pattern}"));
    }

    [Theory]
    [InlineData("default_permission_mode = \"ask\"\n", "config.toml:1: default_permission_mode is \"ask\"; use \"manual\" (ask before edits and commands), \"yolo\" (approve tool actions) or \"auto\" (never ask)")]
    [InlineData("default_permission_mode = 1\n", "config.toml:1: default_permission_mode is the number 1; use \"manual\"")]
    [InlineData("\ndefault_plan_mode = \"yes\"\n", "config.toml:2: default_plan_mode is \"yes\"; use true or false")]
    [InlineData("[[permission.rules]]\ndecision = \"maybe\"\npattern = \"Read\"\n", "config.toml:1: [[permission.rules]] decision is \"maybe\"; use \"allow\", \"deny\" or \"ask\"")]
    [InlineData("[[permission.rules]]\npattern = \"Read\"\n", "config.toml:1: [[permission.rules]] decision is missing; use \"allow\", \"deny\" or \"ask\"")]
    [InlineData("\n[[permission.rules]]\ndecision = \"deny\"\n", "config.toml:2: [[permission.rules]] pattern is missing; write Tool or Tool(arg-pattern)")]
    [InlineData("[[permission.rules]]\ndecision = \"deny\"\npattern = \"Bash(rm\"\n", "config.toml:1: [[permission.rules]] pattern is \"Bash(rm\" (it has '(' without a closing ')'); write Tool or Tool(arg-pattern)")]
    [InlineData("[[permission.rules]]\ndecision = \"deny\"\npattern = \"(x)\"\n", "(the tool name before '(' is missing)")]
    [InlineData("[[permission.rules]]\ndecision = \"deny\"\npattern = \"Read\"\nscope = \"global\"\n", "config.toml:1: [[permission.rules]] scope is \"global\"; use \"user\" (the default), \"project\", \"session-runtime\" or \"turn-override\"")]
    [InlineData("[[permission.rules]]\ndecision = \"deny\"\npattern = \"Read\"\nreason = 3\n", "[[permission.rules]] reason is the number 3; use a string or leave it out")]
    [InlineData("permission = 3\n", "config.toml:1: permission must be a table of [[permission.rules]] entries")]
    [InlineData("[permission]\nrules = [ \"Read\" ]\n", "config.toml:1: [[permission.rules]] has \"Read\" where a rule table belongs")]
    [InlineData("[permissions]\nmode = \"ask\"\n", "config.toml:2: [permissions] mode is \"ask\"; use \"default\", \"accept-edits\", \"yolo\", \"auto\" or \"plan\"")]
    [InlineData("[permissions]\n\ndeny = [ \"Read(.env)\", 3 ]\n", "config.toml:3: [permissions] deny must be a list of rules as strings")]
    [InlineData("[permissions]\nallow = \"Read\"\n", "config.toml:2: [permissions] allow must be a list of rules as strings")]
    public void Validate_BadPermissionValue_OneLineNamingKeyLineAndAllowedValues(string toml, string expected)
    {
        var config = Load(toml);

        var problem = Assert.Single(config.Validate());
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
        Assert.Empty(config.Permissions.Rules);
    }

    [Fact]
    public void Load_BothOfficialAndOurTable_NoticeSaysWhichWins()
    {
        var config = Load("""
            default_permission_mode = "manual"

            [permissions]
            mode = "yolo"
            deny = [ "Read(.env)" ]
            """);

        Assert.Empty(config.Validate());
        Assert.Equal("yolo", config.Permissions.Mode);
        Assert.Equal(["Read(.env)"], config.Permissions.Deny);
        Assert.Contains("default_permission_mode wins over [permissions] mode", config.Permissions.Notice, StringComparison.Ordinal);
        Assert.Contains("the rules of both apply", config.Permissions.Notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Edit_FileWithHandWrittenRules_RulesAndCommentsKeptByteForByte()
    {
        const string rules = """
            # my rules, in the order I want them
            [[permission.rules]]
            decision = "deny"   # never
            pattern = 'Bash(rm -rf*)'

            [[permission.rules]]
            decision = "allow"
            pattern = "Read"
            """;
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null);
        File.WriteAllText(store.Home.ConfigFile, "default_permission_mode = \"auto\"\n\n[thinking]\nenabled = true\n\n" + rules + "\n");

        store.SetThinking(false);
        store.SetDefaultModel("kimi-code/kimi-for-coding");

        var text = File.ReadAllText(store.Home.ConfigFile);
        Assert.Contains(rules + "\n", text, StringComparison.Ordinal);
        Assert.StartsWith("default_permission_mode = \"auto\"\n", text, StringComparison.Ordinal);
        Assert.Equal(["deny Bash(rm -rf*)", "allow Read"], store.Load().Permissions.Rules.Select(r => $"{r.Decision} {r.Pattern}"));
    }

    [Fact]
    public void Load_OnlyOurTable_NoNotice()
    {
        var config = Load("[permissions]\nmode = \"yolo\"\n");

        Assert.Null(config.Permissions.Notice);
        Assert.Empty(config.Permissions.Rules);
    }
}
