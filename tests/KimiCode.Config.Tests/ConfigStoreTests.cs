using KimiCode.Config.Toml;

namespace KimiCode.Config.Tests;

public sealed class ConfigStoreTests
{
    private static ConfigStore CreateStore(TempFolder temp, Dictionary<string, string>? env = null)
    {
        var home = new KimiHome(Path.Combine(temp.Path, "home"));
        return new ConfigStore(home, name => env is not null && env.TryGetValue(name, out var v) ? v : null);
    }

    private static ProviderConfig ManagedProvider() => new()
    {
        Type = "kimi",
        ApiKey = string.Empty,
        BaseUrl = "https://api.kimi.com/coding/v1",
        OAuth = new OAuthConfig { Storage = "file", Key = "oauth/kimi-code", OAuthHost = "https://auth.kimi.com" },
    };

    private static ModelConfig ManagedModel() => new()
    {
        Provider = "managed:kimi-code",
        Model = "kimi-for-coding",
        MaxContextSize = 262144,
        Capabilities = ["thinking", "tool_use"],
    };

    [Fact]
    public void Updates_OnMissingFile_WriteTextIdenticalToOfficialSample()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);

        store.SetDefaultModel("kimi-code/kimi-for-coding");
        store.UpsertProvider("managed:kimi-code", ManagedProvider());
        store.UpsertModel("kimi-code/kimi-for-coding", ManagedModel());
        store.SetThinking(true);

        Assert.Equal(Samples.OAuthLoginConfig, File.ReadAllText(store.Home.ConfigFile));
    }

    [Fact]
    public void Updates_OnMissingFile_InLoginOrder_AlsoMatchSample()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);

        store.UpsertProvider("managed:kimi-code", ManagedProvider());
        store.UpsertModel("kimi-code/kimi-for-coding", ManagedModel());
        store.SetDefaultModel("kimi-code/kimi-for-coding");
        store.SetThinking(true);

        Assert.Equal(Samples.OAuthLoginConfig, File.ReadAllText(store.Home.ConfigFile));
    }

    [Fact]
    public void Update_CreatesOwnerOnlyFileAndHome()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);

        store.SetThinking(false);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.Home.ConfigFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(store.Home.Root));
    }

    [Fact]
    public void Load_Sample_MapsEveryField()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);
        Directory.CreateDirectory(store.Home.Root);
        File.WriteAllText(store.Home.ConfigFile, Samples.OAuthLoginConfig);

        var config = store.Load();

        Assert.Equal("kimi-code/kimi-for-coding", config.DefaultModel);
        Assert.Equal(1, config.DefaultModelLine);
        var provider = config.Providers["managed:kimi-code"];
        Assert.Equal("kimi", provider.Type);
        Assert.Equal(string.Empty, provider.ApiKey);
        Assert.Equal("https://api.kimi.com/coding/v1", provider.BaseUrl);
        Assert.Equal(new OAuthConfig { Storage = "file", Key = "oauth/kimi-code", OAuthHost = "https://auth.kimi.com" }, provider.OAuth);
        Assert.Equal(3, provider.Line);
        var model = config.Models["kimi-code/kimi-for-coding"];
        Assert.Equal(("managed:kimi-code", "kimi-for-coding", 262144L, 13), (model.Provider, model.Model, model.MaxContextSize, model.Line));
        Assert.Equal(["thinking", "tool_use"], model.Capabilities);
        Assert.True(config.Thinking.Enabled);
        Assert.Empty(config.Validate());
    }

    [Fact]
    public void Load_PermissionsLoopControlHeadersAndEnv_AreMapped()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);
        Directory.CreateDirectory(store.Home.Root);
        File.WriteAllText(store.Home.ConfigFile, """
            [providers.p]
            type = "openai"
            base_url = "https://example.com/v1"
            api_key = "sk-secret-value"
            custom_headers = { X-B = "2", X-A = "1" }
            env = { HTTPS_PROXY = "http://proxy:3128" }

            [permissions]
            mode = "accept-edits"
            allow = ["read", "grep"]
            deny = ["rm -rf"]
            ask = []

            [loop_control]
            max_steps_per_turn = 100
            max_retries_per_step = 3
            reserved_context = 5000
            """);

        var config = store.Load();

        var provider = config.Providers["p"];
        Assert.Equal(["X-B", "X-A"], provider.CustomHeaders.Keys);
        Assert.Equal("http://proxy:3128", provider.Env["HTTPS_PROXY"]);
        Assert.DoesNotContain("sk-secret-value", provider.ToString(), StringComparison.Ordinal);
        Assert.Equal("accept-edits", config.Permissions.Mode);
        Assert.Equal(["read", "grep"], config.Permissions.Allow);
        Assert.Equal(["rm -rf"], config.Permissions.Deny);
        Assert.Empty(config.Permissions.Ask);
        Assert.Equal(100, config.LoopControl.MaxStepsPerTurn);
        Assert.Equal(3, config.LoopControl.MaxRetriesPerStep);
        Assert.Equal(5000, config.LoopControl.Values["reserved_context"]);
    }

    [Fact]
    public void Load_MissingFile_IsEmptyAndWritesNothing()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);

        var config = store.Load();

        Assert.Null(config.DefaultModel);
        Assert.Empty(config.Providers);
        Assert.False(Directory.Exists(store.Home.Root));
    }

    [Fact]
    public void Update_MalformedFile_ThrowsWithPositionAndLeavesFileUntouched()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);
        Directory.CreateDirectory(store.Home.Root);
        const string broken = "default_model = \"x\"\n[models\n";
        File.WriteAllText(store.Home.ConfigFile, broken);

        var loadError = Assert.Throws<TomlException>(store.Load);
        var writeError = Assert.Throws<TomlException>(() => store.SetThinking(true));

        Assert.Equal((2, 8), (loadError.Line, loadError.Column));
        Assert.StartsWith(store.Home.ConfigFile + ":2:8: ", writeError.Message, StringComparison.Ordinal);
        Assert.Equal(broken, File.ReadAllText(store.Home.ConfigFile));
    }

    [Fact]
    public void Updates_ExistingFileWithUnknownKeysAndComments_PreserveThem()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);
        Directory.CreateDirectory(store.Home.Root);
        var original = "# hand-written\n" + Samples.OAuthLoginConfig + "\n[mcp]\nservers = [\"a\"] # keep\n";
        File.WriteAllText(store.Home.ConfigFile, original);

        store.SetThinking(false);
        store.SetDefaultModel("other/model");

        Assert.Equal(
            original
                .Replace("enabled = true", "enabled = false", StringComparison.Ordinal)
                .Replace("default_model = \"kimi-code/kimi-for-coding\"", "default_model = \"other/model\"", StringComparison.Ordinal),
            File.ReadAllText(store.Home.ConfigFile));
    }

    [Fact]
    public void RemoveProvider_AndItsModels_LeaveTheRestByteIdentical()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);
        Directory.CreateDirectory(store.Home.Root);
        File.WriteAllText(store.Home.ConfigFile, Samples.OAuthLoginConfig);

        Assert.True(store.RemoveProvider("managed:kimi-code"));
        Assert.Equal(1, store.RemoveModelsOfProvider("managed:kimi-code"));

        Assert.Equal("default_model = \"kimi-code/kimi-for-coding\"\n\n[thinking]\nenabled = true\n", File.ReadAllText(store.Home.ConfigFile));
        Assert.False(store.RemoveProvider("managed:kimi-code"));
    }

    [Fact]
    public void UpsertProvider_ApiKeyProviderWithHeaders_WritesOnlyNonEmptyParts()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);
        var headers = new OrderedDictionary<string, string>(StringComparer.Ordinal) { ["X-Msh-Platform"] = "kimi_cli" };

        store.UpsertProvider("moonshot-cn", new ProviderConfig { Type = "kimi", ApiKey = "sk-1", BaseUrl = "https://api.moonshot.cn/v1", CustomHeaders = headers });
        store.UpsertProvider("moonshot-cn", new ProviderConfig { Type = "kimi", ApiKey = "sk-2", BaseUrl = "https://api.moonshot.cn/v1" });

        Assert.Equal(
            "[providers.moonshot-cn]\ntype = \"kimi\"\napi_key = \"sk-2\"\nbase_url = \"https://api.moonshot.cn/v1\"\n",
            File.ReadAllText(store.Home.ConfigFile));
    }

    [Fact]
    public void UpsertProvider_Twice_ReplacesValuesInPlace()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);
        Directory.CreateDirectory(store.Home.Root);
        File.WriteAllText(store.Home.ConfigFile, Samples.OAuthLoginConfig);

        store.UpsertProvider("managed:kimi-code", ManagedProvider() with { BaseUrl = "https://api.kimi.ai/coding/v1", OAuth = ManagedProvider().OAuth! with { OAuthHost = "https://auth.kimi.ai" } });

        Assert.Equal(
            Samples.OAuthLoginConfig
                .Replace("https://api.kimi.com/coding/v1", "https://api.kimi.ai/coding/v1", StringComparison.Ordinal)
                .Replace("https://auth.kimi.com", "https://auth.kimi.ai", StringComparison.Ordinal),
            File.ReadAllText(store.Home.ConfigFile));
    }

    [Fact]
    public void LoadEffective_EnvironmentOverrides_ApplyInMemoryOnly()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp, new Dictionary<string, string>
        {
            ["KIMI_CODE_BASE_URL"] = "http://127.0.0.1:42455/coding/v1",
            ["KIMI_OAUTH_HOST"] = "http://127.0.0.1:42455",
            ["KIMI_CODE_CUSTOM_HEADERS"] = "X-One: 1\r\nbad line\nX-Two:  two words \n",
        });
        Directory.CreateDirectory(store.Home.Root);
        File.WriteAllText(store.Home.ConfigFile, Samples.OAuthLoginConfig);

        var config = store.LoadEffective();

        var managed = config.Providers["managed:kimi-code"];
        Assert.Equal("http://127.0.0.1:42455/coding/v1", managed.BaseUrl);
        Assert.Equal("http://127.0.0.1:42455", managed.OAuth!.OAuthHost);
        Assert.Equal([new("X-One", "1"), new("X-Two", "two words")], config.EnvHeaders);
        Assert.Equal(Samples.OAuthLoginConfig, File.ReadAllText(store.Home.ConfigFile));
        Assert.Equal("https://api.kimi.com/coding/v1", store.Load().Providers["managed:kimi-code"].BaseUrl);
    }

    [Fact]
    public void LoadEffective_CodeOAuthHost_WinsOverFallback()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp, new() { ["KIMI_CODE_OAUTH_HOST"] = "https://a.example", ["KIMI_OAUTH_HOST"] = "https://b.example" });
        Directory.CreateDirectory(store.Home.Root);
        File.WriteAllText(store.Home.ConfigFile, Samples.OAuthLoginConfig);

        Assert.Equal("https://a.example", store.LoadEffective().Providers["managed:kimi-code"].OAuth!.OAuthHost);
    }

    [Fact]
    public void LoadEffective_ApiKeyWithoutConfig_AddsEnvProviderAsDefault()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp, new() { ["KIMI_API_KEY"] = "sk-env" });

        var config = store.LoadEffective();

        var provider = config.Providers["env:kimi"];
        Assert.True(provider.IsInMemory);
        Assert.Equal(("kimi", "https://api.kimi.com/coding/v1", "sk-env"), (provider.Type, provider.BaseUrl, provider.ApiKey));
        Assert.Equal("env:kimi/kimi-for-coding", config.DefaultModel);
        Assert.Equal("kimi-for-coding", config.Models["env:kimi/kimi-for-coding"].Model);
        Assert.Empty(config.Validate());
        Assert.False(File.Exists(store.Home.ConfigFile));
    }

    [Fact]
    public void LoadEffective_ApiKeyWithBaseUrlAndModel_KeepsConfiguredDefault()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp, new()
        {
            ["KIMI_API_KEY"] = "sk-env",
            ["KIMI_BASE_URL"] = "https://api.moonshot.ai/v1",
            ["KIMI_MODEL_NAME"] = "kimi-k2",
            ["KIMI_CODE_BASE_URL"] = "http://ignored-for-env-provider",
        });
        Directory.CreateDirectory(store.Home.Root);
        File.WriteAllText(store.Home.ConfigFile, Samples.OAuthLoginConfig);

        var config = store.LoadEffective();

        Assert.Equal("https://api.moonshot.ai/v1", config.Providers["env:kimi"].BaseUrl);
        Assert.Equal("env:kimi", config.Models["env:kimi/kimi-k2"].Provider);
        Assert.Equal("kimi-code/kimi-for-coding", config.DefaultModel);
    }

    [Fact]
    public void LoadEffective_ApiKeyWithCodeBaseUrlOnly_UsesCodeBaseUrl()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp, new() { ["KIMI_API_KEY"] = "sk-env", ["KIMI_CODE_BASE_URL"] = "http://127.0.0.1:9/coding/v1" });

        Assert.Equal("http://127.0.0.1:9/coding/v1", store.LoadEffective().Providers["env:kimi"].BaseUrl);
    }

    [Fact]
    public void UpsertProvider_InMemoryProvider_IsRejected()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = CreateStore(temp);

        Assert.Throws<ArgumentException>(() => store.UpsertProvider("env:kimi", new ProviderConfig { IsInMemory = true }));
        Assert.False(File.Exists(store.Home.ConfigFile));
    }
}
