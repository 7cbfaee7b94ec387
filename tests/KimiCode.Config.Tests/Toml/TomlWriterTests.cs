using KimiCode.Config.Toml;

namespace KimiCode.Config.Tests.Toml;

public sealed class TomlWriterTests
{
    [Fact]
    public void Write_Document_PutsKeysBeforeSectionsAndQuotesKeysThatNeedIt()
    {
        var table = TomlDocument.Parse("""
            [[arr]]
            x = 1
            [a."b.c"]
            s = "q\"uote"
            top = 1
            """);

        var written = TomlWriter.Write(table);

        Assert.Equal("[[arr]]\nx = 1\n\n[a]\n\n[a.\"b.c\"]\ns = \"q\\\"uote\"\ntop = 1\n", written);
    }

    [Theory]
    [InlineData("\u0000\u001f\u007f tab\t é 😀 \\ \"")]
    [InlineData("")]
    [InlineData("'''")]
    public void Write_TrickyStrings_RoundTrip(string value)
    {
        var table = new TomlTable { ["k"] = value, [value.Length == 0 ? "empty key?" : value] = 1L };

        var reparsed = TomlDocument.Parse(TomlWriter.Write(table));

        Assert.Equal(value, reparsed["k"]);
        Assert.True(reparsed.ContainsKey(value.Length == 0 ? "empty key?" : value));
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(1e300)]
    [InlineData(-5e-324)]
    [InlineData(3.0)]
    [InlineData(double.NegativeInfinity)]
    [InlineData(0.1)]
    public void Write_Floats_RoundTripExactly(double value)
    {
        var reparsed = TomlDocument.Parse(TomlWriter.Write(new TomlTable { ["f"] = value }));

        var read = Assert.IsType<double>(reparsed["f"]);
        Assert.Equal(BitConverter.DoubleToInt64Bits(value), BitConverter.DoubleToInt64Bits(read));
    }

    [Fact]
    public void Write_NegativeZero_KeepsItsSign()
    {
        var written = TomlWriter.Write(new TomlTable { ["f"] = -0.0 });

        Assert.Equal("f = -0.0\n", written);
        Assert.True(double.IsNegative((double)TomlDocument.Parse(written)["f"]));
    }

    [Fact]
    public void Write_CodeBuiltNestedTables_BecomeSections()
    {
        var table = new TomlTable
        {
            ["providers"] = new TomlTable { ["p"] = new TomlTable { ["type"] = "kimi", ["headers"] = new TomlTable { ["A"] = "1" } } },
            ["list"] = new TomlArray([1L, "two", new TomlArray([true])]),
        };

        var written = TomlWriter.Write(table);

        Assert.Equal("list = [ 1, \"two\", [ true ] ]\n\n[providers]\n\n[providers.p]\ntype = \"kimi\"\n\n[providers.p.headers]\nA = \"1\"\n", written);
    }
}
