using KimiCode.Config.Toml;

namespace KimiCode.Config.Tests;

public sealed class KimiConfigValidationTests
{
    private static IReadOnlyList<string> Validate(string toml)
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null);
        File.WriteAllText(store.Home.ConfigFile, toml);
        return store.Load().Validate();
    }

    [Fact]
    public void Validate_DefaultModelWithoutTable_NamesFileAndLine()
    {
        var problems = Validate("# c\ndefault_model = \"x\"\n");

        var problem = Assert.Single(problems);
        Assert.EndsWith("config.toml:2: default_model \"x\" names no [models.\"x\"] table; add it or change default_model", problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Validate_ModelWithUnknownProvider_Reported()
    {
        var problems = Validate("\n[models.m]\nprovider = \"ghost\"\nmodel = \"k\"\n");

        var problem = Assert.Single(problems);
        Assert.Contains("config.toml:2: model \"m\" uses provider \"ghost\"", problem, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("kimi", true)]
    [InlineData("openai_responses", true)]
    [InlineData("google-genai", true)]
    [InlineData("vertexai", true)]
    [InlineData("gemini", false)]
    public void Validate_ProviderType_OnlyKnownTypesPass(string type, bool valid)
    {
        var problems = Validate($"[providers.p]\ntype = \"{type}\"\n");

        Assert.Equal(valid, problems.Count == 0);
        if (!valid)
        {
            Assert.Contains("config.toml:1: provider \"p\" has type \"gemini\"; set type to one of kimi, openai", problems[0], StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("https://api.kimi.com/coding/v1", true)]
    [InlineData("http://127.0.0.1:8080", true)]
    [InlineData("ftp://example.com", false)]
    [InlineData("api.kimi.com/v1", false)]
    public void Validate_BaseUrl_MustBeAbsoluteHttp(string url, bool valid)
    {
        var problems = Validate($"[providers.p]\ntype = \"kimi\"\nbase_url = \"{url}\"\n");

        Assert.Equal(valid, problems.Count == 0);
        if (!valid)
        {
            Assert.Contains("not an absolute http(s) URL", problems[0], StringComparison.Ordinal);
        }
    }

    [Fact]
    public void FromToml_WrongValueTypes_AreTreatedAsAbsent()
    {
        var config = KimiConfig.FromToml(TomlDocument.Parse("default_model = 3\n[thinking]\nenabled = \"yes\"\n"));

        Assert.Null(config.DefaultModel);
        Assert.Null(config.Thinking.Enabled);
    }
}
