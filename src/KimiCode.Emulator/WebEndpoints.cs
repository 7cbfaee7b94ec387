using System.Globalization;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace KimiCode.Emulator;

/// <summary>
/// The coding API's web services: <c>POST /coding/v1/search</c> (<c>{"text_query", "limit", "enable_page_crawling"}</c> →
/// <c>{"search_results":[…]}</c>) and <c>POST /coding/v1/fetch</c> (<c>{"url"}</c> → the page as Markdown). Admitted
/// like chat (bearer check, then the platform gate). Answers are scripted (<see cref="EmulatorState.SetSearchResults"/>,
/// <see cref="EmulatorState.SetPage"/>) or made from the request, so tests can recognise them downstream.
/// </summary>
internal sealed class WebEndpoints(EmulatorState state, ChatEndpoints chat)
{
    public async Task SearchAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        if (await AdmitAsync(context, body, "text_query", cancellationToken) is not { } admitted)
        {
            return;
        }

        var (request, query) = admitted;

        var limit = request.TryGetProperty("limit", out var l) && l.ValueKind == JsonValueKind.Number && l.TryGetInt32(out var n) ? Math.Clamp(n, 1, 50) : 5;
        var crawl = request.TryGetProperty("enable_page_crawling", out var c) && c.ValueKind == JsonValueKind.True;
        var scripted = state.SearchResults();
        var json = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WritePropertyName("search_results");
            if (scripted is not null)
            {
                w.WriteRawValue(scripted);
            }
            else
            {
                w.WriteStartArray();
                for (var i = 1; i <= Math.Min(limit, 3); i++)
                {
                    w.WriteStartObject();
                    w.WriteString("site_name", "docs.example.com");
                    w.WriteString("title", $"Result {i} for {query}");
                    w.WriteString("url", string.Create(CultureInfo.InvariantCulture, $"https://docs.example.com/result-{i}"));
                    w.WriteString("snippet", $"Summary {i} of what the web says about {query}.");
                    w.WriteString("content", crawl ? $"Full text {i} of a page about {query}." : "");
                    w.WriteString("date", string.Create(CultureInfo.InvariantCulture, $"2026-01-0{i}"));
                    w.WriteString("icon", "");
                    w.WriteString("mime", "text/html");
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
        });
        await HttpResults.WriteJsonAsync(context, 200, json, cancellationToken);
    }

    /// <summary><c>GET /coding/v1/usages</c>: the plan's usage (numbers as strings, as the service sends them), scripted or the default.</summary>
    public async Task UsagesAsync(HttpContext context, CancellationToken cancellationToken)
    {
        if (!await chat.AdmitAsync(context, coding: true, cancellationToken))
        {
            return;
        }

        var now = state.Time.GetUtcNow();
        var json = state.PlanUsage() ?? JsonText.Write(w =>
        {
            static void Detail(Utf8JsonWriter w, string used, string limit, DateTimeOffset reset)
            {
                w.WriteString("used", used);
                w.WriteString("limit", limit);
                w.WriteString("resetTime", reset.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture));
            }

            w.WriteStartObject();
            w.WriteStartObject("usage");
            Detail(w, "40", "1000", now.AddDays(3));
            w.WriteEndObject();
            w.WriteStartArray("limits");
            w.WriteStartObject();
            w.WriteStartObject("window");
            w.WriteNumber("duration", 300);
            w.WriteString("timeUnit", "TIME_UNIT_MINUTE");
            w.WriteEndObject();
            w.WriteStartObject("detail");
            Detail(w, "12", "100", now.AddHours(2));
            w.WriteEndObject();
            w.WriteEndObject();
            w.WriteEndArray();
            w.WriteEndObject();
        });
        await HttpResults.WriteJsonAsync(context, 200, json, cancellationToken);
    }

    public async Task FetchAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        if (await AdmitAsync(context, body, "url", cancellationToken) is not { Value: var url })
        {
            return;
        }

        var markdown = state.Page(url) ?? $"# Page at {url}\n\nThe emulator's fetch service read {url} for you.\n";
        await HttpResults.WriteTextAsync(context, 200, "text/markdown; charset=utf-8", markdown, cancellationToken);
    }

    /// <summary>The auth gates, then the body: a JSON object with a non-empty string <paramref name="field"/>; null once an error was answered.</summary>
    private async Task<(JsonElement Request, string Value)?> AdmitAsync(HttpContext context, string body, string field, CancellationToken cancellationToken)
    {
        if (!await chat.AdmitAsync(context, coding: true, cancellationToken))
        {
            return null;
        }

        if (!TryReadObject(body, out var request) || !TryString(request, field, out var value))
        {
            await HttpResults.WriteJsonAsync(context, 400, JsonText.OpenAiError($"The body must be a JSON object with a non-empty string {field}.", "invalid_request_error"), cancellationToken);
            return null;
        }

        return (request, value);
    }

    private static bool TryReadObject(string body, out JsonElement element)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            element = document.RootElement.Clone();
            return element.ValueKind == JsonValueKind.Object;
        }
        catch (JsonException)
        {
            element = default;
            return false;
        }
    }

    private static bool TryString(JsonElement json, string name, out string value)
    {
        value = json.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString()!.Trim() : "";
        return value.Length > 0;
    }
}
