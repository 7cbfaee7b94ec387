using KimiCode.Cli.Shell;
using KimiCode.Cli.Tests.Support;

namespace KimiCode.Cli.Tests.Shell;

public sealed class MarkdownRendererTests
{
    private static (string Screen, string Raw) Render(string markdown, int width = 60)
    {
        var terminal = new TestTerminal(width);
        var screen = new ShellScreen(terminal.Console);
        foreach (var block in MarkdownRenderer.Render(markdown))
        {
            screen.Gap();
            screen.Write(block);
        }

        return (terminal.Screen.Text, terminal.Raw);
    }

    [Fact]
    public void Render_Headings_KeepTheirMarkersAndAreBold()
    {
        var (text, raw) = Render("# Title\n\n## Part two\n\nbody");

        Assert.Equal("# Title\n\n## Part two\n\nbody", text);
        Assert.Matches(@"\u001b\[[0-9;]*1[0-9;]*m(\u001b\[[0-9;]*m)?Title", raw); // bold
    }

    [Fact]
    public void Render_Emphasis_StyledWithoutMarkers()
    {
        var (text, raw) = Render("Some *soft*, **strong**, ~~gone~~ and `code`.");

        Assert.Equal("Some soft, strong, gone and code.", text);
        Assert.Matches(@"\u001b\[[0-9;]*3[0-9;]*msoft", raw);   // italic
        Assert.Matches(@"\u001b\[[0-9;]*1[0-9;]*mstrong", raw); // bold
        Assert.Matches(@"\u001b\[[0-9;]*9[0-9;]*mgone", raw);   // strikethrough
        Assert.DoesNotContain("**", text);
    }

    [Fact]
    public void Render_FencedCode_LanguageLabelThenLinesAsTheyAre()
    {
        var (text, raw) = Render("```python\nif x:\n    print(\"[x]\")\n```");

        Assert.Equal("python\nif x:\n    print(\"[x]\")", text);
        Assert.Matches(@"\u001b\[[0-9;]*2[0-9;]*mpython", raw); // the label is dim
        Assert.DoesNotContain("│", text);
        Assert.DoesNotContain("╭", text);
    }

    [Fact]
    public void Render_LongCodeLineAt80Columns_OneLineWithoutBordersOrWraps()
    {
        var curl = "curl -s -H 'Authorization: Bearer $TOKEN' https://api.example.com/v1/projects/12345/items?limit=100 | jq '.items[].name'";
        Assert.True(curl.Length >= 120);

        var (_, raw) = Render($"Run this:\n\n```bash\n{curl}\n```\n\nDone.", width: 80);

        var plain = System.Text.RegularExpressions.Regex.Replace(raw, @"\u001b\[[0-9;?]*[A-Za-z]", "");
        var lines = plain.Replace("\r", "", StringComparison.Ordinal).Split('\n');
        Assert.Contains(curl, lines); // the whole command on one line: the terminal wraps it, copying gives it back
        Assert.Contains("bash", lines);
        Assert.DoesNotContain(lines, l => l.Contains('│') || l.Contains('╭') || l.Contains('╰'));
    }

    [Fact]
    public void Render_CodeWithEscapeAndTab_EscapeShownTabAsSpaces()
    {
        var (text, raw) = Render("```\na\tb \u001b[2Jgone\n```");

        Assert.Equal("a    b \\x1b[2Jgone", text);
        Assert.DoesNotContain("\u001b[2J", raw);
    }

    [Fact]
    public void Render_NoColor_CodeBlockHasNoColourCodes()
    {
        var terminal = new TestTerminal(80, colors: false);
        var screen = new ShellScreen(terminal.Console);
        foreach (var block in MarkdownRenderer.Render("```python\nif x: # note\n    print('hi', 42)\n```"))
        {
            screen.Write(block);
        }

        Assert.DoesNotMatch(@"\u001b\[[0-9;]*(3[0-9]|9[0-7]|38;)", terminal.Raw);
        Assert.Equal("python\nif x: # note\n    print('hi', 42)", terminal.Screen.Text);
    }

    [Theory]
    [InlineData("python", "if x: # note\n    print('hi', 42)", "if", "'hi'")]
    [InlineData("csharp", "var s = \"hi\"; // note\nreturn 42;", "return", "\"hi\"")]
    [InlineData("cs", "var s = \"hi\"; // note\nreturn 42;", "return", "\"hi\"")]
    public void Render_KnownLanguage_KeywordsAndStringsColouredTextUnchanged(string language, string code, string keyword, string literal)
    {
        var (text, raw) = Render($"```{language}\n{code}\n```");

        Assert.Equal(language + "\n" + code, text);
        Assert.Matches(@"\u001b\[[0-9;]*(3[0-9]|9[0-7]|38;[0-9;]+)m" + System.Text.RegularExpressions.Regex.Escape(keyword), raw);
        Assert.Matches(@"\u001b\[[0-9;]*(3[0-9]|9[0-7]|38;[0-9;]+)m" + System.Text.RegularExpressions.Regex.Escape(literal), raw);
    }

    [Fact]
    public void Render_UnknownLanguage_PlainLines()
    {
        var (text, raw) = Render("```nosuchlanguage\nif x then y\n```");

        Assert.Equal("nosuchlanguage\nif x then y", text);
        Assert.DoesNotMatch(@"\u001b\[[0-9;]*(3[0-9]|9[0-7]|38;)[0-9;]*mif", raw);
    }

    [Fact]
    public void LastCode_AnswerWithTwoBlocks_GivesTheLastExactly()
    {
        Assert.Equal("second\n\tindented", MarkdownRenderer.LastCode("```\nfirst\n```\n\ntext\n\n```sh\nsecond\n\tindented\n```\n"));
        Assert.Null(MarkdownRenderer.LastCode("no code here"));
    }

    [Fact]
    public void Render_Lists_BulletsNumbersNestingAndHangingIndent()
    {
        var (text, _) = Render("- alpha\n- a long item that has to wrap because the screen is narrow\n  - nested\n\n3. three\n4. four", width: 30);

        Assert.Equal(
            "• alpha\n" +
            "• a long item that has to wrap\n" +
            "  because the screen is narrow\n" +
            "  • nested\n" +
            "\n" +
            "3. three\n" +
            "4. four", text);
    }

    [Fact]
    public void Render_TaskListAndQuote_MarkedAsSuch()
    {
        var (text, _) = Render("- [x] done\n- [ ] todo\n\n> quoted\n> text");

        Assert.Equal("☑ done\n☐ todo\n\n│ quoted\n│ text", text);
    }

    [Fact]
    public void Render_PipeTable_DrawnAsTable()
    {
        var (text, _) = Render("| name | n |\n|---|--:|\n| a | 1 |\n| bb | 22 |");

        Assert.Equal(
            "╭──────┬────╮\n" +
            "│ name │  n │\n" +
            "├──────┼────┤\n" +
            "│ a    │  1 │\n" +
            "│ bb   │ 22 │\n" +
            "╰──────┴────╯", text);
    }

    [Fact]
    public void Render_LinkWithOtherText_ShowsTheUrl()
    {
        var (text, _) = Render("See [the docs](https://example.com/docs) or <https://example.com>.", width: 100);

        Assert.Equal("See the docs (https://example.com/docs) or https://example.com.", text);
    }

    [Fact]
    public void Render_MarkupCharacters_ShownLiterally()
    {
        var (text, _) = Render("Use [red]not markup[/] here.");

        Assert.Equal("Use [red]not markup[/] here.", text);
    }
}
