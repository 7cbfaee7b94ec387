using KimiCode.Auth;
using KimiCode.Config;

namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/model [alias]</c>: pick one of the models in config.toml (or name it); the conversation goes on with it.</summary>
internal sealed class ModelCommand : IShellCommand
{
    public string Name => "model";

    public string ArgumentHint => "[alias]";

    public string Help => "list the configured models, or switch to one";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        context.Factory.Reload();
        var models = context.Factory.Config.Models;
        if (models.Count == 0)
        {
            context.Renderer.WriteError(ConfigErrorCodes.NoModels, "No models are configured. Type /login (or run `kimi login --api-key`) to add some.");
            return CommandResult.Continue;
        }

        var aliases = models.Keys.ToList();
        string? alias;
        if (arguments.Length == 0)
        {
            var currentModel = context.CurrentModel;
            var current = Math.Max(0, aliases.IndexOf(currentModel ?? string.Empty));
            var picker = new Picker("Switch to which model?", aliases.Select(a => a == currentModel ? a + "  (current)" : a).ToList(), current);
            var (chosen, exit) = await context.PickAsync(picker, cancellationToken).ConfigureAwait(false);
            if (exit)
            {
                return CommandResult.Exit;
            }

            if (chosen is null)
            {
                context.Screen.Line("Model unchanged.", ShellStyles.Dim);
                return CommandResult.Continue;
            }

            alias = aliases[chosen.Value];
        }
        else
        {
            alias = aliases.FirstOrDefault(a => a == arguments)
                ?? aliases.FirstOrDefault(a => models[a].Model == arguments || a.EndsWith("/" + arguments, StringComparison.Ordinal));
            if (alias is null)
            {
                context.Renderer.WriteError(ConfigErrorCodes.UnknownModel, $"No model \"{arguments}\" in config.toml; the configured ones are: {string.Join(", ", aliases)}.");
                return CommandResult.Continue;
            }
        }

        var credential = context.Factory.Resolve(alias);
        if (!credential.IsUsable)
        {
            context.Renderer.WriteError(AuthErrorCodes.LoginRequired, credential.Problem ?? $"No usable credential for {alias}. Type /login.");
            return CommandResult.Continue;
        }

        context.ModelAlias = alias;
        await context.ReopenAsync(cancellationToken).ConfigureAwait(false);
        context.Screen.Line($"Model: {alias}" + (context.Session is null ? string.Empty : " (the conversation goes on with it)"), ShellStyles.Good);
        return CommandResult.Continue;
    }
}
