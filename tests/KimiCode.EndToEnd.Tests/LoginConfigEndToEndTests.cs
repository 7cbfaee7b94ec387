namespace KimiCode.EndToEnd.Tests;

/// <summary>
/// The real `kimi login` / `kimi logout` on a config.toml shaped like the official Node client's: what they write is
/// what the official client writes, and a file the user extended by hand keeps everything they wrote.
/// </summary>
public sealed class LoginConfigEndToEndTests
{
    /// <summary>The official client's config after an OAuth login against <paramref name="home"/>'s emulator.</summary>
    private static string OfficialAfterLogin(TestHome home, string slot) => $"""
        default_model = "kimi-code/kimi-for-coding"

        [providers."managed:kimi-code"]
        type = "kimi"
        api_key = ""
        base_url = "{home.Emulator.CodingBaseUrl}"

        [providers."managed:kimi-code".oauth]
        storage = "file"
        key = "oauth/{slot}"
        oauth_host = "{home.Emulator.BaseUrl}"

        [models."kimi-code/kimi-for-coding"]
        provider = "managed:kimi-code"
        model = "kimi-for-coding"
        max_context_size = 262144
        capabilities = [ "thinking", "image_in", "tool_use" ]
        display_name = "Kimi For Coding"

        [thinking]
        enabled = true

        [services.moonshot_search]
        base_url = "{home.Emulator.CodingBaseUrl}/search"
        api_key = ""

        [services.moonshot_search.oauth]
        storage = "file"
        key = "oauth/{slot}"
        oauth_host = "{home.Emulator.BaseUrl}"

        [services.moonshot_fetch]
        base_url = "{home.Emulator.CodingBaseUrl}/fetch"
        api_key = ""

        [services.moonshot_fetch.oauth]
        storage = "file"
        key = "oauth/{slot}"
        oauth_host = "{home.Emulator.BaseUrl}"

        """;

    /// <summary>What a user adds by hand: comments, their keys in the managed tables, an inline table, another provider, rules.</summary>
    private static string ExtendByHand(string official) => "# my setup, keep it\n" + official
        .Replace("\n[models.", "\n# my work model\n[models.", StringComparison.Ordinal)
        .Replace("display_name = \"Kimi For Coding\"\n", "display_name = \"Kimi For Coding\"\nmax_output_size = 32000 # my cap\n", StringComparison.Ordinal)
        .Replace("api_key = \"\"\nbase_url", "api_key = \"\"\ncustom_headers = { 'X-Team' = 'core',  \"X-Trace\" = \"on\" }\nbase_url", StringComparison.Ordinal)
        .Replace("[thinking]\nenabled = true\n", "[providers.openrouter]\ntype = \"openai\"\napi_key = \"sk-or-user\"\nbase_url = \"https://openrouter.ai/api/v1\"\n\n[models.\"or/qwen\"]\nprovider = \"openrouter\"\nmodel = 'qwen/qwen3-coder'\nmax_context_size = 131072\n\n[thinking]\nenabled = true\neffort = \"high\"\n", StringComparison.Ordinal)
        + "\n[[permission.rules]]\ndecision = \"deny\"\npattern = \"Bash(rm -rf*)\"\n";

    [Fact]
    public async Task LoginReloginLogout_OfficialFileExtendedByHand_KeepsEverythingTheUserWrote()
    {
        await using var home = await TestHome.StartAsync(o => o.AutoApprove = true);

        var first = await home.RunAsync("login", "--no-browser");
        Assert.True(first.ExitCode == 0, first.ToString());
        var slot = Path.GetFileNameWithoutExtension(Assert.Single(Directory.GetFiles(Path.Combine(home.Root, "credentials"), "*.json")));
        var official = OfficialAfterLogin(home, slot);
        Assert.Equal(official, File.ReadAllText(home.ConfigPath));

        var extended = ExtendByHand(official);
        File.WriteAllText(home.ConfigPath, extended);
        var relogin = await home.RunAsync("login", "--no-browser");
        Assert.True(relogin.ExitCode == 0, relogin.ToString());
        Assert.Equal(extended, File.ReadAllText(home.ConfigPath));

        var logout = await home.RunAsync("logout");
        Assert.True(logout.ExitCode == 0, logout.ToString());
        Assert.Equal(
            """
            # my setup, keep it

            [providers.openrouter]
            type = "openai"
            api_key = "sk-or-user"
            base_url = "https://openrouter.ai/api/v1"

            [models."or/qwen"]
            provider = "openrouter"
            model = 'qwen/qwen3-coder'
            max_context_size = 131072

            [thinking]
            enabled = true
            effort = "high"

            [[permission.rules]]
            decision = "deny"
            pattern = "Bash(rm -rf*)"

            """,
            File.ReadAllText(home.ConfigPath));
    }

    [Fact]
    public async Task LoginApiKey_AfterOAuthLogin_KeepsTheOAuthModelAndDefault()
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
        Assert.StartsWith("default_model = \"kimi-code/kimi-for-coding\"\n", after);
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
