using KimiCode.Config.Toml;
using KimiCode.Protocol;

namespace KimiCode.Config.Tests.Toml;

public sealed class TomlEditorTests
{
    private const string Sample = Samples.OAuthLoginConfig;

    [Fact]
    public void Set_ExistingValue_ReplacesOnlyTheValueText()
    {
        var editor = new TomlEditor(Sample);

        editor.Set(["providers", "managed:kimi-code", "base_url"], "http://127.0.0.1:4000/coding/v1");

        Assert.Equal(
            Sample.Replace("base_url = \"https://api.kimi.com/coding/v1\"", "base_url = \"http://127.0.0.1:4000/coding/v1\"", StringComparison.Ordinal),
            editor.Text);
    }

    [Fact]
    public void Set_NewKeyInExistingTable_AppendsAfterTheTablesLastKey()
    {
        var editor = new TomlEditor(Sample);

        editor.Set(["models", "kimi-code/kimi-for-coding", "display_name"], "Kimi for Coding");

        var expected = Sample.Replace(
            "capabilities = [ \"thinking\", \"tool_use\" ]\n",
            "capabilities = [ \"thinking\", \"tool_use\" ]\ndisplay_name = \"Kimi for Coding\"\n",
            StringComparison.Ordinal);
        Assert.Equal(expected, editor.Text);
    }

    [Fact]
    public void Set_NewTopLevelTable_AppendsSectionAtEnd()
    {
        var editor = new TomlEditor(Sample);

        editor.Set(["loop_control", "max_steps_per_turn"], 50L);

        Assert.Equal(Sample + "\n[loop_control]\nmax_steps_per_turn = 50\n", editor.Text);
    }

    [Fact]
    public void Set_NewSubTableOfExistingTable_InsertsRightAfterParentBlock()
    {
        var editor = new TomlEditor(Sample);

        editor.Set(["models", "kimi-code/kimi-for-coding", "limits", "rpm"], 10L);

        var expected = Sample.Replace(
            "capabilities = [ \"thinking\", \"tool_use\" ]\n",
            "capabilities = [ \"thinking\", \"tool_use\" ]\n\n[models.\"kimi-code/kimi-for-coding\".limits]\nrpm = 10\n",
            StringComparison.Ordinal);
        Assert.Equal(expected, editor.Text);
    }

    [Fact]
    public void Set_QuotedKeyPath_AddsProviderWithQuotedHeader()
    {
        var editor = new TomlEditor(Sample);

        editor.Set(["providers", "moonshot-cn", "type"], "kimi");
        editor.Set(["providers", "moonshot-cn", "api_key"], "sk-test");

        var expected = Sample.Replace(
            "oauth_host = \"https://auth.kimi.com\"\n",
            "oauth_host = \"https://auth.kimi.com\"\n\n[providers.moonshot-cn]\ntype = \"kimi\"\napi_key = \"sk-test\"\n",
            StringComparison.Ordinal);
        Assert.Equal(expected, editor.Text);
        Assert.Equal("kimi", ((TomlTable)((TomlTable)editor.Document["providers"])["moonshot-cn"])["type"]);
    }

    [Fact]
    public void RemoveTable_OAuthSubTable_RemovesOnlyThatSection()
    {
        var editor = new TomlEditor(Sample);

        Assert.True(editor.RemoveTable(["providers", "managed:kimi-code", "oauth"]));

        var expected = Sample.Replace(
            "[providers.\"managed:kimi-code\".oauth]\nstorage = \"file\"\nkey = \"oauth/kimi-code\"\noauth_host = \"https://auth.kimi.com\"\n\n",
            string.Empty,
            StringComparison.Ordinal);
        Assert.Equal(expected, editor.Text);
    }

    [Fact]
    public void RemoveTable_ProviderWithSubTables_RemovesBothSections()
    {
        var editor = new TomlEditor(Sample);

        Assert.True(editor.RemoveTable(["providers", "managed:kimi-code"]));

        Assert.Equal(
            """
            default_model = "kimi-code/kimi-for-coding"

            [models."kimi-code/kimi-for-coding"]
            provider = "managed:kimi-code"
            model = "kimi-for-coding"
            max_context_size = 262144
            capabilities = [ "thinking", "tool_use" ]

            [thinking]
            enabled = true

            """,
            editor.Text);
    }

    [Fact]
    public void RemoveTable_LastSection_DropsTrailingBlankLine()
    {
        var editor = new TomlEditor(Sample);

        editor.RemoveTable(["thinking"]);

        Assert.EndsWith("capabilities = [ \"thinking\", \"tool_use\" ]\n", editor.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void RemoveTable_Missing_ReturnsFalseAndKeepsText()
    {
        var editor = new TomlEditor(Sample);

        Assert.False(editor.RemoveTable(["providers", "nope"]));
        Assert.Equal(Sample, editor.Text);
    }

    [Fact]
    public void Remove_Key_RemovesItsLineOnly()
    {
        var editor = new TomlEditor(Sample);

        Assert.True(editor.Remove(["models", "kimi-code/kimi-for-coding", "max_context_size"]));

        Assert.Equal(Sample.Replace("max_context_size = 262144\n", string.Empty, StringComparison.Ordinal), editor.Text);
        Assert.False(editor.Remove(["models", "kimi-code/kimi-for-coding", "max_context_size"]));
    }

    [Fact]
    public void Edits_WithCommentsAndOddSpacing_PreserveEveryOtherByte()
    {
        const string text = """
            # my settings, do not touch
            default_model   =   'kimi-code/kimi-for-coding'   # literal quotes kept

            # providers below
            [ providers . "managed:kimi-code" ]   # header comment
            type="kimi"
              base_url = "https://api.kimi.com/coding/v1"  # trailing

            [thinking] # x
            enabled=false
            """;
        var editor = new TomlEditor(text);

        editor.Set(["thinking", "enabled"], true);
        editor.Set(["providers", "managed:kimi-code", "api_key"], "");

        Assert.Equal(
            """
            # my settings, do not touch
            default_model   =   'kimi-code/kimi-for-coding'   # literal quotes kept

            # providers below
            [ providers . "managed:kimi-code" ]   # header comment
            type="kimi"
              base_url = "https://api.kimi.com/coding/v1"  # trailing
            api_key = ""

            [thinking] # x
            enabled=true
            """,
            editor.Text);
    }

    [Fact]
    public void Set_FileWithoutTrailingNewline_EndsPreviousLineFirst()
    {
        var editor = new TomlEditor("[thinking]\nenabled = true");

        editor.Set(["thinking", "budget"], 5L);

        Assert.Equal("[thinking]\nenabled = true\nbudget = 5\n", editor.Text);
    }

    [Fact]
    public void Edits_CrlfFile_StayCrlf()
    {
        var crlf = Sample.Replace("\n", "\r\n", StringComparison.Ordinal);
        var editor = new TomlEditor(crlf);

        editor.Set(["models", "kimi-code/kimi-for-coding", "display_name"], "K");
        editor.Set(["permissions", "mode"], "ask");
        editor.RemoveTable(["providers", "managed:kimi-code", "oauth"]);

        Assert.DoesNotContain("\n", editor.Text.Replace("\r\n", string.Empty, StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Contains("display_name = \"K\"\r\n", editor.Text, StringComparison.Ordinal);
        Assert.EndsWith("enabled = true\r\n\r\n[permissions]\r\nmode = \"ask\"\r\n", editor.Text, StringComparison.Ordinal);
    }

    [Fact]
    public void Set_RootKeyWhenNoneExist_GoesBeforeFirstHeader()
    {
        var withoutDefault = Sample[(Sample.IndexOf('[', StringComparison.Ordinal))..];
        var editor = new TomlEditor(withoutDefault);

        editor.Set(["default_model"], "kimi-code/kimi-for-coding");

        Assert.Equal(Sample, editor.Text);
    }

    [Fact]
    public void Set_KeyUnderDottedKeyTable_AddsDottedKeyInDefiningSection()
    {
        var editor = new TomlEditor("[providers]\nx.type = \"kimi\"\n\n[other]\na = 1\n");

        editor.Set(["providers", "x", "base_url"], "https://example.com/v1");

        Assert.Equal("[providers]\nx.type = \"kimi\"\nx.base_url = \"https://example.com/v1\"\n\n[other]\na = 1\n", editor.Text);
    }

    [Fact]
    public void Set_KeyInsideInlineTable_ThrowsUnsupported()
    {
        var editor = new TomlEditor("p = { a = 1 }\n");

        var error = Assert.Throws<KimiCodeException>(() => editor.Set(["p", "b"], 2L));

        Assert.Equal(ConfigErrorCodes.EditUnsupported, error.Code);
        Assert.Equal("p = { a = 1 }\n", editor.Text);
    }

    [Fact]
    public void Set_ValueKinds_AreFormattedAsValidToml()
    {
        var editor = new TomlEditor(string.Empty);
        var headers = new OrderedDictionary<string, string> { ["X-Trace"] = "1", ["User-Agent"] = "a \"b\"" };

        editor.Set(["s"], "line\nbreak");
        editor.Set(["f"], 1.0);
        editor.Set(["h"], headers);
        editor.Set(["e"], Array.Empty<string>());

        Assert.Equal("s = \"line\\nbreak\"\nf = 1.0\nh = { X-Trace = \"1\", User-Agent = \"a \\\"b\\\"\" }\ne = []\n", editor.Text);
        Assert.Equal("line\nbreak", editor.Document["s"]);
    }

    [Fact]
    public void Constructor_MalformedText_ThrowsTomlException()
    {
        var error = Assert.Throws<TomlException>(() => new TomlEditor("a = 1\nb = \n", "/x/config.toml"));

        Assert.Equal(2, error.Line);
        Assert.StartsWith("/x/config.toml:2:", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void EnsureTable_Missing_AddsEmptySection_ExistingIsNoOp()
    {
        var editor = new TomlEditor(Sample);

        editor.EnsureTable(["thinking"]);
        Assert.Equal(Sample, editor.Text);

        editor.EnsureTable(["permissions"]);
        Assert.Equal(Sample + "\n[permissions]\n", editor.Text);
    }

    [Fact]
    public void Set_RootKeyInFileWithByteOrderMark_KeepsMarkFirst()
    {
        var editor = new TomlEditor("\uFEFF[thinking]\nenabled = true\n");

        editor.Set(["default_model"], "m");

        Assert.Equal("\uFEFFdefault_model = \"m\"\n\n[thinking]\nenabled = true\n", editor.Text);
    }

    [Fact]
    public void RemoveTable_CommentAboveHeader_IsRemovedWithSection()
    {
        var editor = new TomlEditor("a = 1\n\n# about x\n[x]\nk = 1\n\n# about y\n[y]\nk = 2\n");

        editor.RemoveTable(["x"]);

        Assert.Equal("a = 1\n\n# about y\n[y]\nk = 2\n", editor.Text);
    }

    [Fact]
    public void RemoveTable_DottedAndInlineDefinitions_RemovesTheirLines()
    {
        var editor = new TomlEditor("[providers]\nx.type = \"kimi\"\nx.base_url = \"u\"\ny = { type = \"openai\" }\nz.type = \"kimi\"\n");

        editor.RemoveTable(["providers", "x"]);
        editor.RemoveTable(["providers", "y"]);

        Assert.Equal("[providers]\nz.type = \"kimi\"\n", editor.Text);
    }

    [Fact]
    public void Set_EqualValueSpelledDifferently_LeavesTheTextByteForByte()
    {
        const string text = "model = 'kimi'\nheaders = { 'X-A' = 'a',   \"X-B\" = \"b\" }\ncaps = [\"thinking\",\"tool_use\"]\nn = 0x10\n";
        var editor = new TomlEditor(text);

        editor.Set(["model"], "kimi");
        editor.Set(["headers"], new OrderedDictionary<string, string> { ["X-A"] = "a", ["X-B"] = "b" });
        editor.Set(["caps"], new[] { "thinking", "tool_use" });
        editor.Set(["n"], 16L);

        Assert.Equal(text, editor.Text);
    }

    [Fact]
    public void Set_ChangedInlineTable_RewritesOnlyThatValue()
    {
        var editor = new TomlEditor("a = 'x'\nheaders = { 'X-A' = 'a' }\n");

        editor.Set(["headers"], new OrderedDictionary<string, string> { ["X-A"] = "b" });

        Assert.Equal("a = 'x'\nheaders = { X-A = \"b\" }\n", editor.Text);
    }

    [Fact]
    public void Remove_FirstLineBeforeBlankLine_LeavesNoBlankLineAtTheTop()
    {
        var editor = new TomlEditor("default_model = \"a\"\n\n[thinking]\nenabled = true\n");

        editor.Remove(["default_model"]);

        Assert.Equal("[thinking]\nenabled = true\n", editor.Text);
    }

    [Fact]
    public void Set_EqualValueInsideInlineTable_IsANoOpInsteadOfAnError()
    {
        const string text = "thinking = { enabled = true }\n";
        var editor = new TomlEditor(text);

        editor.Set(["thinking", "enabled"], true);

        Assert.Equal(text, editor.Text);
        Assert.Throws<KimiCodeException>(() => editor.Set(["thinking", "enabled"], false));
    }
}
