using System.Diagnostics;
using System.Text.Json;
using System.Text.Json.Nodes;
using System.Text.RegularExpressions;
using KimiCode.EndToEnd.Tests.Acp;
using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests.Interop;

/// <summary>
/// One KIMI_CODE_HOME used by both clients against one in-process emulator that admits both platforms
/// (<c>kimi_cli</c> for ours, <c>kimi_code_cli</c> for theirs) and the API key <see cref="ApiKey"/>. Device-flow logins
/// of either client are approved through the emulator's control endpoint, as a browser would, with the code the
/// client printed.
/// </summary>
internal sealed partial class SharedHome : IAsyncDisposable
{
    public const string ApiKey = "sk-interop-key-7f3a";

    private static readonly HttpClient Control = new();

    private readonly EmulatorOptions _options;

    private SharedHome(TestHome home, EmulatorOptions options, OfficialClient theirs)
    {
        Home = home;
        _options = options;
        Theirs = theirs;
        Work = home.Workspace();
    }

    public TestHome Home { get; }

    public OfficialClient Theirs { get; }

    public KimiEmulator Emulator => Home.Emulator;

    /// <summary>The folder both clients run in (their `-p` works on the current folder).</summary>
    public string Work { get; }

    public string ConfigPath => Home.ConfigPath;

    public string DeviceIdPath => Path.Combine(Home.Root, "device_id");

    /// <summary>Installs (or reuses) the official client, skipping the test only when the registry is unreachable.</summary>
    public static async Task<SharedHome> StartAsync()
    {
        var theirs = (await OfficialClientInstall.SharedAsync()).Require();
        EmulatorOptions? options = null;
        var home = await TestHome.StartAsync(o =>
        {
            options = o;
            o.AllowedPlatforms.Add("kimi_code_cli");
            o.ApiKeys.Add(ApiKey);
        });
        return new SharedHome(home, options!, theirs);
    }

    /// <summary>The access-token lifetime of tokens issued from now on (e.g. 60 s: under both clients' refresh threshold).</summary>
    public TimeSpan AccessTokenLifetime
    {
        set => _options.AccessTokenLifetime = value;
    }

    public Task<ProcessResult> OursAsync(params string[] args) => Home.RunAsync(args);

    public Task<ProcessResult> OursWithInputAsync(string stdin, params string[] args) => Home.RunWithInputAsync(stdin, args);

    public Task<ProcessResult> TheirsAsync(params string[] args) => Theirs.RunAsync(Home, Work, args);

    /// <summary>`kimi login` of the official client (device flow; it prints the code on stderr), approved by code.</summary>
    public async Task<ProcessResult> TheirLoginAsync()
    {
        using var process = Process.Start(Theirs.StartInfo(Home, Work, "login")) ?? throw new InvalidOperationException("could not start the official client");
        process.StandardInput.Close();
        var stdout = process.StandardOutput.ReadToEndAsync(CancellationToken.None);
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        var stderr = new System.Text.StringBuilder();
        string? userCode = null;
        while (userCode is null && await process.StandardError.ReadLineAsync(timeout.Token) is { } line)
        {
            stderr.AppendLine(line);
            userCode = UserCodeInUrl().Match(line) is { Success: true } match ? match.Groups[1].Value : null;
        }

        Assert.True(userCode is not null, "the official login printed no verification URL with a user_code: " + stderr);
        await ApproveAsync(userCode);
        stderr.Append(await process.StandardError.ReadToEndAsync(timeout.Token));
        await process.WaitForExitAsync(timeout.Token);
        return new ProcessResult(process.ExitCode, await stdout, stderr.ToString());
    }

    /// <summary>Our `kimi login --no-browser --json`, approved by the code of its <c>code_issued</c> event.</summary>
    public async Task<ProcessResult> OurLoginAsync()
    {
        await using var kimi = Home.Start("login", "--no-browser", "--json");
        var issued = await kimi.WaitForLineAsync(line => line.Contains("\"code_issued\"", StringComparison.Ordinal));
        await ApproveAsync(JsonDocument.Parse(issued).RootElement.GetProperty("user_code").GetString()!);
        return await kimi.WaitForExitAsync();
    }

    /// <summary>
    /// The official client's logout without its terminal UI: the ACP method <c>logout</c> (what its <c>/logout</c>
    /// runs for the Kimi Code login: delete the credential, remove the managed provider, models and services).
    /// </summary>
    public async Task<(int ExitCode, string Stderr)> TheirLogoutAsync()
    {
        await using var acp = AcpProcess.Start(Theirs.StartInfo(Home, Work, "acp"));
        await acp.Client.ResultAsync("initialize", """{"protocolVersion":1,"clientCapabilities":{}}""");
        await acp.Client.ResultAsync("logout", "{}");
        return await acp.StopAsync();
    }

    /// <summary>The one OAuth credential file in the home (its slot name depends on the OAuth host and base URL).</summary>
    public (string Path, string AccessToken, string RefreshToken) StoredCredential()
    {
        var path = Assert.Single(Directory.GetFiles(Path.Combine(Home.Root, "credentials"), "*.json"));
        using var json = JsonDocument.Parse(File.ReadAllText(path));
        return (path, json.RootElement.GetProperty("access_token").GetString()!, json.RootElement.GetProperty("refresh_token").GetString()!);
    }

    public string[] CredentialFiles() =>
        Directory.Exists(Path.Combine(Home.Root, "credentials")) ? Directory.GetFiles(Path.Combine(Home.Root, "credentials"), "*.json") : [];

    /// <summary>Requests to <paramref name="path"/> that carried <c>X-Msh-Platform: <paramref name="platform"/></c>.</summary>
    public List<RecordedRequest> Requests(string path, string platform) =>
        Emulator.State.Requests.Where(r => r.Path == path && r.Headers.TryGetValue("x-msh-platform", out var p) && p == platform).ToList();

    private async Task ApproveAsync(string userCode)
    {
        using var body = new StringContent(new JsonObject { ["user_code"] = userCode }.ToJsonString(), System.Text.Encoding.UTF8, "application/json");
        using var response = await Control.PostAsync(Emulator.BaseUrl + "/_emulator/approve", body);
        Assert.True(response.IsSuccessStatusCode, $"the emulator did not approve {userCode}: {(int)response.StatusCode}");
    }

    [GeneratedRegex(@"user_code=([A-Z0-9-]+)")]
    private static partial Regex UserCodeInUrl();

    public ValueTask DisposeAsync() => Home.DisposeAsync();
}
