namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/logout</c>: <c>kimi logout</c> in the shell; the next prompt starts a new session.</summary>
internal sealed class ShellLogoutCommand : IShellCommand
{
    public string Name => "logout";

    public string Help => "delete the stored login";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var (code, exit) = await CommandLineInShell.RunAsync(
            context, "Logging out", Cli.Commands.LogoutCommand.Create, "logout", arguments, cancellationToken).ConfigureAwait(false);
        if (code == ExitCodes.Success)
        {
            context.Factory.Reload();
            context.Session = null;
            context.ModelAlias = null;
        }

        return exit ? CommandResult.Exit : CommandResult.Continue;
    }
}
