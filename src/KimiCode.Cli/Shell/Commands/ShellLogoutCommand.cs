using KimiCode.Cli.Commands;
using KimiCode.Hosting;
using KimiCode.Hosting.Accounts;

namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/logout</c>: <see cref="KimiAccount.LogOut"/>, the same logout as <c>kimi logout</c>; the next prompt starts a new session.</summary>
internal sealed class ShellLogoutCommand : IShellCommand
{
    public string Name => "logout";

    public string ArgumentHint => "[--region global]";

    public string Help => "delete the stored login";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        if (!RegionArgument.TryParse(arguments, out var region, out var problem))
        {
            context.Renderer.WriteError(CliErrorCodes.Usage, problem);
            return CommandResult.Continue;
        }

        using var writer = new ScreenWriter(context.Screen);
        var account = new KimiAccount(context.Environment.Host);
        var outcome = await context.RunBusyAsync("Logging out", _ => Task.FromResult(account.LogOut(region)), cancellationToken).ConfigureAwait(false);
        if (outcome.Result is { } loggedOut)
        {
            await writer.WriteLineAsync(DeviceLoginText.LoggedOut(loggedOut)).ConfigureAwait(false);
            context.Factory.Reload();
            context.Session = null;
            context.ModelAlias = null;
        }

        writer.Complete();
        return outcome.Exit ? CommandResult.Exit : CommandResult.Continue;
    }
}
