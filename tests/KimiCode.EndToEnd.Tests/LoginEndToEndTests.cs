using System.Text.Json;
using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests;

/// <summary>`kimi login`, `kimi auth status`, `kimi logout`, `kimi auth import` as real processes against the emulator.</summary>
public sealed class LoginEndToEndTests
{
    [Fact]
    public async Task Login_DeviceFlowApproved_StoresCredentialAndWritesManagedProvider()
    {
        await using var home = await TestHome.StartAsync(o => o.AutoApprove = true);

        var result = await home.RunAsync("login", "--no-browser");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("/device?user_code=", result.Stdout);
        Assert.Contains("Logged in (managed:kimi-code)", result.Stdout);
        var credentials = Directory.GetFiles(Path.Combine(home.Root, "credentials"), "*.json");
        var credential = Assert.Single(credentials);
        Assert.StartsWith("kimi-code-env-", Path.GetFileName(credential));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(credential));
        using var stored = JsonDocument.Parse(File.ReadAllText(credential));
        var accessToken = stored.RootElement.GetProperty("access_token").GetString()!;
        var refreshToken = stored.RootElement.GetProperty("refresh_token").GetString()!;
        Assert.NotEmpty(accessToken);
        Assert.True(stored.RootElement.GetProperty("expires_at").GetInt64() > DateTimeOffset.UtcNow.ToUnixTimeSeconds());

        var config = File.ReadAllText(home.ConfigPath);
        var slot = Path.GetFileNameWithoutExtension(credential);
        Assert.Contains("default_model = \"kimi-code/kimi-for-coding\"", config);
        Assert.Contains("[providers.\"managed:kimi-code\"]", config);
        Assert.Contains($"key = \"oauth/{slot}\"", config);
        Assert.Contains($"oauth_host = \"{home.Emulator.BaseUrl}\"", config);
        Assert.Contains("[models.\"kimi-code/kimi-for-coding\"]", config);
        Assert.Contains("max_context_size = 262144", config);
        Secrets.AssertAbsent(result, accessToken, refreshToken);

        // The models were read with the new token and our identity headers.
        var models = home.Emulator.State.Requests.Single(r => r.Path == "/coding/v1/models");
        Assert.Equal("kimi_cli", models.Headers["x-msh-platform"]);
        Assert.StartsWith("KimiCLI/", models.Headers["user-agent"]);
    }

    [Fact]
    public async Task Login_Json_PrintsOneEventPerLineAndMessagesOnStderr()
    {
        await using var home = await TestHome.StartAsync(o => o.AutoApprove = true);

        var result = await home.RunAsync("login", "--no-browser", "--json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var events = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => JsonDocument.Parse(line).RootElement.GetProperty("event").GetString())
            .ToList();
        Assert.Equal("code_issued", events[0]);
        Assert.Equal("logged_in", events[^1]);
        Assert.Contains("approved", events);
        Assert.Contains("Logged in", result.Stderr);
    }

    [Fact]
    public async Task Login_UserDenies_FailsWithOneLineAndWritesNothing()
    {
        await using var home = await TestHome.StartAsync();
        await using var kimi = home.Start("login", "--no-browser", "--json");

        var issued = await kimi.WaitForLineAsync(line => line.Contains("code_issued", StringComparison.Ordinal));
        var userCode = JsonDocument.Parse(issued).RootElement.GetProperty("user_code").GetString()!;
        Assert.True(home.Emulator.State.Deny(userCode));
        var result = await kimi.WaitForExitAsync();

        Assert.Equal(1, result.ExitCode);
        var error = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => l.StartsWith("error:", StringComparison.Ordinal));
        Assert.Contains("[auth.access_denied]", error);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.False(File.Exists(home.ConfigPath));
        Assert.False(Directory.Exists(Path.Combine(home.Root, "credentials")) && Directory.GetFiles(Path.Combine(home.Root, "credentials")).Length > 0);
    }

    [Fact]
    public async Task AuthStatusAndLogout_AfterLogin_ReportUsableThenRemoveEverything()
    {
        await using var home = await TestHome.StartAsync();
        var tokens = home.LogInDirectly();
        File.WriteAllText(home.ConfigPath, "# my own note, kept by logout\n" + File.ReadAllText(home.ConfigPath));

        var status = await home.RunAsync("auth", "status");
        var json = await home.RunAsync("auth", "status", "--json");
        var logout = await home.RunAsync("logout");
        var after = await home.RunAsync("auth", "status", "--json");

        Assert.True(status.ExitCode == 0, status.ToString());
        Assert.Contains("managed:kimi-code: OAuth login, usable, access token valid for", status.Stdout);
        using (var doc = JsonDocument.Parse(json.Stdout))
        {
            Assert.True(doc.RootElement.GetProperty("usable").GetBoolean());
            var provider = Assert.Single(doc.RootElement.GetProperty("providers").EnumerateArray());
            Assert.Equal("oauth", provider.GetProperty("kind").GetString());
            Assert.False(provider.GetProperty("expired").GetBoolean());
        }

        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.False(File.Exists(home.CredentialPath));
        var config = File.ReadAllText(home.ConfigPath);
        Assert.DoesNotContain("managed:kimi-code", config);
        Assert.DoesNotContain("default_model", config);
        Assert.Contains("# my own note, kept by logout", config);
        Assert.Equal(1, after.ExitCode);
        using (var doc = JsonDocument.Parse(after.Stdout))
        {
            Assert.False(doc.RootElement.GetProperty("usable").GetBoolean());
        }

        Secrets.AssertAbsent(status, tokens.AccessToken, tokens.RefreshToken);
        Secrets.AssertAbsent(json, tokens.AccessToken, tokens.RefreshToken);
    }

    [Fact]
    public async Task LoginApiKey_FromStdin_ValidatesAndWritesProviderThenPrintWorks()
    {
        const string key = "sk-e2e-valid-key-123";
        await using var home = await TestHome.StartAsync(o => o.ApiKeys.Add(key));

        var login = await home.RunWithInputAsync(key + "\n", "login", "--api-key");
        var print = await home.RunAsync("-p", "hello there");
        var status = await home.RunAsync("auth", "status", "--json");

        Assert.True(login.ExitCode == 0, login.ToString());
        Assert.Contains("kimi-code/kimi-for-coding", login.Stdout);
        var config = File.ReadAllText(home.ConfigPath);
        Assert.Contains("[providers.kimi-code]", config);
        Assert.Contains($"api_key = \"{key}\"", config);
        Assert.Contains("default_model = \"kimi-code/kimi-for-coding\"", config);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(home.ConfigPath));
        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Equal("Echo: hello there", print.Stdout.Trim());
        using var doc = JsonDocument.Parse(status.Stdout);
        Assert.Equal("api_key", doc.RootElement.GetProperty("providers")[0].GetProperty("kind").GetString());
        Secrets.AssertAbsent(login, key);
        Secrets.AssertAbsent(print, key);
        Secrets.AssertAbsent(status, key);
    }

    [Fact]
    public async Task LoginApiKey_RejectedKey_OneLineErrorAndNothingSaved()
    {
        const string key = "sk-e2e-wrong";
        await using var home = await TestHome.StartAsync();

        var login = await home.RunWithInputAsync(key + "\n", "login", "--api-key");

        Assert.Equal(1, login.ExitCode);
        var error = Assert.Single(login.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("API key was rejected", error);
        Assert.False(File.Exists(home.ConfigPath));
        Secrets.AssertAbsent(login, key);
    }

    [Fact]
    public async Task LoginApiKey_MoonshotPlatformWithBaseUrl_UsesOpenPlatform()
    {
        const string key = "sk-e2e-moonshot";
        await using var home = await TestHome.StartAsync(o => o.ApiKeys.Add(key));

        var login = await home.RunWithInputAsync(key + "\n", "login", "--api-key", "--platform", "moonshot-ai", "--base-url", home.Emulator.OpenPlatformBaseUrl);

        Assert.True(login.ExitCode == 0, login.ToString());
        var config = File.ReadAllText(home.ConfigPath);
        Assert.Contains("[providers.moonshot-ai]", config);
        Assert.Contains("[models.\"moonshot-ai/kimi-k2-turbo-preview\"]", config);
        Assert.Contains(home.Emulator.State.Requests, r => r.Path == "/v1/models");
    }

    [Fact]
    public async Task AuthImport_PythonLogin_AdoptedAndUsable()
    {
        await using var home = await TestHome.StartAsync();
        var tokens = home.Emulator.State.IssueTokens();
        var pythonHome = Path.Combine(home.Root, "user-home", ".kimi");
        Directory.CreateDirectory(Path.Combine(pythonHome, "credentials"));
        var expiresAt = DateTimeOffset.UtcNow.AddSeconds(tokens.ExpiresIn).ToUnixTimeSeconds() + 0.25;
        File.WriteAllText(Path.Combine(pythonHome, "credentials", "kimi-code.json"),
            $$"""{"access_token": "{{tokens.AccessToken}}", "refresh_token": "{{tokens.RefreshToken}}", "expires_at": {{expiresAt.ToString(System.Globalization.CultureInfo.InvariantCulture)}}, "scope": "kimi-code", "token_type": "Bearer", "expires_in": {{tokens.ExpiresIn}}}""");

        var import = await home.RunAsync("auth", "import");
        var print = await home.RunAsync("-p", "after import");

        Assert.True(import.ExitCode == 0, import.ToString());
        Assert.Contains("Imported the kimi-cli login", import.Stdout);
        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Equal("Echo: after import", print.Stdout.Trim());
        Assert.Equal(0, home.Emulator.State.RefreshCount);
        Secrets.AssertAbsent(import, tokens.AccessToken, tokens.RefreshToken);
    }

    [Fact]
    public async Task AuthImport_NoPythonLogin_OneLineError()
    {
        await using var home = await TestHome.StartAsync();

        var import = await home.RunAsync("auth", "import");

        Assert.Equal(1, import.ExitCode);
        var error = Assert.Single(import.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("[auth.import_not_found]", error);
    }
}
