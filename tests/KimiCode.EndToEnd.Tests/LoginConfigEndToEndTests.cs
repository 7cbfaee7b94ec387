namespace KimiCode.EndToEnd.Tests;

/// <summary>
/// The real `kimi login` / `kimi logout` on a config.toml shaped like the official Node client's: what they write is
/// what the official client writes, and a file the user extended by hand keeps everything they wrote.
/// </summary>
public sealed class LoginConfigEndToEndTests
{
    [Fact]
    public async Task LoginReloginLogout_OfficialFileExtendedByHand_KeepsEverythingTheUserWrote()
    {
        await using var home = await TestHome.StartAsync(o => o.AutoApprove = true);

        var first = await home.RunAsync("login", "--no-browser");
        Assert.True(first.ExitCode == 0, first.ToString());
        var slot = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(Path.Combine(home.Root, "credentials"), "*.json")));
        var official = OfficialConfig.AfterOAuthLogin(home.Emulator.CodingBaseUrl, slot, home.Emulator.BaseUrl);
        Assert.Equal(official, File.ReadAllText(home.ConfigPath));

        var extended = OfficialConfig.ExtendByHand(official);
        File.WriteAllText(home.ConfigPath, extended);
        var relogin = await home.RunAsync("login", "--no-browser");
        Assert.True(relogin.ExitCode == 0, relogin.ToString());
        Assert.Equal(extended, File.ReadAllText(home.ConfigPath));

        var logout = await home.RunAsync("logout");
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Equal(OfficialConfig.AfterLogout(), File.ReadAllText(home.ConfigPath));
    }

    [Fact]
    public async Task LoginApiKey_AfterOAuthLogin_KeepsTheOAuthModelAndBecomesTheDefault()
    {
        const string key = "sk-e2e-alias-key";
        await using var home = await TestHome.StartAsync(o =>
        {
            o.AutoApprove = true;
            o.ApiKeys.Add(key);
        });
        var login = await home.RunAsync("login", "--no-browser");
        Assert.True(login.ExitCode == 0, login.ToString());
        var before = File.ReadAllText(home.ConfigPath);

        var apiKey = await home.RunWithInputAsync(key + "\n", "login", "--api-key");

        Assert.True(apiKey.ExitCode == 0, apiKey.ToString());
        var after = File.ReadAllText(home.ConfigPath);
        var managedModel = before[before.IndexOf("[models.", StringComparison.Ordinal)..before.IndexOf("[thinking]", StringComparison.Ordinal)];
        Assert.Contains(managedModel, after);
        Assert.StartsWith("default_model = \"kimi-code-api-key/kimi-for-coding\"\n", after);
        Assert.Contains("[models.\"kimi-code-api-key/kimi-for-coding\"]\nprovider = \"kimi-code\"\n", after);
        Secrets.AssertAbsent(apiKey, key);
    }
}

/// <summary>docs/config.md's provider <c>env</c> example, run by the real executable against the emulator.</summary>
public sealed class ProviderEnvDocsEndToEndTests
{
    [Fact]
    public async Task ConfigDoc_ProviderEnvExample_SuppliesKeyAndBaseUrl()
    {
        const string key = "sk-e2e-docs-env";
        await using var home = await TestHome.StartAsync(o => o.ApiKeys.Add(key));
        var markdown = File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "config.md"));
        var section = markdown.IndexOf("## Provider `env`", StringComparison.Ordinal);
        var start = markdown.IndexOf("```toml\n", section, StringComparison.Ordinal) + "```toml\n".Length;
        var example = markdown[start..markdown.IndexOf("```", start, StringComparison.Ordinal)];
        Assert.Contains("KIMI_BASE_URL = \"https://api.moonshot.ai/v1\"", example);
        File.WriteAllText(home.ConfigPath, "default_model = \"moonshot/kimi-k2-turbo-preview\"\n\n" + example
            .Replace("sk-your-key", key, StringComparison.Ordinal)
            .Replace("https://api.moonshot.ai/v1", home.Emulator.OpenPlatformBaseUrl, StringComparison.Ordinal));

        var print = await home.RunAsync("-p", "from the docs");

        Assert.True(print.ExitCode == 0, print.ToString());
        Assert.Equal("Echo: from the docs", print.Stdout.Trim());
        Assert.Contains(home.Emulator.State.Requests, r => r.Path == "/v1/chat/completions");
        Secrets.AssertAbsent(print, key);
    }
}
