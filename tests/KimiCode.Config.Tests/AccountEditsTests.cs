using KimiCode.Config.Toml;

namespace KimiCode.Config.Tests;

/// <summary>
/// Login and logout on a config.toml as the official Node client writes it after an OAuth login (its
/// <c>applyManagedKimiCodeConfig</c> through smol-toml: provider keys in schema order, <c>oauth_host</c> left out for the
/// default slot, both web services), extended by hand. Everything the user wrote must survive byte for byte except what
/// the official client itself would change.
/// </summary>
public sealed class AccountEditsTests
{
    private static readonly string OfficialAfterLogin = OfficialConfig.AfterOAuthLogin("https://api.kimi.com/coding/v1", "kimi-code", oauthHost: null);

    private static readonly string HandExtended = OfficialConfig.ExtendByHand(OfficialAfterLogin);

    private static readonly ProviderConfig Managed = new()
    {
        Name = ConfigStore.ManagedProviderName,
        Type = "kimi",
        ApiKey = string.Empty,
        BaseUrl = "https://api.kimi.com/coding/v1",
        OAuth = new OAuthConfig { Storage = "file", Key = "oauth/kimi-code" },
    };

    private static CatalogModel Listed(string id, long context = 262144, string? displayName = "Kimi For Coding", string[]? capabilities = null, bool? forced = null)
        => new(
            new ModelConfig
            {
                Alias = "kimi-code/" + id,
                Provider = ConfigStore.ManagedProviderName,
                Model = id,
                MaxContextSize = context,
                Capabilities = capabilities ?? ["thinking", "image_in", "tool_use"],
                DisplayName = displayName,
            },
            ThinkingDefault: true,
            ThinkingForced: forced);

    [Fact]
    public void ManagedLogin_EmptyFile_WritesWhatTheOfficialClientWrites()
    {
        var editor = new TomlEditor(string.Empty);

        var defaultModel = AccountEdits.ManagedLogin(editor, Managed, [Listed("kimi-for-coding")], preserveDefault: false);

        Assert.Equal("kimi-code/kimi-for-coding", defaultModel);
        Assert.Equal(OfficialAfterLogin, editor.Text);
    }

    [Fact]
    public void ManagedLogin_ReloginOnHandExtendedFile_ChangesNothing()
    {
        var editor = new TomlEditor(HandExtended);

        AccountEdits.ManagedLogin(editor, Managed, [Listed("kimi-for-coding")], preserveDefault: true);

        Assert.Equal(HandExtended, editor.Text);
    }

    [Fact]
    public void ManagedLogin_ServiceChangedModels_MergesInPlaceAndKeepsUserKeysAndComments()
    {
        var editor = new TomlEditor(HandExtended);

        AccountEdits.ManagedLogin(
            editor,
            Managed,
            [Listed("kimi-for-coding", context: 524288, displayName: null, capabilities: ["thinking", "always_thinking", "tool_use"], forced: true), Listed("k3", displayName: "K3")],
            preserveDefault: true);

        var expected = HandExtended
            .Replace("max_context_size = 262144\ncapabilities = [\"thinking\",\"image_in\",\"tool_use\"]", "max_context_size = 524288\ncapabilities = [ \"thinking\", \"always_thinking\", \"tool_use\" ]", StringComparison.Ordinal)
            .Replace(
                "max_context_size = 131072\n",
                "max_context_size = 131072\n\n[models.\"kimi-code/k3\"]\nprovider = \"managed:kimi-code\"\nmodel = \"k3\"\nmax_context_size = 262144\ncapabilities = [ \"thinking\", \"image_in\", \"tool_use\" ]\ndisplay_name = \"K3\"\n",
                StringComparison.Ordinal);
        Assert.Equal(expected, editor.Text);
    }

    [Fact]
    public void ManagedLogin_ModelNoLongerListed_RemovesOnlyThatManagedModel()
    {
        var editor = new TomlEditor(HandExtended);

        var defaultModel = AccountEdits.ManagedLogin(editor, Managed, [Listed("k3", displayName: "K3")], preserveDefault: true);

        Assert.Equal("kimi-code/k3", defaultModel);
        Assert.DoesNotContain("kimi-code/kimi-for-coding", editor.Text);
        Assert.Contains("[models.\"or/qwen\"]", editor.Text);
        Assert.Contains("# my setup, keep it\ndefault_model = \"kimi-code/k3\"\n", editor.Text);
    }

    [Fact]
    public void ManagedLogin_FirstLoginWithOtherDefault_TakesTheDefaultLikeTheOfficialClient()
    {
        var text = HandExtended.Replace("default_model = \"kimi-code/kimi-for-coding\"", "default_model = \"or/qwen\"", StringComparison.Ordinal);

        var relogin = new TomlEditor(text);
        var first = new TomlEditor(text);

        Assert.Equal("or/qwen", AccountEdits.ManagedLogin(relogin, Managed, [Listed("kimi-for-coding")], preserveDefault: true));
        Assert.Equal(text, relogin.Text);
        Assert.Equal("kimi-code/kimi-for-coding", AccountEdits.ManagedLogin(first, Managed, [Listed("kimi-for-coding")], preserveDefault: false));
    }

    [Fact]
    public void ManagedLogin_ThinkingOff_KeptUnlessTheModelAlwaysThinks()
    {
        var text = HandExtended.Replace("enabled = true\neffort", "enabled = false\neffort", StringComparison.Ordinal);
        var toggled = new TomlEditor(text);
        var always = new TomlEditor(text);

        AccountEdits.ManagedLogin(toggled, Managed, [Listed("kimi-for-coding")], preserveDefault: true);
        AccountEdits.ManagedLogin(always, Managed, [Listed("kimi-for-coding", forced: true)], preserveDefault: true);

        Assert.Equal(text, toggled.Text);
        Assert.Contains("[thinking]\nenabled = true\neffort = \"high\" # mine\n", always.Text);
    }

    [Fact]
    public void ManagedLogin_OtherEndpoints_PointsServicesAtTheSameCredentialWithHost()
    {
        var editor = new TomlEditor(HandExtended);
        var provider = Managed with
        {
            BaseUrl = "http://127.0.0.1:4000/coding/v1",
            OAuth = new OAuthConfig { Storage = "file", Key = "oauth/kimi-code-env-027bff0de8930efa", OAuthHost = "http://127.0.0.1:4000" },
        };

        AccountEdits.ManagedLogin(editor, provider, [Listed("kimi-for-coding")], preserveDefault: true);

        var config = KimiConfig.FromToml(editor.Document);
        Assert.Equal("http://127.0.0.1:4000/coding/v1", config.Providers[ConfigStore.ManagedProviderName].BaseUrl);
        var document = editor.Document;
        foreach (var (service, path) in new[] { ("moonshot_search", "/search"), ("moonshot_fetch", "/fetch") })
        {
            var table = (TomlTable)((TomlTable)document["services"])[service];
            Assert.Equal("http://127.0.0.1:4000/coding/v1" + path, table["base_url"]);
            var oauth = (TomlTable)table["oauth"];
            Assert.Equal("oauth/kimi-code-env-027bff0de8930efa", oauth["key"]);
            Assert.Equal("http://127.0.0.1:4000", oauth["oauth_host"]);
        }

        Assert.Contains("custom_headers = { 'X-Team' = 'core',  \"X-Trace\" = \"on\" }\n", editor.Text);
    }

    [Fact]
    public void ManagedLogout_HandExtendedFile_RemovesExactlyWhatLoginAdded()
    {
        var editor = new TomlEditor(HandExtended);

        var changed = AccountEdits.ManagedLogout(editor, ConfigStore.ManagedProviderName, ["oauth/kimi-code"]);

        Assert.True(changed);
        Assert.Equal(OfficialConfig.AfterLogout(), editor.Text);
    }

    [Fact]
    public void ManagedLogout_OfficialFile_LeavesNoBlankLineAtTheTop()
    {
        var editor = new TomlEditor(OfficialAfterLogin);

        AccountEdits.ManagedLogout(editor, ConfigStore.ManagedProviderName, ["oauth/kimi-code"]);

        Assert.Equal("[thinking]\nenabled = true\n", editor.Text);
    }

    [Fact]
    public void ManagedLogout_ServicesUsingAnotherCredential_AreKept()
    {
        var text = HandExtended.Replace(
            "[services.moonshot_fetch.oauth]\nstorage = \"file\"\nkey = \"oauth/kimi-code\"\n",
            "[services.moonshot_fetch.oauth]\nstorage = \"file\"\nkey = \"oauth/kimi-code-env-027bff0de8930efa\"\n",
            StringComparison.Ordinal);
        var editor = new TomlEditor(text);

        AccountEdits.ManagedLogout(editor, ConfigStore.ManagedProviderName, ["oauth/kimi-code"]);

        Assert.DoesNotContain("moonshot_search", editor.Text);
        Assert.Contains("[services.moonshot_fetch]\nbase_url = \"https://api.kimi.com/coding/v1/fetch\"\n", editor.Text);
    }

    [Fact]
    public void ApiKeyLogin_HandExtendedFile_AddsProviderAndMakesItTheDefaultWithoutTakingTheOAuthAlias()
    {
        var editor = new TomlEditor(HandExtended);
        var provider = new ProviderConfig { Name = "kimi-code", Type = "kimi", ApiKey = "sk-kimi-user", BaseUrl = "https://api.kimi.com/coding/v1" };
        var model = Listed("kimi-for-coding");

        var defaultModel = AccountEdits.ApiKeyLogin(editor, provider, [model with { Model = model.Model with { Provider = "kimi-code" } }]);

        Assert.Equal("kimi-code-api-key/kimi-for-coding", defaultModel);
        var expected = HandExtended
            .Replace("default_model = \"kimi-code/kimi-for-coding\"", "default_model = \"kimi-code-api-key/kimi-for-coding\"", StringComparison.Ordinal)
            .Replace(
                "base_url = \"https://openrouter.ai/api/v1\"\n",
                "base_url = \"https://openrouter.ai/api/v1\"\n\n[providers.kimi-code]\ntype = \"kimi\"\napi_key = \"sk-kimi-user\"\nbase_url = \"https://api.kimi.com/coding/v1\"\n",
                StringComparison.Ordinal)
            .Replace(
                "max_context_size = 131072\n",
                "max_context_size = 131072\n\n[models.\"kimi-code-api-key/kimi-for-coding\"]\nprovider = \"kimi-code\"\nmodel = \"kimi-for-coding\"\nmax_context_size = 262144\ncapabilities = [ \"thinking\", \"image_in\", \"tool_use\" ]\ndisplay_name = \"Kimi For Coding\"\n",
                StringComparison.Ordinal);
        Assert.Equal(expected, editor.Text);
    }

    [Fact]
    public void ApiKeyLogin_NoDefaultModel_SetsItAndLeavesThinkingAlone()
    {
        var editor = new TomlEditor(string.Empty);
        var provider = new ProviderConfig { Name = "moonshot-cn", Type = "kimi", ApiKey = "sk-1", BaseUrl = "https://api.moonshot.cn/v1" };
        var model = Listed("kimi-k2");

        var defaultModel = AccountEdits.ApiKeyLogin(editor, provider, [model with { Model = model.Model with { Alias = "moonshot-cn/kimi-k2" } }]);

        Assert.Equal("moonshot-cn/kimi-k2", defaultModel);
        Assert.StartsWith("default_model = \"moonshot-cn/kimi-k2\"\n\n[providers.moonshot-cn]\n", editor.Text);
        Assert.DoesNotContain("thinking", editor.Text.Replace("\"thinking\"", string.Empty, StringComparison.Ordinal));
    }

    [Theory]
    [InlineData("only", false, true, true, true, "thinking,always_thinking,image_in,video_in,tool_use")]
    [InlineData("both", false, false, false, true, "thinking,tool_use")]
    [InlineData("no", true, false, false, true, "tool_use")]
    [InlineData(null, true, false, false, true, "thinking,tool_use")]
    [InlineData(null, false, false, false, false, "")]
    public void Capabilities_ServiceDeclarations_MatchTheOfficialClient(string? thinkingType, bool reasoning, bool image, bool video, bool tools, string expected)
    {
        Assert.Equal(expected, string.Join(',', AccountEdits.Capabilities(thinkingType, reasoning, image, video, tools)));
    }
}
