namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/login</c>: <c>kimi login</c>'s device flow in the shell; then the current session goes on with the new login.</summary>
internal sealed class ShellLoginCommand : IShellCommand
{
    public string Name => "login";

    public string ArgumentHint => "[--region global]";

    public string Help => "log in with your Kimi account (device flow in the browser)";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var (code, exit) = await CommandLineInShell.RunAsync(
            context, "Waiting for the login (approve it in the browser)", Cli.Commands.LoginCommand.Create, "login", arguments, cancellationToken).ConfigureAwait(false);
        if (code == ExitCodes.Success)
        {
            context.Factory.Reload();
            context.ModelAlias = context.ModelAlias is { } alias && context.Factory.Config.Models.ContainsKey(alias) ? alias : null;
            await context.ReopenAsync(cancellationToken).ConfigureAwait(false);
        }

        return exit ? CommandResult.Exit : CommandResult.Continue;
    }
}
