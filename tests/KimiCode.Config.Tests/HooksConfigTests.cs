namespace KimiCode.Config.Tests;

public sealed class HooksConfigTests
{
    [Fact]
    public void Hooks_OfficialFields_ReadInOrderWithDefaults()
    {
        var config = ToolsConfigTests.Load("""
            [[hooks]]
            event = "PreToolUse"
            matcher = "Bash"
            command = "./check.sh"
            timeout = 5

            [[hooks]]
            event = "Notification"
            command = "notify-send done"
            """);

        Assert.Empty(config.Hooks.Warnings);
        Assert.Empty(config.Validate());
        Assert.Collection(
            config.Hooks.Entries,
            e => Assert.Equal(("PreToolUse", "Bash", "./check.sh", 5, 1), (e.Event, e.Matcher, e.Command, e.TimeoutSeconds, e.Line)),
            e => Assert.Equal(("Notification", "", "notify-send done", HooksConfig.DefaultTimeoutSeconds), (e.Event, e.Matcher, e.Command, e.TimeoutSeconds)));
    }

    [Theory]
    [InlineData("event = \"BeforeTool\"\ncommand = \"x\"", "has event \"BeforeTool\", which is not a hook event")]
    [InlineData("command = \"x\"", "has no event")]
    [InlineData("event = \"Stop\"", "(Stop) has no command")]
    [InlineData("event = \"Stop\"\ncommand = \"x\"\ntimeout = 0", "(Stop) has timeout 0; use a whole number of seconds from 1 to 600")]
    [InlineData("event = \"Stop\"\ncommand = \"x\"\ntimeout = 601", "timeout 601")]
    [InlineData("event = \"PreToolUse\"\ncommand = \"x\"\nmatcher = \"(\"", "matcher \"(\", which is not a valid regular expression")]
    [InlineData("event = \"Stop\"\ncommand = \"x\"\ncwd = \"/tmp\"", "has the unknown field \"cwd\"")]
    public void Hooks_BadEntry_SkippedWithOneLineWarningNamingItNeverFatal(string body, string expected)
    {
        var config = ToolsConfigTests.Load($"default_model = \"\"\n\n[[hooks]]\nevent = \"Stop\"\ncommand = \"good\"\n\n[[hooks]]\n{body}\n");

        var warning = Assert.Single(config.Hooks.Warnings);
        Assert.Contains("config.toml:7: [[hooks]] #2 ", warning, StringComparison.Ordinal);
        Assert.Contains(expected, warning, StringComparison.Ordinal);
        Assert.EndsWith("this hook is skipped until you fix it", warning, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', warning);
        Assert.Equal("good", Assert.Single(config.Hooks.Entries).Command);
        Assert.Empty(config.Validate());
    }

    [Fact]
    public void Hooks_NotAnArrayOfTables_WarnsAndReadsNone()
    {
        var config = ToolsConfigTests.Load("hooks = \"PreToolUse\"\n");

        Assert.Empty(config.Hooks.Entries);
        Assert.Contains("hooks must be an array of tables", Assert.Single(config.Hooks.Warnings), StringComparison.Ordinal);
    }

    [Fact]
    public void ExtraSkillDirs_ListOfFolders_Read()
    {
        var config = ToolsConfigTests.Load("extra_skill_dirs = [\"~/team-skills\", \".agents/team-skills\"]\n");

        Assert.Equal(["~/team-skills", ".agents/team-skills"], config.ExtraSkillDirs);
    }
}
