namespace KimiCode.Config.Tests;

public sealed class DocsTests
{
    [Fact]
    public void ConfigDoc_TomlExample_ParsesAndValidates()
    {
        var docs = Path.Combine(Path.GetDirectoryName(Path.GetDirectoryName(Path.GetDirectoryName(TestPaths.TomlTestRoot)))!, "..", "docs", "config.md");
        var markdown = File.ReadAllText(docs);
        var start = markdown.IndexOf("```toml\n", StringComparison.Ordinal) + "```toml\n".Length;
        var end = markdown.IndexOf("```", start, StringComparison.Ordinal);
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null);
        File.WriteAllText(store.Home.ConfigFile, markdown[start..end]);

        var config = store.Load();

        Assert.Empty(config.Validate());
        Assert.Equal("Kimi for Coding", config.Models["kimi-code/kimi-for-coding"].DisplayName);
        Assert.Equal(3, config.LoopControl.MaxRetriesPerStep);
    }
}
