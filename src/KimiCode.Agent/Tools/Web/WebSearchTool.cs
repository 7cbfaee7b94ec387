using System.Buffers;
using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KimiCode.Agent.Tools.Web;

/// <summary>
/// <c>WebSearch</c>: asks the configured search service (<c>[services.moonshot_search]</c>) and renders each result as
/// title, date, URL and summary (and the page text when <c>include_content</c> is set). Offered only when the service is
/// configured. Output bounds: a summary at most <see cref="MaxSnippetChars"/> characters, a page's text at most
/// <see cref="MaxContentChars"/>, the whole answer at most <see cref="MaxOutputChars"/>.
/// </summary>
public sealed class WebSearchTool : IAgentTool
{
    public const int DefaultLimit = 5;
    public const int MaxLimit = 20;
    public const int MaxSnippetChars = 1_000;
    public const int MaxContentChars = 4_000;
    public const int MaxOutputChars = 30_000;

    private static readonly ToolParameter<string> Query = Required.NonEmptyString("query", "What to search the web for.");
    private static readonly ToolParameter<int?> Limit = Optional.Integer("limit", 1, MaxLimit, $"How many results to return (1-{MaxLimit}, default {DefaultLimit}).");
    private static readonly ToolParameter<bool> IncludeContent = Optional.Boolean("include_content", false, "Also return the text of each result page (longer; use when the summaries are not enough).");
    private static readonly ToolParameters Parameters = new(Query, Limit, IncludeContent);

    private readonly WebService _service;

    /// <summary>A tool that searches with <paramref name="service"/>.</summary>
    public WebSearchTool(WebService service)
    {
        _service = service ?? throw new ArgumentNullException(nameof(service));
    }

    /// <inheritdoc />
    public string Name => "WebSearch";

    /// <inheritdoc />
    public string Description => """
        Searches the web and returns the top results: title, date, URL and a summary of each (and the page text when
        include_content is true). Use it for current information, documentation, error messages and anything not in the
        workspace. Read a promising result in full with FetchURL.
        """;

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        if (!Parameters.TryParse(arguments, Name, out var args, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        var query = args.Get(Query).Trim();
        if (query.Length == 0)
        {
            return ToolPreparation.Fail($"{Name}: argument 'query' must not be blank; give the words to search for.");
        }

        var limit = args.Get(Limit) ?? DefaultLimit;
        var includeContent = args.Get(IncludeContent);
        return ToolPreparation.Ok(new SearchCall(this, query, limit, includeContent)
        {
            Title = $"Search the web for \"{query}\"",
            Kind = ToolKind.Search,
            Action = PermissionAction.Network,
            Subject = query,
        });
    }

    private async Task<ToolResult> SearchAsync(string query, int limit, bool includeContent, string callId, CancellationToken cancellationToken)
    {
        var body = Json(w =>
        {
            w.WriteStartObject();
            w.WriteString("text_query", query);
            w.WriteNumber("limit", limit);
            w.WriteBoolean("enable_page_crawling", includeContent);
            w.WriteNumber("timeout_seconds", 30);
            w.WriteEndObject();
        });
        string answer;
        try
        {
            answer = await _service.PostAsync(body, "application/json", callId, cancellationToken).ConfigureAwait(false);
        }
        catch (WebServiceException ex)
        {
            return ToolResult.Error($"The web search for \"{query}\" failed: {ex.Message}");
        }

        try
        {
            return ToolResult.Success(Render(query, answer, limit, includeContent));
        }
        catch (JsonException)
        {
            return ToolResult.Error($"The web search for \"{query}\" failed: {_service.Label} answered with something that is not the expected JSON. Try again later, or go on without searching.");
        }
    }

    /// <summary>The results of a search answer, as the model reads them (bounded as the class comment says).</summary>
    internal static string Render(string query, string answerJson, int limit, bool includeContent)
    {
        using var document = JsonDocument.Parse(answerJson);
        var results = document.RootElement.ValueKind == JsonValueKind.Object
            && document.RootElement.TryGetProperty("search_results", out var list) && list.ValueKind == JsonValueKind.Array
            ? list.EnumerateArray().Where(static r => r.ValueKind == JsonValueKind.Object).Take(limit).ToList()
            : throw new JsonException("no search_results");
        if (results.Count == 0)
        {
            return $"No results for \"{query}\". Try other words.";
        }

        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Search results for \"{query}\" ({results.Count}):\n");
        var number = 0;
        foreach (var result in results)
        {
            var entry = new StringBuilder();
            entry.Append(CultureInfo.InvariantCulture, $"\n{++number}. {Field(result, "title") ?? "(no title)"}\n");
            AppendLine(entry, "Site", Field(result, "site_name"));
            AppendLine(entry, "Date", Field(result, "date"));
            AppendLine(entry, "URL", Field(result, "url"));
            AppendLine(entry, "Summary", Cut(Field(result, "snippet"), MaxSnippetChars));
            if (includeContent && Cut(Field(result, "content"), MaxContentChars) is { } content)
            {
                entry.Append("   Content:\n").Append(content).Append('\n');
            }

            if (text.Length + entry.Length > MaxOutputChars)
            {
                text.Append(CultureInfo.InvariantCulture, $"\n[{results.Count - number + 1} more results left out: the answer is limited to {MaxOutputChars} characters]\n");
                break;
            }

            text.Append(entry);
        }

        return text.ToString().TrimEnd();
    }

    private static void AppendLine(StringBuilder text, string label, string? value)
    {
        if (value is not null)
        {
            text.Append("   ").Append(label).Append(": ").Append(value.ReplaceLineEndings(" ")).Append('\n');
        }
    }

    private static string? Field(JsonElement result, string name)
        => result.TryGetProperty(name, out var value) && value.ValueKind == JsonValueKind.String && value.GetString() is { Length: > 0 } text ? text.Trim() : null;

    private static string? Cut(string? text, int max) => text is null || text.Length <= max ? text : text[..max] + " […]";

    internal static string Json(Action<Utf8JsonWriter> write)
    {
        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            write(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    private sealed class SearchCall(WebSearchTool tool, string query, int limit, bool includeContent) : PreparedToolCall
    {
        public override Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken)
            => tool.SearchAsync(query, limit, includeContent, CallId, cancellationToken);
    }
}
