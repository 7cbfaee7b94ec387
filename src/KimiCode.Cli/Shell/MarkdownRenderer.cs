using System.Text;
using Markdig;
using Markdig.Extensions.Tables;
using Markdig.Extensions.TaskLists;
using Markdig.Syntax;
using Markdig.Syntax.Inlines;
using Spectre.Console;
using Spectre.Console.Rendering;
using MdTable = Markdig.Extensions.Tables.Table;
using TableRow = Markdig.Extensions.Tables.TableRow;
using SpectreTable = Spectre.Console.Table;

namespace KimiCode.Cli.Shell;

/// <summary>
/// Markdown (parsed by Markdig) as Spectre.Console renderables: headings keep their <c>#</c> markers (dimmed) so
/// they read as headings without colour too; code blocks are shown bare (a language label, then the lines as they are, see <see cref="CodeLines"/>); lists hang-indent.
/// </summary>
internal static class MarkdownRenderer
{
    private static readonly MarkdownPipeline Pipeline = new MarkdownPipelineBuilder()
        .UsePipeTables()
        .UseEmphasisExtras(Markdig.Extensions.EmphasisExtras.EmphasisExtraOptions.Strikethrough)
        .UseTaskLists()
        .Build();

    private static readonly Style Dim = new(decoration: Decoration.Dim);
    private static readonly Style CodeStyle = new(Color.Aqua);
    private static readonly Style LinkStyle = new(Color.Blue, decoration: Decoration.Underline);

    /// <summary>The top-level blocks of <paramref name="markdown"/>, each ending with a line break.</summary>
    public static IReadOnlyList<IRenderable> Render(string markdown)
    {
        var document = Markdown.Parse(markdown, Pipeline);
        var blocks = new List<IRenderable>();
        foreach (var block in document)
        {
            if (RenderBlock(block) is { } rendered)
            {
                blocks.Add(new Block(rendered));
            }
        }

        return blocks;
    }

    private static IRenderable? RenderBlock(Markdig.Syntax.Block block) => block switch
    {
        HeadingBlock heading => Heading(heading),
        ParagraphBlock paragraph => Inlines(paragraph.Inline, Style.Plain),
        FencedCodeBlock fenced => Code(fenced, fenced.Info),
        CodeBlock code => Code(code, null),
        ListBlock list => List(list),
        QuoteBlock quote => new Indented(Children(quote), "│ ", "│ ", Dim),
        ThematicBreakBlock => new Rule().RuleStyle(Dim),
        MdTable table => Table(table),
        HtmlBlock html => new Text(html.Lines.ToString(), Dim),
        LinkReferenceDefinitionGroup => null,
        ContainerBlock container => Children(container),
        LeafBlock leaf => new Text(leaf.Lines.ToString()),
        _ => null,
    };

    private static Paragraph Heading(HeadingBlock heading)
    {
        var style = heading.Level switch
        {
            1 => new Style(Color.Aqua, decoration: Decoration.Bold | Decoration.Underline),
            2 => new Style(Color.Aqua, decoration: Decoration.Bold),
            _ => new Style(decoration: Decoration.Bold),
        };
        var paragraph = new Paragraph();
        paragraph.Append(new string('#', heading.Level) + " ", Dim);
        AppendInlines(paragraph, heading.Inline, style);
        return paragraph;
    }

    private static CodeLines Code(LeafBlock code, string? language) =>
        new(code.Lines.ToString().TrimEnd('\n', '\r'), language);

    /// <summary>The code of the last code block in <paramref name="markdown"/> (fenced or indented), or null when it has none.</summary>
    public static string? LastCode(string markdown) =>
        Markdown.Parse(markdown, Pipeline).Descendants<Markdig.Syntax.CodeBlock>().LastOrDefault() is { } last
            ? last.Lines.ToString().TrimEnd('\n', '\r')
            : null;

    private static Rows List(ListBlock list)
    {
        var items = new List<IRenderable>();
        var number = list.IsOrdered && int.TryParse(list.OrderedStart, out var start) ? start : 1;
        foreach (var child in list)
        {
            if (child is not ListItemBlock item)
            {
                continue;
            }

            string marker;
            if (list.IsOrdered)
            {
                var delimiter = list.OrderedDelimiter == ')' ? ")" : ".";
                marker = $"{number}{delimiter} ";
                number++;
            }
            else
            {
                marker = TaskState(item) switch
                {
                    true => "☑ ",
                    false => "☐ ",
                    null => "• ",
                };
            }

            items.Add(new Indented(Children(item), marker, new string(' ', marker.GetCellWidth())));
        }

        return new Rows(items);
    }

    private static bool? TaskState(ListItemBlock item) =>
        item.FirstOrDefault() is ParagraphBlock { Inline.FirstChild: TaskList task } ? task.Checked : null;

    private static IRenderable Children(ContainerBlock container)
    {
        var rendered = new List<IRenderable>();
        foreach (var child in container)
        {
            if (RenderBlock(child) is { } block)
            {
                rendered.Add(block);
            }
        }

        return rendered.Count == 1 ? rendered[0] : new Rows(rendered);
    }

    private static IRenderable Table(MdTable table)
    {
        var result = new SpectreTable { Border = TableBorder.Rounded, BorderStyle = Dim };
        var rows = table.OfType<TableRow>().ToList();
        var header = rows.FirstOrDefault(r => r.IsHeader) ?? rows.FirstOrDefault();
        if (header is null)
        {
            return new Text(string.Empty);
        }

        var columns = header.Count;
        for (var i = 0; i < columns; i++)
        {
            var column = new TableColumn(CellContent(header, i, new Style(decoration: Decoration.Bold)));
            if (i < table.ColumnDefinitions.Count)
            {
                column.Alignment = table.ColumnDefinitions[i].Alignment switch
                {
                    TableColumnAlign.Center => Justify.Center,
                    TableColumnAlign.Right => Justify.Right,
                    _ => Justify.Left,
                };
            }

            result.AddColumn(column);
        }

        foreach (var row in rows.Where(r => !ReferenceEquals(r, header)))
        {
            result.AddRow(Enumerable.Range(0, columns).Select(i => CellContent(row, i, Style.Plain)).ToArray());
        }

        return result;
    }

    private static IRenderable CellContent(TableRow row, int index, Style style)
    {
        if (index >= row.Count || row[index] is not TableCell cell)
        {
            return new Text(string.Empty);
        }

        var paragraph = new Paragraph();
        foreach (var block in cell)
        {
            if (block is ParagraphBlock { Inline: { } inline })
            {
                AppendInlines(paragraph, inline, style);
            }
        }

        return paragraph;
    }

    private static Paragraph Inlines(ContainerInline? inline, Style style)
    {
        var paragraph = new Paragraph();
        AppendInlines(paragraph, inline, style);
        return paragraph;
    }

    private static void AppendInlines(Paragraph paragraph, ContainerInline? container, Style style)
    {
        if (container is null)
        {
            return;
        }

        var afterTask = false;
        foreach (var inline in container)
        {
            var text = inline is LiteralInline literalInline ? literalInline.Content.ToString() : null;
            if (afterTask && text is not null)
            {
                text = text.TrimStart();
            }

            afterTask = inline is TaskList;
            switch (inline)
            {
                case TaskList:
                    break; // shown as the list marker
                case LiteralInline:
                    paragraph.Append(text!, style);
                    break;
                case CodeInline code:
                    paragraph.Append(code.Content, style.Combine(CodeStyle));
                    break;
                case EmphasisInline emphasis:
                    AppendInlines(paragraph, emphasis, style.Combine(EmphasisStyle(emphasis)));
                    break;
                case LinkInline { IsImage: true } image:
                    paragraph.Append($"[image: {PlainText(image)}]", style.Combine(Dim));
                    break;
                case LinkInline link:
                    var label = PlainText(link);
                    AppendInlines(paragraph, link, style.Combine(LinkStyle));
                    if (!string.IsNullOrEmpty(link.Url) && link.Url != label && "mailto:" + label != link.Url)
                    {
                        paragraph.Append($" ({link.Url})", style.Combine(Dim));
                    }

                    break;
                case AutolinkInline autolink:
                    paragraph.Append(autolink.Url, style.Combine(LinkStyle));
                    break;
                case LineBreakInline:
                    paragraph.Append("\n", style);
                    break;
                case HtmlEntityInline entity:
                    paragraph.Append(entity.Transcoded.ToString(), style);
                    break;
                case HtmlInline html:
                    paragraph.Append(html.Tag, style.Combine(Dim));
                    break;
                case ContainerInline nested:
                    AppendInlines(paragraph, nested, style);
                    break;
            }
        }
    }

    private static Style EmphasisStyle(EmphasisInline emphasis) => emphasis.DelimiterChar switch
    {
        '~' => new Style(decoration: Decoration.Strikethrough),
        _ when emphasis.DelimiterCount >= 2 => new Style(decoration: Decoration.Bold),
        _ => new Style(decoration: Decoration.Italic),
    };

    private static string PlainText(ContainerInline container)
    {
        var text = new StringBuilder();
        foreach (var inline in container.Descendants<Inline>())
        {
            switch (inline)
            {
                case LiteralInline literal:
                    text.Append(literal.Content.ToString());
                    break;
                case CodeInline code:
                    text.Append(code.Content);
                    break;
            }
        }

        return text.ToString();
    }
}
