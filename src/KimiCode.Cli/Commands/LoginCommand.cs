using System.CommandLine;
using KimiCode.Auth;
using KimiCode.Hosting;
using KimiCode.Config;
using KimiCode.Protocol;
using KimiCode.Provider;

namespace KimiCode.Cli.Commands;

/// <summary><c>kimi login</c>: the OAuth device flow, or <c>--api-key</c>; then records the provider and its models.</summary>
internal static class LoginCommand
{
    private static readonly string[] Platforms = ["kimi-code", "moonshot-cn", "moonshot-ai"];

    public static Command Create(CliEnvironment env)
    {
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the verification URL without opening a browser." };
        var region = new Option<string>("--region") { Description = "Service region: cn (auth.kimi.com, default) or global (auth.kimi.ai).", DefaultValueFactory = _ => "cn" };
        region.AcceptOnlyFromAmong("cn", "global");
        var json = new Option<bool>("--json") { Description = "Print one JSON event per line on stdout (for tools); messages go to stderr." };
        var apiKey = new Option<bool>("--api-key") { Description = "Log in with an API key read from stdin or a hidden prompt (never from the command line)." };
        var platform = new Option<string>("--platform") { Description = "With --api-key: kimi-code (default), moonshot-cn or moonshot-ai.", DefaultValueFactory = _ => "kimi-code" };
        platform.AcceptOnlyFromAmong(Platforms);
        var baseUrl = new Option<string?>("--base-url") { Description = "With --api-key: use this OpenAI-compatible base URL instead of the platform's." };

        var command = new Command("login", "Log in to Kimi Code (device flow in the browser) or with an API key.")
        {
            noBrowser, region, json, apiKey, platform, baseUrl,
        };
        command.SetAction((parse, ct) => GuardedAction.RunAsync(env, token =>
        {
            var options = new LoginOptions(parse.GetValue(noBrowser), parse.GetValue(region), parse.GetValue(json), parse.GetValue(platform)!, parse.GetValue(baseUrl));
            return parse.GetValue(apiKey) ? ApiKeyLoginAsync(env, options, token) : DeviceLoginAsync(env, options, token);
        }, ct));
        return command;
    }

    private sealed record LoginOptions(bool NoBrowser, string? Region, bool Json, string Platform, string? BaseUrl);

    private static async Task<int> DeviceLoginAsync(CliEnvironment env, LoginOptions options, CancellationToken cancellationToken)
    {
        var configStore = new ConfigStore(env.Home, env.GetVariable);
        var config = configStore.LoadEffective(); // a malformed config fails here, before anything is written
        var endpoints = ServiceEndpoints.Resolve(env, options.Region);
        var human = options.Json ? env.Error : env.Out;
        using var factory = new ModelClientFactory(env.Host);
        var login = new DeviceCodeLogin(factory.CreateOAuthClient(endpoints.OAuthHost), env.TimeProvider);
        var indicator = new WaitingIndicator(env);
        OAuthCredential credential;
        try
        {
            credential = await login.RunAsync(e => Report(env, options, human, indicator, e), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            indicator.Clear();
        }

        var store = new CredentialStore(env.Home);
        store.Write(endpoints.Slot, credential);

        var outcome = await ManagedLogin.RecordManagedAsync(factory, configStore, config, endpoints, cancellationToken).ConfigureAwait(false);
        await ReportLoggedInAsync(env, options, human, outcome, store.PathFor(endpoints.Slot)).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> ApiKeyLoginAsync(CliEnvironment env, LoginOptions options, CancellationToken cancellationToken)
    {
        var configStore = new ConfigStore(env.Home, env.GetVariable);
        var config = configStore.LoadEffective();
        var human = options.Json ? env.Error : env.Out;
        var baseUrl = options.BaseUrl ?? options.Platform switch
        {
            "moonshot-cn" => KimiCodeEndpoints.MoonshotCnBaseUrl,
            "moonshot-ai" => KimiCodeEndpoints.MoonshotAiBaseUrl,
            _ => ServiceEndpoints.Resolve(env, options.Region).CodingBaseUrl,
        };
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new KimiCodeException(CliErrorCodes.Usage, $"--base-url \"{baseUrl}\" is not an absolute http(s) URL; pass one like https://api.moonshot.ai/v1.");
        }

        var key = await ReadApiKeyAsync(env, human, cancellationToken).ConfigureAwait(false);
        config.Providers.TryGetValue(options.Platform, out var existing);
        var provider = new ProviderConfig
        {
            Name = options.Platform,
            Type = "kimi",
            ApiKey = key,
            BaseUrl = baseUrl.TrimEnd('/'),
            CustomHeaders = existing?.CustomHeaders ?? new(StringComparer.Ordinal),
            Env = existing?.Env ?? new(StringComparer.Ordinal),
        };
        using var factory = new ModelClientFactory(env.Host);
        var chat = factory.CreateChatClient(config, provider, ConfigStore.DefaultEnvModel, new StaticTokenSource(key));
        LoginOutcome outcome;
        try
        {
            outcome = await ManagedLogin.RecordProviderAsync(configStore, options.Platform, provider, options.Platform + "/", chat, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.Code == ProviderErrorCodes.Auth)
        {
            throw new KimiCodeException(AuthErrorCodes.LoginRequired, $"The API key was rejected by {provider.BaseUrl} (401); check the key and the --platform, then run `kimi login --api-key` again. Nothing was saved.", ex);
        }

        await ReportLoggedInAsync(env, options, human, outcome, env.Home.ConfigFile).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<string> ReadApiKeyAsync(CliEnvironment env, TextWriter human, CancellationToken cancellationToken)
    {
        string? key;
        if (env.InputRedirected)
        {
            key = await env.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }
        else
        {
            await human.WriteAsync("API key (input hidden): ").ConfigureAwait(false);
            await human.FlushAsync(cancellationToken).ConfigureAwait(false);
            key = env.ReadSecret(cancellationToken);
            await human.WriteLineAsync().ConfigureAwait(false);
        }

        key = key?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            throw new KimiCodeException(CliErrorCodes.Usage, "No API key given. Pipe it in (`kimi login --api-key < key.txt`) or type it at the prompt.");
        }

        if (key.Any(c => c < 0x21 || c > 0x7E))
        {
            throw new KimiCodeException(CliErrorCodes.Usage, "The API key contains spaces or non-ASCII characters; paste exactly the key and nothing else.");
        }

        return key;
    }

    private static void Report(CliEnvironment env, LoginOptions options, TextWriter human, WaitingIndicator indicator, DeviceLoginEvent e)
    {
        switch (e)
        {
            case DeviceLoginEvent.CodeIssued issued:
                var auth = issued.Authorization;
                WriteJsonEvent(env, options, "code_issued", w =>
                {
                    w.WriteString("user_code", auth.UserCode);
                    w.WriteString("verification_uri", auth.VerificationUri);
                    w.WriteString("verification_uri_complete", auth.VerificationUriComplete);
                    w.WriteNumber("expires_in", (int)auth.ExpiresIn.TotalSeconds);
                    w.WriteNumber("interval", (int)auth.Interval.TotalSeconds);
                });
                human.WriteLine($"To log in, open {auth.VerificationUriComplete}");
                human.WriteLine($"and confirm the code {auth.UserCode} (valid for {(int)auth.ExpiresIn.TotalMinutes} minutes).");
                if (!options.NoBrowser && !env.OpenBrowser(auth.VerificationUriComplete))
                {
                    human.WriteLine("(No browser could be opened; open the link yourself.)");
                }

                human.Flush();
                indicator.Start();
                break;
            case DeviceLoginEvent.Waiting waiting:
                indicator.Update(waiting.Elapsed);
                WriteJsonEvent(env, options, "waiting", w => w.WriteNumber("elapsed_seconds", (int)waiting.Elapsed.TotalSeconds));
                break;
            case DeviceLoginEvent.SlowedDown slowed:
                WriteJsonEvent(env, options, "slow_down", w => w.WriteNumber("interval", (int)slowed.NewInterval.TotalSeconds));
                break;
            case DeviceLoginEvent.Approved:
                indicator.Clear();
                WriteJsonEvent(env, options, "approved", _ => { });
                break;
        }
    }

    private static void WriteJsonEvent(CliEnvironment env, LoginOptions options, string name, Action<System.Text.Json.Utf8JsonWriter> write)
    {
        if (options.Json)
        {
            env.Out.WriteLine(JsonLines.Format(w =>
            {
                w.WriteString("event", name);
                write(w);
            }));
            env.Out.Flush();
        }
    }

    private static async Task ReportLoggedInAsync(CliEnvironment env, LoginOptions options, TextWriter human, LoginOutcome outcome, string savedTo)
    {
        if (options.Json)
        {
            await JsonLines.WriteAsync(env.Out, w =>
            {
                w.WriteString("event", "logged_in");
                w.WriteString("provider", outcome.Provider);
                w.WriteString("default_model", outcome.DefaultModel);
                w.WriteStartArray("models");
                foreach (var model in outcome.Models)
                {
                    w.WriteStringValue(model);
                }

                w.WriteEndArray();
            }).ConfigureAwait(false);
        }

        await human.WriteLineAsync($"Logged in ({outcome.Provider}). Models: {string.Join(", ", outcome.Models)}.").ConfigureAwait(false);
        await human.WriteLineAsync($"Default model: {outcome.DefaultModel}. Saved to {savedTo}.").ConfigureAwait(false);
    }
}
