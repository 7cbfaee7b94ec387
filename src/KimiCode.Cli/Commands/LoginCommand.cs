using System.CommandLine;
using KimiCode.Auth;
using KimiCode.Hosting.Accounts;

namespace KimiCode.Cli.Commands;

/// <summary><c>kimi login</c>: the OAuth device flow, or <c>--api-key</c>; then records the provider and its models.</summary>
internal static class LoginCommand
{
    public static Command Create(CliEnvironment env)
    {
        var noBrowser = new Option<bool>("--no-browser") { Description = "Print the verification URL without opening a browser." };
        var region = new Option<string>("--region") { Description = "Service region: cn (auth.kimi.com, default) or global (auth.kimi.ai).", DefaultValueFactory = _ => "cn" };
        region.AcceptOnlyFromAmong("cn", "global");
        var json = new Option<bool>("--json") { Description = "Print one JSON event per line on stdout (for tools); messages go to stderr." };
        var apiKey = new Option<bool>("--api-key") { Description = "Log in with an API key read from stdin or a hidden prompt (never from the command line)." };
        var platform = new Option<string>("--platform") { Description = "With --api-key: kimi-code (default), moonshot-cn or moonshot-ai.", DefaultValueFactory = _ => "kimi-code" };
        platform.AcceptOnlyFromAmong([.. KimiAccount.ApiKeyPlatforms]);
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
        var human = options.Json ? env.Error : env.Out;
        var indicator = new WaitingIndicator(env);
        LoginOutcome outcome;
        try
        {
            outcome = await new KimiAccount(env.Host).LogInWithDeviceAsync(options.Region, e => Report(env, options, human, indicator, e), cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            indicator.Clear();
        }

        await ReportLoggedInAsync(env, options, human, outcome).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<int> ApiKeyLoginAsync(CliEnvironment env, LoginOptions options, CancellationToken cancellationToken)
    {
        var human = options.Json ? env.Error : env.Out;
        var outcome = await new KimiAccount(env.Host).LogInWithApiKeyAsync(
            options.Platform, options.BaseUrl, options.Region, token => ReadApiKeyAsync(env, human, token), cancellationToken).ConfigureAwait(false);
        await ReportLoggedInAsync(env, options, human, outcome).ConfigureAwait(false);
        return ExitCodes.Success;
    }

    private static async Task<string?> ReadApiKeyAsync(CliEnvironment env, TextWriter human, CancellationToken cancellationToken)
    {
        if (env.InputRedirected)
        {
            return await env.In.ReadLineAsync(cancellationToken).ConfigureAwait(false);
        }

        await human.WriteAsync("API key (input hidden): ").ConfigureAwait(false);
        await human.FlushAsync(cancellationToken).ConfigureAwait(false);
        var key = env.ReadSecret(cancellationToken);
        await human.WriteLineAsync().ConfigureAwait(false);
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
                DeviceLoginText.WriteCode(human, auth, options.NoBrowser ? null : env.OpenBrowser);
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

    private static async Task ReportLoggedInAsync(CliEnvironment env, LoginOptions options, TextWriter human, LoginOutcome outcome)
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

        await DeviceLoginText.WriteLoggedInAsync(human, outcome).ConfigureAwait(false);
    }
}
