using System.Text.Json;
using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests;

/// <summary>`kimi doctor` against the emulator: one line per check, the fix for a failure, an exit code scripts can use.</summary>
public sealed class DoctorEndToEndTests
{
    private const string Key = "sk-doctor-e2e";

    [Fact]
    public async Task Doctor_HealthyHome_EveryCheckOkAndExitZero()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace(("AGENTS.md", "project rules"));
        File.WriteAllText(Path.Combine(home.Root, "AGENTS.md"), "global rules");
        File.WriteAllText(Path.Combine(home.Root, "mcp.json"), """{"mcpServers":{"github":{"command":"gh-mcp"}}}""");
        File.AppendAllText(home.ConfigPath, "\n[[hooks]]\nevent = \"PreToolUse\"\nmatcher = \"Bash\"\ncommand = \"true\"\n");

        var result = await home.RunAsync("doctor", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        string[] lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.All(lines, line => Assert.StartsWith("ok ", line, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok   config: " + home.ConfigPath, StringComparison.Ordinal));
        Assert.Contains(lines, l => l.StartsWith("ok   credentials kimi-code: API key in config.toml, usable", StringComparison.Ordinal));
        Assert.Contains($"ok   instructions: {Path.Combine(home.Root, "AGENTS.md")}, {Path.Combine(work, "AGENTS.md")}", lines);
        Assert.Contains("ok   mcp: 1 server(s) configured (github); `kimi mcp list` connects them", lines);
        Assert.Contains("ok   hooks: 1 [[hooks]] entry (PreToolUse)", lines);
        Assert.Contains(lines, l => l.StartsWith($"ok   service: {home.Emulator.CodingBaseUrl} answers", StringComparison.Ordinal));
        Assert.Contains("ok   refresh lock: free", lines);
        Assert.Contains("ok   config lock: free", lines);
        Assert.DoesNotContain(Key, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Single(home.Emulator.State.Requests, r => r.Path == "/coding/v1/models");
    }

    [Fact]
    public async Task Doctor_Json_OneObjectWithEveryCheck()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var result = await home.RunAsync("doctor", "--json", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        using var doc = JsonDocument.Parse(result.Stdout);
        Assert.True(doc.RootElement.GetProperty("ok").GetBoolean());
        Assert.Equal(home.Root, doc.RootElement.GetProperty("home").GetString());
        var checks = doc.RootElement.GetProperty("checks").EnumerateArray().ToArray();
        Assert.Equal(
            ["config", "credentials kimi-code", "refresh lock", "config lock", "instructions", "mcp", "skills", "hooks", "service"],
            checks.Select(c => c.GetProperty("name").GetString()));
        Assert.All(checks, c => Assert.Equal("ok", c.GetProperty("status").GetString()));
    }

    [Fact]
    public async Task Doctor_BrokenConfig_ConfigLineFailsWithTheFixAndFileUntouched()
    {
        await using var home = await TestHome.StartAsync();
        const string broken = "default_model = \"a\"\n[providers.x\ntype = \"kimi\"\n";
        File.WriteAllText(home.ConfigPath, broken);

        var result = await home.RunAsync("doctor", "-w", home.Workspace());

        Assert.Equal(1, result.ExitCode);
        string config = Assert.Single(result.Stdout.Split('\n'), l => l.Contains(" config:", StringComparison.Ordinal));
        Assert.StartsWith($"FAIL config: {home.ConfigPath}:2:", config, StringComparison.Ordinal);
        Assert.Contains("[config.toml_syntax] -> fix " + home.ConfigPath, config, StringComparison.Ordinal);
        Assert.Contains("skip credentials: not checked: config.toml does not load", result.Stdout, StringComparison.Ordinal);
        Assert.Contains("skip service: not checked", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.Equal(broken, File.ReadAllText(home.ConfigPath));
    }

    [Fact]
    public async Task Doctor_ServiceStopped_ServiceLineFailsClearly()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        string stoppedUrl;
        await using (var stopped = await KimiEmulator.StartAsync(new EmulatorOptions(), CancellationToken.None))
        {
            stoppedUrl = stopped.CodingBaseUrl;
        }

        File.WriteAllText(home.ConfigPath, File.ReadAllText(home.ConfigPath).Replace(home.Emulator.CodingBaseUrl, stoppedUrl, StringComparison.Ordinal));

        var result = await home.RunAsync("doctor", "-w", home.Workspace());

        Assert.Equal(1, result.ExitCode);
        string service = Assert.Single(result.Stdout.Split('\n'), l => l.Contains(" service:", StringComparison.Ordinal));
        Assert.StartsWith($"FAIL service: {stoppedUrl}", service, StringComparison.Ordinal);
        Assert.EndsWith("-> check the network and the provider's base_url, then run `kimi doctor` again", service, StringComparison.Ordinal);
        Assert.Contains("ok   config:", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_OAuthLogin_ShowsExpiryNeverTheToken()
    {
        await using var home = await TestHome.StartAsync();
        var tokens = home.LogInDirectly();

        var result = await home.RunAsync("doctor", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("ok   credentials managed:kimi-code: Kimi account (OAuth), usable, access token valid until ", result.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.AccessToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain(tokens.RefreshToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_NotLoggedIn_CredentialsFailWithLoginHint()
    {
        await using var home = await TestHome.StartAsync();
        home.WriteManagedConfig();

        var result = await home.RunAsync("doctor", "-w", home.Workspace());

        Assert.Equal(1, result.ExitCode);
        string line = Assert.Single(result.Stdout.Split('\n'), l => l.Contains(" credentials managed:kimi-code:", StringComparison.Ordinal));
        Assert.StartsWith("FAIL", line, StringComparison.Ordinal);
        Assert.EndsWith("-> run `kimi login` (or `kimi login --api-key`)", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Doctor_StaleRefreshLock_WarnsWithTheRemoveCommandButPasses()
    {
        await using var home = await TestHome.StartAsync();
        home.LogInDirectly();
        string lockDir = home.CredentialPath + ".lock";
        Directory.CreateDirectory(lockDir);
        Directory.SetLastWriteTimeUtc(lockDir, DateTime.UtcNow.AddMinutes(-10));

        var result = await home.RunAsync("doctor", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        string line = Assert.Single(result.Stdout.Split('\n'), l => l.Contains(" refresh lock:", StringComparison.Ordinal));
        Assert.StartsWith("warn refresh lock: kimi-code.json.lock stale (", line, StringComparison.Ordinal);
        Assert.Contains("-> if no kimi or kimi-code is running, remove it: rm -rf ", line, StringComparison.Ordinal);
        Assert.True(Directory.Exists(lockDir), "doctor only reports; it removes nothing");
    }

    [Fact]
    public async Task Doctor_ConfigLockHeldByAnotherProcess_Warns()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        string lockPath = home.ConfigPath + ".lock";
        // FileShare.None is an exclusive flock on Unix: the same lock kimi takes to edit config.toml.
        using (new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var held = await home.RunAsync("doctor", "-w", home.Workspace());

            Assert.True(held.ExitCode == 0, held.ToString());
            Assert.Contains($"warn config lock: {lockPath} is held: another process is editing config.toml -> wait for it to finish, or end it", held.Stdout, StringComparison.Ordinal);
        }

        var free = await home.RunAsync("doctor", "-w", home.Workspace());

        Assert.Contains("ok   config lock: free", free.Stdout, StringComparison.Ordinal);
    }
}
