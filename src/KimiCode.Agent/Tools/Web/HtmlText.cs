using System.Text;
using System.Text.RegularExpressions;
using AngleSharp.Dom;
using AngleSharp.Html.Parser;

namespace KimiCode.Agent.Tools.Web;

/// <summary>
/// The readable main text of an HTML page, for the model: AngleSharp parses the page as a browser would (HTML5), then
/// the page's furniture is dropped (scripts, styles, navigation, headers, footers, sidebars, forms, and blocks whose
/// class or id says ad, banner, cookie, share, related, comments …), the main block is chosen (<c>article</c>,
/// <c>main</c>, else the block whose paragraphs carry the most text, in the spirit of Mozilla's Readability), and it
/// is written as plain text with Markdown-like headings, list items and code blocks.
/// </summary>
public static partial class HtmlText
{
    private static readonly string[] Furniture =
    [
        "script", "style", "noscript", "template", "svg", "canvas", "iframe", "object", "embed", "form", "button", "input",
        "select", "textarea", "nav", "footer", "aside", "dialog", "menu", "header", "[role=navigation]", "[role=banner]",
        "[role=contentinfo]", "[role=complementary]", "[role=dialog]", "[role=search]", "[aria-hidden=true]", "[hidden]",
    ];

    private static readonly HashSet<string> Blocks = new(StringComparer.OrdinalIgnoreCase)
    {
        "p", "div", "section", "article", "main", "blockquote", "figure", "figcaption", "table", "tr", "ul", "ol", "dl",
        "dt", "dd", "address", "details", "summary", "hr", "body", "center",
    };

    /// <summary>The page's title (may be empty) and its main text.</summary>
    public static (string Title, string Text) Extract(string html)
    {
        ArgumentNullException.ThrowIfNull(html);
        var document = new HtmlParser().ParseDocument(html);
        var title = Collapse(document.Title ?? "");
        var body = document.Body;
        if (body is null)
        {
            return (title, "");
        }

        foreach (var element in body.QuerySelectorAll(string.Join(',', Furniture)).ToList())
        {
            // A header inside the article is its headline, not the site's banner.
            if (element.LocalName == "header" && element.Closest("article, main") is not null)
            {
                continue;
            }

            element.Remove();
        }

        foreach (var element in body.QuerySelectorAll("[class], [id]").ToList())
        {
            if (element.LocalName is not ("article" or "main" or "body") && IsClutter(element) && element.QuerySelector("article, main") is null)
            {
                element.Remove();
            }
        }

        var root = MainBlock(body);
        var text = new StringBuilder();
        Write(root, text);
        return (title, Tidy(text.ToString()));
    }

    /// <summary>True for a block whose class or id names page clutter (ads, banners, cookie notices, share buttons, related links, comments).</summary>
    private static bool IsClutter(IElement element)
    {
        var names = (element.GetAttribute("class") ?? "") + " " + (element.GetAttribute("id") ?? "");
        return ClutterPattern().IsMatch(names) && !ContentPattern().IsMatch(names);
    }

    [GeneratedRegex(@"(^|[\s_-])(ad|ads|advert|advertisement|adsbox|sponsor|sponsored|promo|banner|cookie|consent|gdpr|share|sharing|social|related|recommended|newsletter|subscribe|popup|modal|sidebar|comments?|breadcrumbs?|skip|menu|masthead|pagination|footer|nav|navbar|widget)([\s_-]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ClutterPattern();

    [GeneratedRegex(@"(^|[\s_-])(article|content|post|entry|story|main|body-text|text)([\s_-]|$)", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex ContentPattern();

    /// <summary><c>article</c> (the longest), else <c>main</c>, else the block whose paragraphs score highest, else the body.</summary>
    private static IElement MainBlock(IElement body)
    {
        var article = body.QuerySelectorAll("article").OrderByDescending(static a => a.TextContent.Length).FirstOrDefault();
        if (article is not null && article.TextContent.Trim().Length > 0)
        {
            return article;
        }

        if (body.QuerySelector("main, [role=main]") is { } main && main.TextContent.Trim().Length > 0)
        {
            return main;
        }

        var scores = new Dictionary<IElement, double>();
        foreach (var paragraph in body.QuerySelectorAll("p, pre, td, blockquote"))
        {
            var length = Collapse(paragraph.TextContent).Length;
            if (length < 25 || paragraph.ParentElement is not { } parent)
            {
                continue;
            }

            var score = 1 + paragraph.TextContent.Count(static c => c == ',') + Math.Min(length / 100, 3);
            scores[parent] = scores.GetValueOrDefault(parent) + score;
            if (parent.ParentElement is { } grandparent)
            {
                scores[grandparent] = scores.GetValueOrDefault(grandparent) + (score / 2.0);
            }
        }

        return scores.Count == 0 ? body : scores.MaxBy(static s => s.Value * (1 - LinkDensity(s.Key))).Key;
    }

    private static double LinkDensity(IElement element)
    {
        var length = element.TextContent.Length;
        return length == 0 ? 0 : element.QuerySelectorAll("a").Sum(static a => a.TextContent.Length) / (double)length;
    }

    private static void Write(INode node, StringBuilder text)
    {
        foreach (var child in node.ChildNodes)
        {
            switch (child)
            {
                case IText textNode:
                    text.Append(WhitespacePattern().Replace(textNode.Data, " "));
                    break;
                case IElement element:
                    WriteElement(element, text);
                    break;
            }
        }
    }

    private static void WriteElement(IElement element, StringBuilder text)
    {
        var name = element.LocalName;
        switch (name)
        {
            case "br":
                text.Append('\n');
                return;
            case "img":
                return;
            case "pre":
                text.Append("\n\n```\n").Append(element.TextContent.TrimEnd()).Append("\n```\n\n");
                return;
            case "h1" or "h2" or "h3" or "h4" or "h5" or "h6":
                text.Append("\n\n").Append('#', name[1] - '0').Append(' ').Append(Collapse(element.TextContent)).Append("\n\n");
                return;
            case "li":
                text.Append("\n- ");
                Write(element, text);
                return;
            case "td" or "th":
                Write(element, text);
                text.Append(" | ");
                return;
            case "code" when element.ParentElement?.LocalName != "pre":
                text.Append('`').Append(element.TextContent).Append('`');
                return;
        }

        var block = Blocks.Contains(name);
        if (block)
        {
            text.Append("\n\n");
        }

        Write(element, text);
        if (block)
        {
            text.Append("\n\n");
        }
    }

    /// <summary>Trims each line, and keeps at most one blank line between blocks (code blocks keep their lines).</summary>
    private static string Tidy(string text)
    {
        var lines = new List<string>();
        var inCode = false;
        foreach (var raw in text.Split('\n'))
        {
            if (raw.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                inCode = !inCode;
                lines.Add("```");
                continue;
            }

            var line = inCode ? raw.TrimEnd() : Collapse(raw).TrimEnd('|', ' ');
            if (!inCode && line.Length == 0 && (lines.Count == 0 || lines[^1].Length == 0))
            {
                continue;
            }

            lines.Add(line);
        }

        return string.Join('\n', lines).Trim();
    }

    private static string Collapse(string text) => WhitespacePattern().Replace(text, " ").Trim();

    [GeneratedRegex(@"\s+", RegexOptions.CultureInvariant)]
    private static partial Regex WhitespacePattern();
}
