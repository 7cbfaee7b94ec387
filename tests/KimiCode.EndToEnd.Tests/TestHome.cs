using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests;

/// <summary>A temporary KIMI_CODE_HOME wired to an in-process emulator, deleted afterwards.</summary>
internal sealed class TestHome : IAsyncDisposable
{
    public const string Slot = "kimi-code";

    private TestHome(KimiEmulator emulator, string root)
    {
        Emulator = emulator;
        Root = root;
        Environment = new Dictionary<string, string>
        {
            ["KIMI_CODE_OAUTH_HOST"] = emulator.BaseUrl,
            ["KIMI_CODE_BASE_URL"] = emulator.CodingBaseUrl,
        };
    }

    public KimiEmulator Emulator { get; }

    public string Root { get; }

    public Dictionary<string, string> Environment { get; }

    public string ConfigPath => Path.Combine(Root, "config.toml");

    public string CredentialPath => Path.Combine(Root, "credentials", Slot + ".json");

    public static async Task<TestHome> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { PollIntervalSeconds = 1 };
        configure?.Invoke(options);
        var emulator = await KimiEmulator.StartAsync(options, CancellationToken.None);
        var root = Path.Combine(Path.GetTempPath(), "kimi-e2e-" + Guid.NewGuid().ToString("N"));
        Directory.CreateDirectory(root);
        return new TestHome(emulator, root);
    }

    /// <summary>A home whose config has one API-key provider (<c>kimi-code</c>) on the emulator's coding API, plus the text <paramref name="extraConfig"/> makes for the running emulator.</summary>
    public static async Task<TestHome> StartWithApiKeyAsync(string key, Func<KimiEmulator, string>? extraConfig = null)
    {
        var home = await StartAsync(o => o.ApiKeys.Add(key));
        File.WriteAllText(home.ConfigPath, $"""
            default_model = "kimi-code/kimi-for-coding"

            [providers.kimi-code]
            type = "kimi"
            api_key = "{key}"
            base_url = "{home.Emulator.CodingBaseUrl}"

            [models."kimi-code/kimi-for-coding"]
            provider = "kimi-code"
            model = "kimi-for-coding"
            max_context_size = 262144

            {extraConfig?.Invoke(home.Emulator)}
            """);
        return home;
    }

    /// <summary>The folder the agent works in (<c>{Root}/work</c>), with <paramref name="files"/> written into it.</summary>
    public string Workspace(params (string Name, string Text)[] files)
    {
        var work = Path.Combine(Root, "work");
        Directory.CreateDirectory(work);
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(work, name), text);
        }

        return work;
    }

    public Task<ProcessResult> RunAsync(params string[] args) => KimiProcess.RunAsync(Root, Environment, null, args);

    public Task<ProcessResult> RunWithInputAsync(string stdin, params string[] args) => KimiProcess.RunAsync(Root, Environment, stdin, args);

    public RunningKimi Start(params string[] args) => RunningKimi.Start(Root, Environment, args);

    /// <summary>A managed OAuth provider (as after `kimi login`) and a stored credential from the emulator.</summary>
    public IssuedTokens LogInDirectly(TimeSpan? accessTokenLifetime = null)
    {
        var tokens = Emulator.State.IssueTokens(accessTokenLifetime);
        WriteManagedConfig();
        WriteCredential(tokens.AccessToken, tokens.RefreshToken, DateTimeOffset.UtcNow.AddSeconds(tokens.ExpiresIn), tokens.ExpiresIn);
        return tokens;
    }

    public void WriteManagedConfig() => File.WriteAllText(ConfigPath, $"""
        default_model = "kimi-code/kimi-for-coding"

        [providers."managed:kimi-code"]
        type = "kimi"
        api_key = ""
        base_url = "{Emulator.CodingBaseUrl}"

        [providers."managed:kimi-code".oauth]
        storage = "file"
        key = "oauth/{Slot}"
        oauth_host = "{Emulator.BaseUrl}"

        [models."kimi-code/kimi-for-coding"]
        provider = "managed:kimi-code"
        model = "kimi-for-coding"
        max_context_size = 262144
        capabilities = [ "thinking", "tool_use" ]

        """);

    public void WriteCredential(string accessToken, string refreshToken, DateTimeOffset expiresAt, int expiresIn)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(CredentialPath)!);
        File.WriteAllText(CredentialPath, $$"""
            {"access_token":"{{accessToken}}","refresh_token":"{{refreshToken}}","expires_at":{{expiresAt.ToUnixTimeSeconds()}},"scope":"kimi-code","token_type":"Bearer","expires_in":{{expiresIn}}}
            """);
    }

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        try
        {
            Directory.Delete(Root, recursive: true);
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
