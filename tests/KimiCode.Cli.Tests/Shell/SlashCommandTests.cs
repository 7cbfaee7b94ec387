using KimiCode.Cli.Shell;

namespace KimiCode.Cli.Tests.Shell;

public sealed class SlashCommandTests
{
    [Theory]
    [InlineData("/help", "help", "")]
    [InlineData("  /model   kimi-code/kimi-for-coding  ", "model", "kimi-code/kimi-for-coding")]
    [InlineData("/resume 2", "resume", "2")]
    [InlineData("/EXIT", "exit", "")]
    [InlineData("/quit", "exit", "")]
    [InlineData("/q", "exit", "")]
    [InlineData("/?", "help", "")]
    [InlineData("/login --region global", "login", "--region global")]
    public void TryParse_Commands_NameAndArguments(string input, string name, string arguments)
    {
        Assert.True(SlashCommand.TryParse(input, out var command));
        Assert.Equal(name, command!.Name);
        Assert.Equal(arguments, command.Arguments);
        Assert.True(command.IsKnown);
    }

    [Theory]
    [InlineData("/usr/bin/env is broken")]
    [InlineData("/tmp/x.txt")]
    [InlineData("hello /help")]
    [InlineData("/")]
    [InlineData("")]
    [InlineData("// comment")]
    public void TryParse_PathsAndProse_AreNotCommands(string input)
    {
        Assert.False(SlashCommand.TryParse(input, out var command));
        Assert.Null(command);
    }

    [Fact]
    public void TryParse_UnknownName_ParsedButNotKnown()
    {
        Assert.True(SlashCommand.TryParse("/frobnicate now", out var command));
        Assert.Equal("frobnicate", command!.Name);
        Assert.False(command.IsKnown);
    }

    [Fact]
    public void All_CoversEveryRequiredCommand()
    {
        string[] required = ["help", "login", "logout", "model", "status", "sessions", "resume", "new", "compact", "yolo", "plan", "clear", "exit"];

        Assert.All(required, name => Assert.Contains(SlashCommand.All, c => c.Name == name));
    }
}
