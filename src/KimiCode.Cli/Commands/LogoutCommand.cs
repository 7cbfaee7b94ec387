using System.CommandLine;
using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Config.Toml;

namespace KimiCode.Cli.Commands;

/// <summary><c>kimi logout</c>: removes the OAuth credential slot and the managed provider with its models.</summary>
internal static class LogoutCommand
{
    public static Command Create(CliEnvironment env)
    {
        var region = new Option<string>("--region") { Description = "Service region of the login to remove: cn (default) or global.", DefaultValueFactory = _ => "cn" };
        region.AcceptOnlyFromAmong("cn", "global");
        var command = new Command("logout", "Log out of your Kimi account: delete the stored login and the managed provider.") { region };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, _ => Task.FromResult(Run(env, parse.GetValue(region))), ct));
        return command;
    }

    private static int Run(CliEnvironment env, string? region)
    {
        var configStore = new ConfigStore(env.Home, env.GetVariable);
        var config = configStore.Load();
        var slots = new HashSet<string>(StringComparer.Ordinal) { ServiceEndpoints.Resolve(env, region).Slot };
        if (config.Providers.TryGetValue(ConfigStore.ManagedProviderName, out var managed) && CredentialResolver.SlotOf(managed.OAuth?.Key) is { } configured)
        {
            slots.Add(configured);
        }

        var store = new CredentialStore(env.Home);
        var deleted = slots.Count(store.Delete);
        var removedProvider = false;
        if (managed is not null)
        {
            configStore.Update(editor =>
            {
                removedProvider = editor.RemoveTable(["providers", ConfigStore.ManagedProviderName]);
                var removedModels = ConfigEdits.RemoveModelsOf(editor, ConfigStore.ManagedProviderName);
                if (editor.Document.TryGet<string>("default_model", out var defaultModel) && removedModels.Contains(defaultModel))
                {
                    editor.Remove(["default_model"]);
                }
            });
        }

        env.Out.WriteLine(deleted > 0 || removedProvider
            ? "Logged out of Kimi Code. Run `kimi login` to sign in again."
            : "Not logged in to Kimi Code; nothing to remove.");
        return ExitCodes.Success;
    }
}
