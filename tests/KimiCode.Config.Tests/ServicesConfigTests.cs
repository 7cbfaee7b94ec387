namespace KimiCode.Config.Tests;

/// <summary><c>[services.moonshot_search]</c> / <c>[services.moonshot_fetch]</c> and the official <c>KIMI_WEB_*</c> overrides.</summary>
public sealed class ServicesConfigTests
{
    private const string Both = """
        [services.moonshot_search]
        base_url = "https://api.kimi.com/coding/v1/search"
        api_key = ""
        custom_headers = { "X-Team" = "tools" }

        [services.moonshot_search.oauth]
        storage = "file"
        key = "oauth/kimi-code"

        [services.moonshot_fetch]
        base_url = "https://api.kimi.com/coding/v1/fetch"
        api_key = "sk-fetch"
        """;

    private static KimiConfig Load(string toml, params (string Name, string Value)[] environment)
        => ToolsConfigTests.Load(toml, name => environment.FirstOrDefault(e => e.Name == name).Value);

    [Fact]
    public void Read_OfficialLoginTables_BothServicesWithTheirCredential()
    {
        var config = Load(Both);

        Assert.Empty(config.Validate());
        var search = config.Services.Search!;
        Assert.Equal("https://api.kimi.com/coding/v1/search", search.BaseUrl);
        Assert.Null(search.ApiKey); // "" means none
        Assert.Equal("oauth/kimi-code", search.OAuth!.Key);
        Assert.Equal([new("X-Team", "tools")], search.CustomHeaders);
        Assert.Equal("sk-fetch", config.Services.Fetch!.ApiKey);
        Assert.DoesNotContain("sk-fetch", config.Services.Fetch.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_NoTables_NoServices()
    {
        var config = Load("default_model = \"x\"\n[models.x]\nprovider = \"p\"\nmodel = \"m\"\n[providers.p]\ntype = \"kimi\"\n");

        Assert.Null(config.Services.Search);
        Assert.Null(config.Services.Fetch);
    }

    [Fact]
    public void Resolve_EnvironmentBaseUrl_SeparateEndpointWithoutTheFileCredentialOrHeaders()
    {
        var config = Load(Both, ("KIMI_WEB_SEARCH_BASE_URL", "http://127.0.0.1:9/search"));

        var search = config.Services.Search!;
        Assert.Equal("http://127.0.0.1:9/search", search.BaseUrl);
        Assert.Null(search.OAuth);
        Assert.Null(search.ApiKey);
        Assert.Empty(search.CustomHeaders);
        Assert.Equal("KIMI_WEB_SEARCH_BASE_URL", search.Source);
    }

    [Fact]
    public void Resolve_EnvironmentKeyOnly_ReplacesBothCredentialFormsKeepsEndpointAndHeaders()
    {
        var config = Load(Both, ("KIMI_WEB_SEARCH_API_KEY", "sk-env"), ("KIMI_WEB_FETCH_API_KEY", "  "));

        var search = config.Services.Search!;
        Assert.Equal("sk-env", search.ApiKey);
        Assert.Null(search.OAuth);
        Assert.Equal("https://api.kimi.com/coding/v1/search", search.BaseUrl);
        Assert.Equal([new("X-Team", "tools")], search.CustomHeaders);
        Assert.Equal("sk-fetch", config.Services.Fetch!.ApiKey); // blank variables are ignored
    }

    [Fact]
    public void Resolve_EnvironmentOnly_EnablesTheServiceWithoutATable()
    {
        var config = Load("", ("KIMI_WEB_FETCH_BASE_URL", "https://fetch.example/v1"), ("KIMI_WEB_FETCH_API_KEY", "sk-f"));

        Assert.Equal("https://fetch.example/v1", config.Services.Fetch!.BaseUrl);
        Assert.Equal("sk-f", config.Services.Fetch.ApiKey);
        Assert.Null(config.Services.Search);
    }

    [Theory]
    [InlineData("[services.moonshot_search]\nbase_url = \"ftp://x\"\n", "config.toml:2: [services.moonshot_search] base_url \"ftp://x\" is not an absolute http(s) URL")]
    [InlineData("[services.moonshot_fetch]\nbase_url = 5\n", "config.toml:2: [services.moonshot_fetch] base_url must be a string in quotes")]
    [InlineData("[services]\nmoonshot_search = \"https://x\"\n", "config.toml:2: [services] moonshot_search must be a table")]
    [InlineData("[services.moonshot_search]\nbase_url = \"https://x\"\noauth = \"kimi\"\n", "config.toml:3: [services.moonshot_search] oauth must be a table")]
    [InlineData("[services.moonshot_search]\nbase_url = \"https://x\"\ncustom_headers = { \"A\" = 1 }\n", "config.toml:3: [services.moonshot_search] custom_headers must be a table")]
    public void Validate_BadTable_OneLineWithFileAndLine(string toml, string expected)
    {
        var problem = Assert.Single(Load(toml).Validate());

        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void Validate_BadEnvironmentUrl_NamesTheVariable()
    {
        var problem = Assert.Single(Load("", ("KIMI_WEB_SEARCH_BASE_URL", "not a url")).Validate());

        Assert.Equal("environment: KIMI_WEB_SEARCH_BASE_URL=\"not a url\" is not an absolute http(s) URL; fix or unset it", problem);
    }

    [Fact]
    public void Read_OtherServiceKeys_Ignored()
    {
        var config = Load("[services.other]\nbase_url = 1\n");

        Assert.Empty(config.Validate());
    }
}
