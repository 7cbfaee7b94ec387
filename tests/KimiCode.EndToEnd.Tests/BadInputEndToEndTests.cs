using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests;

/// <summary>Every user mistake or server failure ends in one line on stderr, a non-zero exit, and nothing half-written.</summary>
public sealed class BadInputEndToEndTests
{
    [Fact]
    public async Task Login_OAuthHostUnreachable_OneLineNetworkError()
    {
        await using var home = await TestHome.StartAsync();
        home.Environment["KIMI_CODE_OAUTH_HOST"] = "http://127.0.0.1:9";

        var result = await home.RunAsync("login", "--no-browser");

        AssertOneLineError(result, "[auth.network]", expectedExit: 75);
        Assert.False(File.Exists(home.ConfigPath));
    }

    [Fact]
    public async Task Login_DeviceEndpointReturnsHtml_OneLineProtocolError()
    {
        await using var home = await TestHome.StartAsync();
        home.Emulator.State.InjectFault(new EmulatorFault { Target = "device", Status = 502, Body = "<html><body>Bad gateway</body></html>" });

        var result = await home.RunAsync("login", "--no-browser");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
    }

    [Fact]
    public async Task Login_TokenEndpointKeepsFailing_OneLineErrorAndNoCredential()
    {
        await using var home = await TestHome.StartAsync(o => o.AutoApprove = true);
        home.Emulator.State.InjectFault(new EmulatorFault { Target = "token", Status = 500, Count = 10 });

        var result = await home.RunAsync("login", "--no-browser");

        Assert.NotEqual(0, result.ExitCode);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(Directory.Exists(Path.Combine(home.Root, "credentials")) && Directory.GetFiles(Path.Combine(home.Root, "credentials")).Length > 0);
    }

    [Fact]
    public async Task AuthStatus_MalformedConfig_FileLineColumnAndFileUntouched()
    {
        await using var home = await TestHome.StartAsync();
        const string broken = "default_model = \"a\"\n[providers.x\ntype = \"kimi\"\n";
        File.WriteAllText(home.ConfigPath, broken);

        var status = await home.RunAsync("auth", "status");
        var login = await home.RunWithInputAsync("sk-anything\n", "login", "--api-key");

        AssertOneLineError(status, "config.toml:2:", expectedExit: 1);
        AssertOneLineError(login, "config.toml:2:", expectedExit: 1);
        Assert.Equal(broken, File.ReadAllText(home.ConfigPath));
    }

    [Fact]
    public async Task Login_HomeIsNotWritable_OneLineErrorNamingTheFolder()
    {
        await using var home = await TestHome.StartAsync(o => o.AutoApprove = true);
        // A data folder below a regular file cannot be created, even by root (chmod would not stop root).
        var blocker = Path.Combine(home.Root, "blocker");
        File.WriteAllText(blocker, "not a folder");
        var env = new Dictionary<string, string>(home.Environment);

        var result = await KimiProcess.RunAsync(Path.Combine(blocker, "home"), env, null, "login", "--no-browser");

        AssertOneLineError(result, "error: ", expectedExit: 1);
        Assert.Equal("not a folder", File.ReadAllText(blocker));
    }

    [Fact]
    public async Task Print_NoCredential_TellsToLogIn()
    {
        await using var home = await TestHome.StartAsync();

        var result = await home.RunAsync("-p", "hello");

        AssertOneLineError(result, "kimi login", expectedExit: 1);
    }

    [Fact]
    public async Task Print_PlatformRefused_ShowsServerWordsNotRateLimit()
    {
        await using var home = await TestHome.StartAsync();
        home.LogInDirectly();
        home.Emulator.State.SetAllowedPlatforms(["kimi_code_cli"]);

        var result = await home.RunAsync("-p", "hello");

        AssertOneLineError(result, "[provider.access_terminated]", expectedExit: 1);
        Assert.Contains("only available for Coding Agents", result.Stderr);
        Assert.DoesNotContain("429", result.Stderr);
        Assert.DoesNotContain("rate limit", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Single(home.Emulator.State.Requests, r => r.Path == "/coding/v1/chat/completions");
    }

    private static void AssertOneLineError(ProcessResult result, string expected, int expectedExit)
    {
        Assert.True(result.ExitCode == expectedExit, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains(expected, line);
        Assert.DoesNotContain("   at ", result.Stderr);
    }
}
