using KimiCode.Emulator;

/// <summary>
/// The data folders the scenarios use: an API-key home on the emulator (no login, no refresh), an OAuth home
/// for the refresh storm, and a workspace. Deleted on dispose.
/// </summary>
internal sealed class BenchHome : IDisposable
{
    private readonly KimiEmulator emulator;

    public BenchHome(KimiEmulator emulator)
    {
        this.emulator = emulator;
        Directory.CreateDirectory(ApiKeyHome);
        Directory.CreateDirectory(OAuthHome);
        Directory.CreateDirectory(Workspace);
        File.WriteAllText(Path.Combine(ApiKeyHome, "config.toml"), $"""
            default_model = "bench/kimi-for-coding"

            [providers.bench]
            type = "kimi"
            base_url = "{emulator.CodingBaseUrl}"
            api_key = "sk-bench"

            [models."bench/kimi-for-coding"]
            provider = "bench"
            model = "kimi-for-coding"
            max_context_size = 262144
            """);
        // As after `kimi login`: the managed provider with its credential in the file store.
        File.WriteAllText(Path.Combine(OAuthHome, "config.toml"), $"""
            default_model = "kimi-code/kimi-for-coding"

            [providers."managed:kimi-code"]
            type = "kimi"
            api_key = ""
            base_url = "{emulator.CodingBaseUrl}"

            [providers."managed:kimi-code".oauth]
            storage = "file"
            key = "oauth/kimi-code"
            oauth_host = "{emulator.BaseUrl}"

            [models."kimi-code/kimi-for-coding"]
            provider = "managed:kimi-code"
            model = "kimi-for-coding"
            max_context_size = 262144
            """);
    }

    public string Root { get; } = Path.Combine(Path.GetTempPath(), "kimi-bench-" + Guid.NewGuid().ToString("N"));

    public string ApiKeyHome => Path.Combine(Root, "home");

    public string OAuthHome => Path.Combine(Root, "oauth-home");

    public string Workspace => Path.Combine(Root, "work");

    public int RefreshCount => emulator.State.RefreshCount;

    /// <summary>A fresh token pair that is due for refresh (60 s left, under the 300 s threshold).</summary>
    public void StoreExpiringCredential()
    {
        var tokens = emulator.State.IssueTokens(TimeSpan.FromSeconds(60));
        string path = Path.Combine(OAuthHome, "credentials", "kimi-code.json");
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, $$"""
            {"access_token":"{{tokens.AccessToken}}","refresh_token":"{{tokens.RefreshToken}}","expires_at":{{DateTimeOffset.UtcNow.AddSeconds(60).ToUnixTimeSeconds()}},"scope":"kimi-code","token_type":"Bearer","expires_in":60}
            """);
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

    public void Dispose() => Directory.Delete(Root, recursive: true);
}
