using System.CommandLine;
using KimiCode.Auth;
using KimiCode.Hosting.Accounts;

namespace KimiCode.Cli.Commands;

/// <summary><c>kimi auth status</c> and <c>kimi auth import</c>.</summary>
internal static class AuthCommand
{
    public static Command Create(CliEnvironment env)
    {
        var command = new Command("auth", "Inspect and manage credentials.");
        command.Subcommands.Add(CreateStatus(env));
        command.Subcommands.Add(CreateImport(env));
        return command;
    }

    private static Command CreateStatus(CliEnvironment env)
    {
        var json = new Option<bool>("--json") { Description = "Print the status as one JSON object." };
        var command = new Command("status", "Show every provider, how it authenticates, whether it is usable and when its token expires. Never prints a secret.") { json };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => StatusAsync(env, parse.GetValue(json), token), ct));
        return command;
    }

    private static async Task<int> StatusAsync(CliEnvironment env, bool json, CancellationToken cancellationToken)
    {
        var status = new KimiAccount(env.Host).Status();
        var forDefault = status.ForDefault;
        var now = env.TimeProvider.GetUtcNow();
        if (json)
        {
            await JsonLines.WriteAsync(env.Out, w =>
            {
                w.WriteString("home", status.Home);
                if (status.DefaultModel is { } defaultModel)
                {
                    w.WriteString("default_model", defaultModel);
                }
                else
                {
                    w.WriteNull("default_model");
                }

                w.WriteBoolean("usable", forDefault.IsUsable);
                if (forDefault.Problem is { } problem)
                {
                    w.WriteString("problem", problem);
                }

                w.WriteStartArray("providers");
                foreach (var (entry, models) in status.Providers)
                {
                    w.WriteStartObject();
                    w.WriteString("name", entry.Provider!.Name);
                    w.WriteString("type", entry.Provider.Type ?? "kimi");
                    w.WriteString("kind", KindName(entry.Kind));
                    w.WriteString("base_url", entry.Provider.BaseUrl);
                    w.WriteBoolean("usable", entry.IsUsable);
                    w.WriteBoolean("default", entry.Provider.Name == forDefault.Provider?.Name);
                    if (entry.ExpiresAt is { } expires)
                    {
                        w.WriteString("expires_at", expires.ToString("O"));
                        w.WriteBoolean("expired", expires <= now);
                    }

                    if (entry.Problem is { } p)
                    {
                        w.WriteString("problem", p);
                    }

                    w.WriteStartArray("models");
                    foreach (var model in models)
                    {
                        w.WriteStringValue(model);
                    }

                    w.WriteEndArray();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
            return forDefault.IsUsable ? ExitCodes.Success : ExitCodes.Failure;
        }

        var output = env.Out;
        await output.WriteLineAsync($"Data folder: {status.Home}").ConfigureAwait(false);
        await output.WriteLineAsync($"Default model: {status.DefaultModel ?? "(none)"}").ConfigureAwait(false);
        if (status.Providers.Count == 0)
        {
            await output.WriteLineAsync("No providers. Run `kimi login` (Kimi account) or `kimi login --api-key`, or set KIMI_API_KEY.").ConfigureAwait(false);
            return ExitCodes.Failure;
        }

        foreach (var (entry, _) in status.Providers)
        {
            var provider = entry.Provider!;
            var marker = provider.Name == forDefault.Provider?.Name ? "*" : " ";
            var state = entry.IsUsable ? "usable" : "NOT usable";
            var expiry = entry.ExpiresAt is { } expires
                ? expires <= now ? $", access token expired {Ago(now - expires)} (refreshes on next use)" : $", access token valid for {Ago(expires - now)}"
                : string.Empty;
            await output.WriteLineAsync($"{marker} {provider.Name}: {KindLabel(entry.Kind)}, {state}{expiry} ({provider.BaseUrl})").ConfigureAwait(false);
            if (entry.Problem is { } problem)
            {
                await output.WriteLineAsync($"    {problem}").ConfigureAwait(false);
            }
        }

        if (!forDefault.IsUsable)
        {
            await output.WriteLineAsync(forDefault.Problem).ConfigureAwait(false);
        }

        return forDefault.IsUsable ? ExitCodes.Success : ExitCodes.Failure;
    }

    private static Command CreateImport(CliEnvironment env)
    {
        var from = new Option<string?>("--from") { Description = "The Python kimi-cli data folder (default ~/.kimi)." };
        var command = new Command("import", "Adopt the login of the Python kimi-cli (~/.kimi/credentials/kimi-code.json), under its lock.") { from };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token => ImportAsync(env, parse.GetValue(from), token), ct));
        return command;
    }

    private static async Task<int> ImportAsync(CliEnvironment env, string? from, CancellationToken cancellationToken)
    {
        var (imported, login) = await new KimiAccount(env.Host).ImportPythonLoginAsync(from, cancellationToken).ConfigureAwait(false);
        await env.Out.WriteLineAsync($"Imported the kimi-cli login from {imported.SourcePath} into {imported.DestinationPath}.").ConfigureAwait(false);
        await env.Out.WriteLineAsync($"Models: {string.Join(", ", login.Models)}. Default model: {login.DefaultModel}.").ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static string KindName(CredentialKind kind) => kind switch
    {
        CredentialKind.OAuth => "oauth",
        CredentialKind.ApiKey => "api_key",
        CredentialKind.ProviderEnv => "provider_env",
        CredentialKind.Environment => "env",
        _ => "none",
    };

    private static string KindLabel(CredentialKind kind) => kind switch
    {
        CredentialKind.OAuth => "OAuth login",
        CredentialKind.ApiKey => "API key (config)",
        CredentialKind.ProviderEnv => "API key (provider env)",
        CredentialKind.Environment => "API key (KIMI_API_KEY)",
        _ => "no credential",
    };

    private static string Ago(TimeSpan span) => span.TotalHours >= 1 ? $"{(int)span.TotalHours}h {span.Minutes}m" : span.TotalMinutes >= 1 ? $"{(int)span.TotalMinutes}m" : $"{Math.Max(0, (int)span.TotalSeconds)}s";
}
