using System.CommandLine;
using KimiCode.Hosting.Accounts;

namespace KimiCode.Cli.Commands;

/// <summary><c>kimi logout</c>: <see cref="KimiAccount.LogOut"/> (the stored login, the managed provider and its models).</summary>
internal static class LogoutCommand
{
    public static Command Create(CliEnvironment env)
    {
        var region = new Option<string>("--region") { Description = "Service region of the login to remove: cn (default) or global.", DefaultValueFactory = _ => "cn" };
        region.AcceptOnlyFromAmong("cn", "global");
        var command = new Command("logout", "Log out of your Kimi account: delete the stored login and the managed provider.") { region };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, async _ =>
        {
            await env.Out.WriteLineAsync(DeviceLoginText.LoggedOut(new KimiAccount(env.Host).LogOut(parse.GetValue(region)))).ConfigureAwait(false);
            return ExitCodes.Success;
        }, ct));
        return command;
    }
}
