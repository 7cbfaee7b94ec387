using System.Text;
using KimiCode.Config.Toml;

namespace KimiCode.Config.Tests.Toml;

public sealed class TomlDocumentTests
{
    [Theory]
    [InlineData("a = 1\nb = 2\nc = @\n", 3, 5)]
    [InlineData("[a]\n[a]\n", 2, 1)]
    [InlineData("x = \"unterminated\n", 1, 18)]
    [InlineData("\n\n  k = 0x\n", 3, 7)]
    public void Parse_Error_ReportsOneBasedLineAndColumn(string text, int line, int column)
    {
        var error = Assert.Throws<TomlException>(() => TomlDocument.Parse(text, "c.toml"));

        Assert.Equal((line, column), (error.Line, error.Column));
        Assert.Equal("config.toml_syntax", error.Code);
        Assert.StartsWith($"c.toml:{line}:{column}: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_WithoutSourcePath_UsesPlaceholderName()
    {
        var error = Assert.Throws<TomlException>(() => TomlDocument.Parse("="));

        Assert.StartsWith("<config>:1:1: ", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_InvalidUtf8Bytes_ThrowsTomlException()
    {
        byte[] bytes = [(byte)'a', (byte)' ', (byte)'=', (byte)' ', (byte)'"', 0xC3, 0x28, (byte)'"'];

        var error = Assert.Throws<TomlException>(() => TomlDocument.Parse(bytes, "bad.toml"));

        Assert.Contains("not valid UTF-8", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_KeepsKeyOrderAndCase()
    {
        var table = TomlDocument.Parse("b = 1\nB = 2\na = 3\n");

        Assert.Equal(["b", "B", "a"], table.Keys);
    }

    [Fact]
    public void Parse_DateTimeKinds_RoundTripThroughToString()
    {
        var table = TomlDocument.Parse("odt = 1979-05-27 07:32:00.5-07:00\nldt = 1979-05-27T07:32:00\nld = 1979-05-27\nlt = 00:32:00.999999\nz = 0001-01-01T00:00:00+05:30\n");

        Assert.Equal("1979-05-27T07:32:00.5-07:00", table["odt"].ToString());
        Assert.Equal(new DateTimeOffset(1979, 5, 27, 7, 32, 0, 500, TimeSpan.FromHours(-7)), ((TomlDateTime)table["odt"]).ToDateTimeOffset());
        Assert.Equal("1979-05-27T07:32:00", table["ldt"].ToString());
        Assert.Equal(TomlDateTimeKind.LocalDate, ((TomlDateTime)table["ld"]).Kind);
        Assert.Equal("00:32:00.999999", table["lt"].ToString());
        Assert.Equal("0001-01-01T00:00:00+05:30", table["z"].ToString());
    }

    [Fact]
    public void Parse_TableOrigins_DistinguishInlineAndArraysOfTables()
    {
        var table = TomlDocument.Parse("i = { a = 1 }\ns = [1]\n[[t]]\nx = 1\n[[t]]\n");

        Assert.True(((TomlTable)table["i"]).IsInline);
        Assert.False(((TomlArray)table["s"]).IsArrayOfTables);
        var tables = (TomlArray)table["t"];
        Assert.True(tables.IsArrayOfTables);
        Assert.Equal(2, tables.Count);
    }

    [Fact]
    public void Parse_DeepNesting_FailsCleanlyInsteadOfOverflowing()
    {
        var text = "a = " + new string('[', 10_000) + new string(']', 10_000) + "\n";

        var error = Assert.Throws<TomlException>(() => TomlDocument.Parse(text));

        Assert.Contains("nested too deeply", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_OneMegabyteFile_ReadsEveryTable()
    {
        // Speed is measured by bench/KimiCode.Config.Benchmarks (docs/performance.md), not by timing here.
        var text = BuildLargeDocument(1024 * 1024);

        var table = TomlDocument.Parse(text);

        var providers = (TomlTable)table["providers"];
        var models = (TomlTable)table["models"];
        Assert.Equal(providers.Count, models.Count);
        Assert.True(providers.Count > 1000);
        var last = (TomlTable)providers.GetAt(providers.Count - 1).Value;
        Assert.Equal(new TomlArray([1.5, 2e3, -0.25, double.PositiveInfinity]), (TomlArray)last["weights"]);
        Assert.Equal("line one \u00e9\nline two", last["notes"]);
    }

    private static string BuildLargeDocument(int size)
    {
        var builder = new StringBuilder(size + 4096);
        builder.Append("# generated\ndefault_model = \"m/0\"\n");
        for (var i = 0; builder.Length < size; i++)
        {
            builder.Append("\n# provider ").Append(i).Append('\n')
                .Append("[providers.\"p:").Append(i).Append("\"]\n")
                .Append("type = \"openai\"\nbase_url = \"https://example.com/v").Append(i).Append("\"\n")
                .Append("custom_headers = { X-A = \"1\", X-B = 'two' }\n")
                .Append("weights = [ 1.5, 2e3, -0.25, inf ]\n")
                .Append("created = 2024-01-0").Append((i % 9) + 1).Append("T10:00:00Z\n")
                .Append("notes = \"\"\"\nline one \\u00e9\nline two\"\"\"\n")
                .Append("\n[[models.\"m/").Append(i).Append("\".tags]]\nname = 'x'\nlimit = 1_000_000\n");
        }

        return builder.ToString();
    }
}
