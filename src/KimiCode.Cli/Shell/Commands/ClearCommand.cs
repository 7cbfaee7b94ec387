namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/clear</c>: clears the screen; the conversation goes on.</summary>
internal sealed class ClearCommand : IShellCommand
{
    public string Name => "clear";

    public string Help => "clear the screen (the conversation goes on)";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        context.Screen.ClearScreen();
        return Task.FromResult(CommandResult.Continue);
    }
}
