namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/thinking</c>: shows thinking in full (and the last turn's again), or collapses it; Ctrl-T does the same.</summary>
internal sealed class ThinkingCommand : IShellCommand
{
    public string Name => "thinking";

    public string Help => "show thinking in full, or collapse it to one line (also Ctrl-T)";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        context.ToggleThinking();
        return Task.FromResult(CommandResult.Continue);
    }
}
