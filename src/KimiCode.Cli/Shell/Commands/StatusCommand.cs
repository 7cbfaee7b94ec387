using System.Globalization;
using KimiCode.Auth;
using KimiCode.Hosting;
using Spectre.Console;

namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/status</c>: model, mode, session, folder, context use, the kind of credential (never the secret) and thinking.</summary>
internal sealed class StatusCommand : IShellCommand
{
    public string Name => "status";

    public string Help => "model, mode, session, context use and login";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var credential = context.Factory.Resolve(context.ModelAlias);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name, ShellStyles.Dim), new Text(value));
        var model = credential.Model;
        var current = context.CurrentModel;
        Row("Model", current is null ? "none configured" : model?.Model is { } wire && wire != current ? $"{current} ({wire})" : current);
        Row("Mode", ShellContext.ModeName(context.Mode));
        Row("Session", context.Session?.Id ?? "new (starts with your next prompt)");
        Row("Directory", context.WorkDir);
        var window = model?.MaxContextSize ?? 262_144;
        var used = context.Session?.EstimatedContextTokens ?? 0;
        Row("Context", $"{Tokens(used)} of {Tokens(window)} tokens ({Math.Round(100.0 * used / Math.Max(1, window), 1).ToString(CultureInfo.InvariantCulture)}%)");
        Row("Login", credential.IsUsable ? CredentialText(credential, context.Environment.TimeProvider) : $"not usable: {credential.Problem}");
        Row("Instructions", context.Factory.LoadInstructions(context.WorkDir).Summary());
        Row("Thinking", (context.Thinking ?? context.Factory.Config.Thinking.Enabled) switch
        {
            true => "on",
            false => "off",
            null => "the model's default",
        } + (context.ShowThinking ? "; shown in full" : "; collapsed (/thinking shows it)"));
        context.Screen.Write(grid);
        return Task.FromResult(CommandResult.Continue);
    }

    private static string CredentialText(ResolvedCredential credential, TimeProvider time)
    {
        var provider = credential.Provider?.Name ?? "?";
        return credential.Kind switch
        {
            CredentialKind.OAuth => credential.ExpiresAt is { } expires
                ? $"Kimi account (OAuth, provider {provider}); access token {(expires > time.GetUtcNow() ? "valid for " + TurnRenderer.Elapsed(expires - time.GetUtcNow()) : "expired, refreshed on the next request")}"
                : $"Kimi account (OAuth, provider {provider})",
            CredentialKind.ApiKey => $"API key in config.toml (provider {provider})",
            CredentialKind.ProviderEnv => $"API key from the provider's env table (provider {provider})",
            CredentialKind.Environment => "API key from KIMI_API_KEY",
            _ => "none",
        };
    }

    internal static string Tokens(long tokens) => tokens >= 1000
        ? (tokens / 1000.0).ToString(tokens >= 100_000 ? "0" : "0.0", CultureInfo.InvariantCulture) + "k"
        : tokens.ToString(CultureInfo.InvariantCulture);
}
