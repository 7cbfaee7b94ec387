using KimiCode.Auth;
using KimiCode.Cli.Commands;
using KimiCode.Hosting;
using KimiCode.Hosting.Accounts;

namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/login</c>: the device flow of <see cref="KimiAccount"/> in the shell; then the current session goes on with the new login.</summary>
internal sealed class ShellLoginCommand : IShellCommand
{
    public string Name => "login";

    public string ArgumentHint => "[--region global]";

    public string Help => "log in with your Kimi account (device flow in the browser)";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        if (arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries).Contains("--api-key"))
        {
            context.Renderer.WriteError(CliErrorCodes.Usage, "An API key cannot be typed in the shell; run `kimi login --api-key` in a terminal instead.");
            return CommandResult.Continue;
        }

        if (!RegionArgument.TryParse(arguments, out var region, out var problem))
        {
            context.Renderer.WriteError(CliErrorCodes.Usage, problem);
            return CommandResult.Continue;
        }

        using var writer = new ScreenWriter(context.Screen);
        var env = context.Environment;
        var outcome = await context.RunBusyAsync("Waiting for the login (approve it in the browser)", async token =>
        {
            var login = await new KimiAccount(env.Host).LogInWithDeviceAsync(
                region,
                e =>
                {
                    if (e is DeviceLoginEvent.CodeIssued issued)
                    {
                        DeviceLoginText.WriteCode(writer, issued.Authorization, env.OpenBrowser);
                    }
                },
                token).ConfigureAwait(false);
            await DeviceLoginText.WriteLoggedInAsync(writer, login).ConfigureAwait(false);
            return login;
        }, cancellationToken).ConfigureAwait(false);
        writer.Complete();
        if (outcome.Result is not null)
        {
            context.Factory.Reload();
            context.ModelAlias = context.ModelAlias is { } alias && context.Factory.Config.Models.ContainsKey(alias) ? alias : null;
            await context.ReopenAsync(cancellationToken).ConfigureAwait(false);
        }

        return outcome.Exit ? CommandResult.Exit : CommandResult.Continue;
    }
}
