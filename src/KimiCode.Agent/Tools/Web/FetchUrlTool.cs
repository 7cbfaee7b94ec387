using System.Globalization;
using System.Net;
using System.Text.Json;

namespace KimiCode.Agent.Tools.Web;

/// <summary>
/// <c>FetchURL</c>: the text of a web page. The fetch service (<c>[services.moonshot_fetch]</c>, Markdown back) first;
/// when it is absent or fails, the page is fetched directly (<see cref="DirectFetcher"/>) and HTML is reduced to its
/// main text (<see cref="HtmlText"/>); text/plain, Markdown, JSON and XML pass through. At most
/// <see cref="MaxOutputChars"/> characters reach the model.
/// A URL whose host is loopback, private, link-local or otherwise internal (as written, or as DNS resolves it before
/// anyone is asked) is a <see cref="PreparedToolCall.SafetyConcern"/>: the user is asked (print mode and auto mode
/// refuse), and once allowed it is fetched directly, never through the service.
/// </summary>
public sealed class FetchUrlTool : IAgentTool
{
    public const int MaxOutputChars = 50_000;

    private static readonly ToolParameter<string> Url = Required.NonEmptyString("url", "The http:// or https:// URL of the page to read.");
    private static readonly ToolParameters Parameters = new(Url);

    private readonly WebService? _service;
    private readonly DirectFetcher _direct;

    /// <summary>A tool that asks <paramref name="service"/> first (null: always direct) and falls back on <paramref name="direct"/>.</summary>
    public FetchUrlTool(WebService? service, DirectFetcher? direct = null)
    {
        _service = service;
        _direct = direct ?? new DirectFetcher();
    }

    /// <inheritdoc />
    public string Name => "FetchURL";

    /// <inheritdoc />
    public string Description => """
        Fetches a web page and returns its main text (HTML is reduced to the article's text; plain text, Markdown and
        JSON come back as they are), at most 50,000 characters. Use it to read documentation, an issue or a search
        result in full. Only http:// and https:// URLs; addresses in the user's own network need the user's approval.
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

        if (!WebUrl.TryParse(args.Get(Url), out var url, out var urlError))
        {
            return ToolPreparation.Fail($"{Name}: {urlError}");
        }

        return ToolPreparation.Ok(new FetchCall(this, url)
        {
            Title = $"Fetch {url}",
            Kind = ToolKind.Fetch,
            Action = PermissionAction.Network,
            Subject = url.Canonical,
        });
    }

    private async Task<ToolResult> FetchAsync(WebUrl url, bool internalHost, string callId, CancellationToken cancellationToken)
    {
        string? serviceProblem = null;
        if (_service is not null && !internalHost)
        {
            try
            {
                var markdown = await _service.PostAsync(WebSearchTool.Json(w =>
                {
                    w.WriteStartObject();
                    w.WriteString("url", url.Canonical);
                    w.WriteEndObject();
                }), "text/markdown", callId, cancellationToken).ConfigureAwait(false);
                if (!string.IsNullOrWhiteSpace(markdown))
                {
                    return ToolResult.Success(Bounded(url, markdown.Trim(), truncated: false));
                }

                serviceProblem = $"{_service.Label} returned an empty page";
            }
            catch (WebServiceException ex)
            {
                serviceProblem = ex.Message;
            }
        }

        FetchedPage page;
        try
        {
            page = await _direct.FetchAsync(url, internalHost ? url.Host : null, cancellationToken).ConfigureAwait(false);
        }
        catch (WebServiceException ex)
        {
            return ToolResult.Error(serviceProblem is null
                ? $"Could not fetch {url}: {ex.Message}"
                : $"Could not fetch {url}: {serviceProblem}; then fetching it directly failed too: {ex.Message}");
        }

        var type = page.MediaType;
        if (type is "text/html" or "application/xhtml+xml" || (type.Length == 0 && LooksLikeHtml(page.Text)))
        {
            var (title, text) = HtmlText.Extract(page.Text);
            if (text.Length == 0)
            {
                return ToolResult.Error($"{page.Url} has no readable text (the page may be built by JavaScript in the browser). Try another source.");
            }

            return ToolResult.Success(Bounded(page.Url, title.Length > 0 ? $"Title: {title}\n\n{text}" : text, page.Truncated));
        }

        if (type.StartsWith("text/", StringComparison.Ordinal) || type.Length == 0 || type is "application/json" or "application/xml" or "application/javascript"
            || type.EndsWith("+json", StringComparison.Ordinal) || type.EndsWith("+xml", StringComparison.Ordinal))
        {
            return ToolResult.Success(Bounded(page.Url, page.Text, page.Truncated));
        }

        return ToolResult.Error($"{page.Url} is {type}, not a text page; FetchURL reads web pages and text files only.");
    }

    private static bool LooksLikeHtml(string text)
    {
        var start = text.AsSpan().TrimStart();
        return start.StartsWith("<!doctype html", StringComparison.OrdinalIgnoreCase) || start.StartsWith("<html", StringComparison.OrdinalIgnoreCase);
    }

    /// <summary>The text with its URL first, cut at <see cref="MaxOutputChars"/> with a note that says so.</summary>
    private static string Bounded(WebUrl url, string text, bool truncated)
    {
        var cut = text.Length > MaxOutputChars;
        var body = cut ? text[..MaxOutputChars] : text;
        var note = cut || truncated
            ? string.Create(CultureInfo.InvariantCulture, $"\n\n[The page is longer; only the first {body.Length} characters are shown.]")
            : "";
        return $"URL: {url}\n\n{body}{note}";
    }

    /// <summary>A prepared fetch: the host is resolved before anyone is asked, so an internal address becomes a safety concern.</summary>
    private sealed class FetchCall : PreparedToolCall
    {
        private readonly FetchUrlTool _tool;
        private readonly WebUrl _url;

        public FetchCall(FetchUrlTool tool, WebUrl url)
        {
            _tool = tool;
            _url = url;
            SafetyConcern = url.LiteralConcern is { } concern ? Explain(concern) : null;
        }

        public override async Task<ToolResult?> PreviewAsync(CancellationToken cancellationToken)
        {
            if (SafetyConcern is null && _url.Literal is null)
            {
                IPAddress[] addresses;
                try
                {
                    addresses = await _tool._direct.Resolve(_url.Host, cancellationToken).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is System.Net.Sockets.SocketException or ArgumentException)
                {
                    // Not resolvable here: the service may still fetch it, and a direct fetch checks again when it connects.
                    return null;
                }

                if (_tool._direct.FirstInternal(addresses) is { } bad)
                {
                    SafetyConcern = Explain($"{_url.Host} resolves to {bad.Address}, {bad.Reason}");
                }
            }

            return null;
        }

        public override Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken)
            => _tool.FetchAsync(_url, SafetyConcern is not null, CallId, cancellationToken);

        private string Explain(string concern)
            => $"FetchURL {_url} reaches the user's own network ({concern}); allow it only if you trust this page, or add an allow rule such as FetchURL(domain:{_url.Host})";
    }
}
