using KimiCode.Emulator;

/// <summary>
/// The emulator and the data folders the scenarios use, each made by `kimi login` itself (so the bench never
/// restates the config or credential formats): an API-key home (no refresh), an OAuth home from the device
/// flow for the refresh storm, and a workspace. Deleted on dispose.
/// </summary>
internal sealed class BenchHome : IAsyncDisposable
{
    private static readonly TimeSpan LongLifetime = TimeSpan.FromSeconds(900);

    // Read by the emulator at every token it issues, so the storm can log in with a token already due for refresh.
    private readonly EmulatorOptions options = new() { AutoApprove = true, PollIntervalSeconds = 1, AccessTokenLifetime = LongLifetime };
    private readonly Command kimi;
    private KimiEmulator emulator = null!;

    private BenchHome(Command kimi)
    {
        this.kimi = kimi;
        Directory.CreateDirectory(ApiKeyHome);
        Directory.CreateDirectory(OAuthHome);
        Directory.CreateDirectory(Workspace);
    }

    public static async Task<BenchHome> StartAsync(Command kimi, CancellationToken cancellationToken)
    {
        var bench = new BenchHome(kimi);
        bench.emulator = await KimiEmulator.StartAsync(bench.options, cancellationToken);
        bench.emulator.State.AddApiKey("sk-bench");
        bench.OAuthEnvironment = new Dictionary<string, string>
        {
            ["KIMI_CODE_OAUTH_HOST"] = bench.emulator.BaseUrl,
            ["KIMI_CODE_BASE_URL"] = bench.emulator.CodingBaseUrl,
        };
        await bench.LoginAsync(bench.ApiKeyHome, "sk-bench\n", cancellationToken, "login", "--api-key", "--base-url", bench.emulator.CodingBaseUrl);
        return bench;
    }

    /// <summary>
    /// Logs the OAuth home in afresh with a 60 s access token (under the 300 s refresh threshold); the rotated
    /// tokens live 900 s, so a correct storm refreshes exactly once.
    /// </summary>
    public async Task LogInDueForRefreshAsync(CancellationToken cancellationToken)
    {
        options.AccessTokenLifetime = TimeSpan.FromSeconds(60);
        try
        {
            await LoginAsync(OAuthHome, null, cancellationToken, "login", "--no-browser");
        }
        finally
        {
            options.AccessTokenLifetime = LongLifetime;
        }
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "kimi-bench-" + Guid.NewGuid().ToString("N"));

    public string ApiKeyHome => Path.Combine(Root, "home");

    public string OAuthHome => Path.Combine(Root, "oauth-home");

    /// <summary>The OAuth home's service endpoints (the emulator), as `kimi login` was given them.</summary>
    public IReadOnlyDictionary<string, string> OAuthEnvironment { get; private set; } = new Dictionary<string, string>();

    public string Workspace => Path.Combine(Root, "work");

    public int RefreshCount => emulator.State.RefreshCount;

    private async Task LoginAsync(string home, string? stdin, CancellationToken cancellationToken, params string[] args)
    {
        Command login = kimi with { Environment = new Dictionary<string, string>(kimi.Environment.Concat(OAuthEnvironment)) };
        (int exit, string output, string error) = await OneShot.RunAsync(login.StartInfo(home, args), cancellationToken, stdin);
        if (exit != 0)
        {
            throw new InvalidOperationException($"kimi {string.Join(' ', args)} failed ({exit}): {output}{error}");
        }
    }

    /// <summary>
    /// Grows the session file of <paramref name="sessionId"/> (written by the agent itself, so header and place
    /// are real) to about <paramref name="bytes"/> with user/assistant exchanges in the same record format.
    /// </summary>
    public void GrowSession(string sessionId, long bytes)
    {
        string file = Directory.GetFiles(Path.Combine(ApiKeyHome, "sessions"), "context.jsonl", SearchOption.AllDirectories)
            .Single(f => Path.GetFileName(Path.GetDirectoryName(f)) == sessionId);
        string text = string.Concat(Enumerable.Repeat("The quick brown fox reads the file and edits line 42. ", 40));
        using var writer = new StreamWriter(file, append: true);
        for (int turn = 0; writer.BaseStream.Position < bytes; turn++)
        {
            string time = DateTimeOffset.UtcNow.ToString("O");
            writer.WriteLine($$$"""{"type":"message","time":"{{{time}}}","message":{"role":"user","contents":[{"type":"text","text":"question {{{turn}}}: {{{text}}}"}]}}""");
            writer.WriteLine($$$"""{"type":"message","time":"{{{time}}}","message":{"role":"assistant","contents":[{"type":"thinking","text":"{{{text}}}"},{"type":"text","text":"answer {{{turn}}}: {{{text}}}"}]}}""");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await emulator.DisposeAsync();
        Directory.Delete(Root, recursive: true);
    }
}
