using System.Text.Json.Nodes;
using KimiCode.Config.Toml;

namespace KimiCode.Config.Tests.Toml;

/// <summary>The toml-test suite (TOML 1.0.0 list only): one theory case per file so failures are named.</summary>
public sealed class TomlConformanceTests
{
    public static TheoryData<string> ValidCases() => [.. TestPaths.ListedCases("valid/")];

    public static TheoryData<string> InvalidCases() => [.. TestPaths.ListedCases("invalid/")];

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Parse_ValidSuiteFile_MatchesExpectedJson(string relativePath)
    {
        var (parsed, expected) = Load(relativePath);

        TaggedJson.AssertEquivalent(expected, parsed);
    }

    [Theory]
    [MemberData(nameof(InvalidCases))]
    public void Parse_InvalidSuiteFile_ThrowsTomlException(string relativePath)
    {
        var bytes = File.ReadAllBytes(Path.Combine(TestPaths.TomlTestRoot, relativePath));

        var error = Record.Exception(() => TomlDocument.Parse(bytes, relativePath));

        var toml = Assert.IsType<TomlException>(error);
        Assert.Equal("config.toml_syntax", toml.Code);
        Assert.True(toml.Line >= 1 && toml.Column >= 1);
        Assert.StartsWith($"{relativePath}:{toml.Line}:{toml.Column}: ", toml.Message, StringComparison.Ordinal);
    }

    [Theory]
    [MemberData(nameof(ValidCases))]
    public void Write_ValidSuiteFile_RoundTripsToEqualTree(string relativePath)
    {
        var (parsed, expected) = Load(relativePath);

        var written = TomlWriter.Write(parsed);
        var reparsed = TomlDocument.Parse(written, relativePath + " (rewritten)");

        TaggedJson.AssertEquivalent(expected, reparsed);
    }

    [Fact]
    public void Suite_ListFile_HasBothValidAndInvalidCases()
    {
        Assert.True(TestPaths.ListedCases("valid/").Count() > 100);
        Assert.True(TestPaths.ListedCases("invalid/").Count() > 100);
    }

    private static (TomlTable Parsed, JsonNode? Expected) Load(string relativePath)
    {
        var full = Path.Combine(TestPaths.TomlTestRoot, relativePath);
        var parsed = TomlDocument.Parse(File.ReadAllBytes(full), relativePath);
        var expected = JsonNode.Parse(File.ReadAllText(Path.ChangeExtension(full, ".json")));
        return (parsed, expected);
    }
}
