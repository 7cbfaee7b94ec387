namespace KimiCode.Config.Tests;

public sealed class ToolsConfigTests
{
    /// <summary>Loads <paramref name="toml"/> as config.toml of a fresh temporary home (also used by <see cref="OfficialKeysTests"/>).</summary>
    internal static KimiConfig Load(string toml, Func<string, string?>? environment = null)
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), environment ?? (_ => null));
        File.WriteAllText(store.Home.ConfigFile, toml);
        return store.LoadEffective();
    }

    [Fact]
    public void PassEnv_ListOfNames_ReadInOrder()
    {
        var config = Load("[tools]\npass_env = [\"GITHUB_TOKEN\", \"KIMI_CODE_BASE_URL\"]\n");

        Assert.Equal(["GITHUB_TOKEN", "KIMI_CODE_BASE_URL"], config.Tools.PassEnv);
        Assert.Empty(config.Validate());
    }

    [Fact]
    public void PassEnv_Absent_Empty()
    {
        var config = Load("[tools]\n");

        Assert.Empty(config.Tools.PassEnv);
        Assert.Empty(config.Validate());
    }

    [Fact]
    public void PassEnv_NotAList_OneLineWithFileAndLine()
    {
        var problem = Assert.Single(Load("\n[tools]\npass_env = \"GITHUB_TOKEN\"\n").Validate());

        Assert.EndsWith("config.toml:3: [tools] pass_env must be a list of variable names, e.g. pass_env = [\"GITHUB_TOKEN\"]; fix it", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Theory]
    [InlineData("\"1ABC\"", "\"1ABC\"")]
    [InlineData("\"A-B\"", "\"A-B\"")]
    [InlineData("\"\"", "\"\"")]
    [InlineData("3", "a value that is not a string")]
    public void PassEnv_BadName_OneLinePerName(string item, string shown)
    {
        var config = Load($"[tools]\npass_env = [\"OK_NAME\", {item}]\n");

        var problem = Assert.Single(config.Validate());
        Assert.EndsWith($"config.toml:2: [tools] pass_env has {shown}, which is not an environment variable name (letters, digits and _, not starting with a digit); fix it", problem, StringComparison.Ordinal);
        Assert.Equal(["OK_NAME"], config.Tools.PassEnv);
    }
}
