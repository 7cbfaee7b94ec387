namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/exit</c> (<c>/quit</c>, <c>/q</c>): leave the shell.</summary>
internal sealed class ExitCommand : IShellCommand
{
    public string Name => "exit";

    public IReadOnlyList<string> Aliases { get; } = ["quit", "q"];

    public string Help => "leave the shell (also Ctrl-D, or Ctrl-C twice)";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken) =>
        Task.FromResult(CommandResult.Exit);
}
