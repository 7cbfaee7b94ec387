namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/new</c>: the next prompt starts a new session; the current one stays on disk.</summary>
internal sealed class NewCommand : IShellCommand
{
    public string Name => "new";

    public string Help => "start a new session";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var previous = context.Session?.Id;
        context.Session = null;
        context.Screen.Line(previous is null
            ? "New session: it starts with your next prompt."
            : $"New session: it starts with your next prompt. (The previous one, {previous}, can be resumed with /resume.)");
        return Task.FromResult(CommandResult.Continue);
    }
}
