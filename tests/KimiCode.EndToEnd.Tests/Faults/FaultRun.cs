using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using System.Text.Json;
using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests.Faults;

/// <summary>
/// One row of the network fault matrix (docs/reliability.md): a home logged in to an in-process emulator with short
/// timeouts and 3 attempts per step in config.toml, a fault queued, one `kimi -p`, then the checks every row shares.
/// </summary>
internal sealed class FaultRun : IAsyncDisposable
{
    public const int Attempts = 3;

    /// <summary>Every network timeout of the test config, in seconds.</summary>
    public const double TimeoutSeconds = 1;

    /// <summary>The most a row may wait between its attempts (two backoffs), unless the row says otherwise.</summary>
    public static readonly TimeSpan Backoff = TimeSpan.FromSeconds(2);

    /// <summary>5 s of slack plus up to 5 s for a dotnet child process to start on a busy two-core machine: catches a hang, not slowness.</summary>
    public static readonly TimeSpan Slack = TimeSpan.FromSeconds(10);

    /// <summary>The <c>[loop_control]</c> and <c>[network]</c> settings every row runs with (the official keys; no hidden test knobs).</summary>
    public const string ShortSettings = """
        [loop_control]
        max_attempts_per_step = 3

        [network]
        connect_timeout_s = 1
        headers_timeout_s = 1
        stream_idle_timeout_s = 1
        retry_max_seconds = 30
        retry_after_max_s = 5
        token_timeout_s = 1
        """;

    private const string ChatPath = "/coding/v1/chat/completions";

    private FaultRun(TestHome home, string work)
    {
        Home = home;
        Work = work;
        CredentialBefore = File.ReadAllBytes(home.CredentialPath);
    }

    public TestHome Home { get; }

    public KimiEmulator Emulator => Home.Emulator;

    /// <summary>The folder `kimi -p` works in; its session is the one the follow-up run continues.</summary>
    public string Work { get; }

    public byte[] CredentialBefore { get; }

    public int ChatRequests => Emulator.State.Requests.Count(r => r.Path == ChatPath);

    public int TokenRequests => Emulator.State.Requests.Count(r => r.Path == "/api/oauth/token");

    public IReadOnlyList<DateTimeOffset> ChatRequestTimes => Emulator.State.Requests.Where(r => r.Path == ChatPath).Select(r => r.Timestamp).ToList();

    /// <summary>
    /// A logged-in home. The access token lives <paramref name="accessTokenLifetime"/> (default 15 min: no refresh is due);
    /// with <paramref name="expired"/> the stored access token expired 10 s ago, so the run must refresh first.
    /// </summary>
    public static async Task<FaultRun> StartAsync(TimeSpan? accessTokenLifetime = null, bool expired = false)
    {
        var home = await TestHome.StartAsync();
        var lifetime = accessTokenLifetime ?? TimeSpan.FromMinutes(15);
        var tokens = home.Emulator.State.IssueTokens(lifetime);
        HomeFiles.WriteConfig(home.Root, HomeFiles.ManagedOAuthConfig(home.Emulator.CodingBaseUrl, home.Emulator.BaseUrl), ShortSettings);
        var expiresAt = expired ? DateTimeOffset.UtcNow.AddSeconds(-10) : DateTimeOffset.UtcNow.Add(lifetime);
        home.WriteCredential(tokens.AccessToken, tokens.RefreshToken, expiresAt, (int)lifetime.TotalSeconds);
        return new FaultRun(home, home.Workspace(("notes.txt", "kept\n")));
    }

    /// <summary>A 127.0.0.1 URL nothing listens on: the port was free a moment ago and is closed again.</summary>
    public static string RefusingBaseUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}/coding/v1";
    }

    public void Inject(EmulatorFault fault) => Emulator.State.InjectFault(fault);

    /// <summary>Runs `kimi -p <paramref name="prompt"/>` in <see cref="Work"/>; the elapsed time includes the process start.</summary>
    public async Task<(ProcessResult Result, TimeSpan Elapsed)> PromptAsync(string prompt = "during the fault")
    {
        var watch = Stopwatch.StartNew();
        var result = await Home.RunAsync("-p", prompt, "-w", Work);
        return (result, watch.Elapsed);
    }

    /// <summary>The one stderr line a failed `-p` prints: <c>error: MESSAGE [code]</c>; asserts the code and returns the line.</summary>
    public static string ErrorLine(ProcessResult result, string code)
    {
        var line = Assert.Single(result.StderrLines, l => l.StartsWith("error: ", StringComparison.Ordinal));
        Assert.True(line.EndsWith($"[{code}]", StringComparison.Ordinal), $"expected [{code}] in: {result}");
        return line;
    }

    public static void AssertContains(string line, params string[] words)
    {
        foreach (var word in words)
        {
            Assert.True(line.Contains(word, StringComparison.Ordinal), $"expected \"{word}\" in: {line}");
        }
    }

    public static void AssertWithin(TimeSpan elapsed, TimeSpan budget) =>
        Assert.True(elapsed < budget + Slack, $"took {elapsed.TotalSeconds:0.0} s; the row allows {budget.TotalSeconds:0.0} s + {Slack.TotalSeconds:0} s slack");

    /// <summary>
    /// After the fault: the session files parse line by line, the credential is byte-identical (or, after a real refresh,
    /// a complete rotated pair), and with the fault gone a `kimi -p --continue` in the same folder succeeds.
    /// </summary>
    public async Task AssertSessionAndLoginIntactAsync(bool refreshed = false)
    {
        Emulator.State.ClearFaults();
        if (refreshed)
        {
            using var credential = JsonDocument.Parse(File.ReadAllBytes(Home.CredentialPath));
            Assert.False(string.IsNullOrEmpty(credential.RootElement.GetProperty("refresh_token").GetString()));
        }
        else
        {
            Assert.True(CredentialBefore.AsSpan().SequenceEqual(File.ReadAllBytes(Home.CredentialPath)), "the credential file changed");
        }

        AssertSessionsParse(Home.Root);
        var after = await Home.RunAsync("-p", "after the fault", "-w", Work, "--continue");
        Assert.True(after.ExitCode == 0, after.ToString());
        Assert.Equal("Echo: after the fault", after.Stdout.Trim());
    }

    /// <summary>Every session file under <paramref name="home"/> is complete JSON lines.</summary>
    public static void AssertSessionsParse(string home)
    {
        var sessions = Path.Combine(home, "sessions");
        var files = Directory.Exists(sessions) ? Directory.GetFiles(sessions, "*.jsonl", SearchOption.AllDirectories) : [];
        foreach (var file in files)
        {
            foreach (var line in File.ReadAllLines(file).Where(l => l.Length > 0))
            {
                using var _ = JsonDocument.Parse(line);
            }
        }
    }

    public ValueTask DisposeAsync() => Home.DisposeAsync();
}
