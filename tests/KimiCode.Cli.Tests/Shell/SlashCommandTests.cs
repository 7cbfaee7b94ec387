using KimiCode.Cli.Shell;
using KimiCode.Cli.Shell.Commands;

namespace KimiCode.Cli.Tests.Shell;

public sealed class SlashCommandTests
{
    private readonly CommandSet _commands = CommandSet.CreateBuiltIn();

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
        Assert.True(_commands.TryParse(input, out var line));
        var command = _commands.Find(line.Name);
        Assert.NotNull(command);
        Assert.Equal(name, command.Name);
        Assert.Equal(arguments, line.Arguments);
    }

    [Theory]
    [InlineData("/usr/bin/env is broken")]
    [InlineData("/tmp/x.txt")]
    [InlineData("hello /help")]
    [InlineData("/")]
    [InlineData("")]
    [InlineData("// comment")]
    [InlineData("/note: remember this")]
    public void TryParse_PathsAndProse_AreNotCommands(string input)
    {
        Assert.False(_commands.TryParse(input, out var line));
        Assert.Null(line);
    }

    [Fact]
    public void TryParse_UnknownName_ParsedButNotKnown()
    {
        Assert.True(_commands.TryParse("/frobnicate now", out var line));
        Assert.Equal("frobnicate", line.Name);
        Assert.Null(_commands.Find(line.Name));
    }

    [Fact]
    public void All_CoversEveryRequiredCommand()
    {
        string[] required = ["help", "login", "logout", "model", "status", "sessions", "resume", "new", "compact", "yolo", "plan", "clear", "exit"];

        Assert.All(required, name => Assert.Contains(_commands.All, c => c.Name == name));
    }

    [Fact]
    public void Add_AtRunTime_IsFoundParsedAndCompletedWithAColonInItsName()
    {
        _commands.Add(new EchoCommand("skill:review"));

        Assert.True(_commands.TryParse("/skill:review the diff", out var line));
        Assert.Equal("the diff", line.Arguments);
        Assert.Equal("skill:review", _commands.Find(line.Name)!.Name);
        Assert.Equal("/skill:review", _commands.Completions()[^1]);
        Assert.Equal("/skill:review <what>", CommandSet.Usage(_commands.All[^1]));
    }

    [Theory]
    [InlineData("model")]
    [InlineData("quit")]
    public void Add_NameOrAliasTaken_Throws(string name)
    {
        Assert.Throws<InvalidOperationException>(() => _commands.Add(new EchoCommand(name)));
    }

    /// <summary>A command added at run time: writes its arguments.</summary>
    internal sealed class EchoCommand(string name) : IShellCommand
    {
        public string Name => name;

        public string ArgumentHint => "<what>";

        public string Help => "say what follows";

        public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
        {
            context.Screen.Line($"{name} says {arguments}");
            return Task.FromResult(CommandResult.Continue);
        }
    }
}
