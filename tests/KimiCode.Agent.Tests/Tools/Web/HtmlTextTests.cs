using KimiCode.Agent.Tools.Web;

namespace KimiCode.Agent.Tests.Tools.Web;

public sealed class HtmlTextTests
{
    [Fact]
    public void Extract_RealWorldShapedPage_KeepsArticleDropsFurniture()
    {
        var (title, text) = HtmlText.Extract(SamplePages.NewsArticle);

        Assert.Contains(SamplePages.ArticleMarker, title, StringComparison.Ordinal);
        Assert.Contains(SamplePages.ArticleSentence, text, StringComparison.Ordinal);
        Assert.Contains("# Release notes: the new ledger format", text, StringComparison.Ordinal);
        Assert.Contains("## Upgrading", text, StringComparison.Ordinal);
        Assert.Contains("- Install version 3.\n- Open each ledger once.", text, StringComparison.Ordinal);
        Assert.Contains("```\nledger convert --all ./data\n```", text, StringComparison.Ordinal);
        foreach (var furniture in SamplePages.FurnitureMarkers)
        {
            Assert.DoesNotContain(furniture, text, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("Share on", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_PageWithoutArticleOrMain_PicksTheBlockWithTheMostProse()
    {
        const string html = """
            <html><body>
            <div class="menu-links"><a href="/1">One</a> <a href="/2">Two</a> <a href="/3">Three</a></div>
            <div id="ads-right"><p>Sponsored: buy a boat, a car, a house, and a second boat today only.</p></div>
            <div class="wrapper"><div>
              <p>The first paragraph of the story explains the problem, its history, and why it matters now.</p>
              <p>The second paragraph gives the solution, with numbers, caveats, and a short example.</p>
            </div></div>
            </body></html>
            """;

        var (_, text) = HtmlText.Extract(html);

        Assert.StartsWith("The first paragraph", text, StringComparison.Ordinal);
        Assert.Contains("The second paragraph", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Sponsored", text, StringComparison.Ordinal);
        Assert.DoesNotContain("Three", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Extract_ScriptOnlyPage_NoText()
    {
        var (_, text) = HtmlText.Extract("<html><body><div id=\"root\"></div><script>render()</script></body></html>");

        Assert.Equal("", text);
    }
}
