using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests;

/// <summary>A temporary KIMI_CODE_HOME wired to an in-process emulator, deleted afterwards.</summary>
internal sealed class TestHome : IAsyncDisposable
{
    public const string Slot = HomeFiles.ManagedSlot;

    private readonly TempFolder _folder;

    // Outside KIMI_CODE_HOME, as a user's project is: kimi treats every write inside its data folder as sensitive.
    private readonly TempFolder _work = new("kimi-e2e-work");

    private TestHome(KimiEmulator emulator, TempFolder folder)
    {
        Emulator = emulator;
        _folder = folder;
        Environment = new Dictionary<string, string>
        {
            ["KIMI_CODE_OAUTH_HOST"] = emulator.BaseUrl,
            ["KIMI_CODE_BASE_URL"] = emulator.CodingBaseUrl,
        };
    }

    public KimiEmulator Emulator { get; }

    public string Root => _folder.Path;

    public Dictionary<string, string> Environment { get; }

    public string ConfigPath => HomeFiles.ConfigPath(Root);

    public string CredentialPath => HomeFiles.CredentialPath(Root, Slot);

    public static async Task<TestHome> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { PollIntervalSeconds = 1 };
        configure?.Invoke(options);
        var emulator = await KimiEmulator.StartAsync(options, CancellationToken.None);
        return new TestHome(emulator, new TempFolder("kimi-e2e"));
    }

    /// <summary>A home whose config has one API-key provider (<c>kimi-code</c>) on the emulator's coding API, plus the text <paramref name="extraConfig"/> makes for the running emulator.</summary>
    public static async Task<TestHome> StartWithApiKeyAsync(string key, Func<KimiEmulator, string>? extraConfig = null)
    {
        var home = await StartAsync(o => o.ApiKeys.Add(key));
        HomeFiles.WriteConfig(
            home.Root,
            HomeFiles.DefaultModel("kimi-code/kimi-for-coding"),
            HomeFiles.ApiKeyProvider("kimi-code", key, home.Emulator.CodingBaseUrl),
            HomeFiles.Model("kimi-code/kimi-for-coding", "kimi-code", "kimi-for-coding", 262144),
            extraConfig?.Invoke(home.Emulator) ?? "");
        return home;
    }

    /// <summary>The folder the agent works in (a temporary folder beside the home), with <paramref name="files"/> written into it.</summary>
    public string Workspace(params (string Name, string Text)[] files)
    {
        var work = _work.Folder("work");
        foreach (var (name, text) in files)
        {
            File.WriteAllText(Path.Combine(work, name), text);
        }

        return work;
    }

    public Task<ProcessResult> RunAsync(params string[] args) => KimiProcess.RunAsync(Root, Environment, null, args);

    public Task<ProcessResult> RunWithInputAsync(string stdin, params string[] args) => KimiProcess.RunAsync(Root, Environment, stdin, args);

    public RunningKimi Start(params string[] args) => KimiProcess.Start(Root, Environment, args);

    /// <summary>A managed OAuth provider (as after `kimi login`) and a stored credential from the emulator.</summary>
    public IssuedTokens LogInDirectly(TimeSpan? accessTokenLifetime = null)
    {
        var tokens = Emulator.State.IssueTokens(accessTokenLifetime);
        WriteManagedConfig();
        WriteCredential(tokens.AccessToken, tokens.RefreshToken, DateTimeOffset.UtcNow.AddSeconds(tokens.ExpiresIn), tokens.ExpiresIn);
        return tokens;
    }

    public void WriteManagedConfig() => HomeFiles.WriteConfig(Root, HomeFiles.ManagedOAuthConfig(Emulator.CodingBaseUrl, Emulator.BaseUrl));

    public void WriteCredential(string accessToken, string refreshToken, DateTimeOffset expiresAt, int expiresIn) =>
        HomeFiles.WriteOAuthCredential(Root, accessToken, refreshToken, expiresAt, expiresIn, Slot);

    public async ValueTask DisposeAsync()
    {
        await Emulator.DisposeAsync();
        _folder.Dispose();
        _work.Dispose();
    }
}
