using Spectre.Console;

namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/help</c>: every registered command, then the keys.</summary>
internal sealed class HelpCommand : IShellCommand
{
    public string Name => "help";

    public IReadOnlyList<string> Aliases { get; } = ["?", "h"];

    public string Help => "this list";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var screen = context.Screen;
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var command in context.Commands.All)
        {
            grid.AddRow(new Text(CommandSet.Usage(command), ShellStyles.Key), new Text(command.Help));
        }

        screen.Line("Commands", ShellStyles.Bold);
        screen.Write(grid);
        screen.Gap();
        screen.Line("Keys", ShellStyles.Bold);
        var keys = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Key(string key, string does) => keys.AddRow(new Text(key, ShellStyles.Key), new Text(does));
        Key("Enter", "send the prompt");
        Key("Ctrl-J, Alt-Enter, \\ Enter", "new line");
        Key("Up / Down", "earlier prompts (kept across sessions)");
        Key("Tab", "complete a /command");
        Key("Ctrl-C", "cancel the running turn or clear the line; twice within 2 s exits");
        Key("Ctrl-T", "show or hide thinking");
        Key("Ctrl-D", "exit (on an empty line)");
        screen.Write(keys);
        return Task.FromResult(CommandResult.Continue);
    }
}
