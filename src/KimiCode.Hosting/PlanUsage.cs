using System.Globalization;
using System.Net;
using System.Text.Json;
using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Protocol;

namespace KimiCode.Hosting;

/// <summary>One limit of the plan: <paramref name="Label"/> (<c>Weekly</c>, <c>5h</c>), how much of it is used, and when it resets.</summary>
public sealed record PlanUsageRow(string Label, long Used, long Limit, DateTimeOffset? ResetsAt);

/// <summary>The plan's usage as the service reported it, or why it could not be read (<see cref="Problem"/>, one line).</summary>
public sealed record PlanUsageReport(IReadOnlyList<PlanUsageRow> Rows, string? Problem = null);

/// <summary>
/// The account's plan usage from the Kimi Code service (<c>GET {base_url}/usages</c>, as the official client reads it):
/// the weekly total (<c>usage</c>) and the windowed limits (<c>limits[]</c>, e.g. 5 hours), numbers sent as strings.
/// Asked with the model's own credential; only a <c>kimi</c> provider has the endpoint.
/// </summary>
public static class PlanUsage
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(8);

    /// <summary>Reads the usage for <paramref name="credential"/>'s provider; never throws for a network or service problem.</summary>
    public static async Task<PlanUsageReport> FetchAsync(HttpClient http, IAccessTokenSource tokens, ProviderConfig provider, IEnumerable<KeyValuePair<string, string>> headers, CancellationToken cancellationToken)
    {
        if (provider.Type is not (null or "kimi"))
        {
            return new PlanUsageReport([], $"provider \"{provider.Name}\" is not a Kimi Code provider, so it reports no plan quota");
        }

        var url = ModelClientFactory.BaseUrlOf(provider).TrimEnd('/') + "/usages";
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var token = await tokens.GetAccessTokenAsync(timeout.Token).ConfigureAwait(false);
            using var request = new HttpRequestMessage(HttpMethod.Get, url);
            request.Headers.TryAddWithoutValidation("Authorization", "Bearer " + token);
            request.Headers.TryAddWithoutValidation("Accept", "application/json");
            foreach (var (name, value) in headers)
            {
                request.Headers.TryAddWithoutValidation(name, value);
            }

            using var response = await http.SendAsync(request, timeout.Token).ConfigureAwait(false);
            if (!response.IsSuccessStatusCode)
            {
                return new PlanUsageReport([], response.StatusCode switch
                {
                    HttpStatusCode.Unauthorized => "the service refused the credential (401); run `kimi login` again",
                    HttpStatusCode.NotFound => "this endpoint reports no plan quota (404)",
                    var status => $"the service answered HTTP {(int)status}; try again later",
                });
            }

            var body = await response.Content.ReadAsStringAsync(timeout.Token).ConfigureAwait(false);
            return Parse(body);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return new PlanUsageReport([], $"the service did not answer within {Timeout.TotalSeconds:0} s; try again later");
        }
        catch (Exception ex) when (ex is HttpRequestException or KimiCodeException)
        {
            return new PlanUsageReport([], $"could not be read ({ex.Message.Split('\n')[0]})");
        }
    }

    /// <summary>The rows of a <c>/usages</c> body: the windowed limits, then the weekly total; unknown or broken parts are left out.</summary>
    public static PlanUsageReport Parse(string body)
    {
        try
        {
            using var document = JsonDocument.Parse(body);
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                return new PlanUsageReport([], "the service's answer was not understood");
            }

            var rows = new List<PlanUsageRow>();
            if (root.TryGetProperty("limits", out var limits) && limits.ValueKind == JsonValueKind.Array)
            {
                foreach (var item in limits.EnumerateArray())
                {
                    if (item.ValueKind == JsonValueKind.Object && item.TryGetProperty("detail", out var detail)
                        && Row(detail, WindowLabel(item) ?? Name(item) ?? Name(detail) ?? "Limit") is { } row)
                    {
                        rows.Add(row);
                    }
                }
            }

            // The summary is the plan's weekly limit; the service leaves its window out.
            if (root.TryGetProperty("usage", out var usage) && Row(usage, "Weekly") is { } weekly)
            {
                rows.Add(weekly);
            }

            return rows.Count > 0 ? new PlanUsageReport(rows) : new PlanUsageReport([], "the service reported no limits for this plan");
        }
        catch (Exception ex) when (ex is JsonException or InvalidOperationException)
        {
            return new PlanUsageReport([], "the service's answer was not understood");
        }
    }

    private static PlanUsageRow? Row(JsonElement detail, string label)
    {
        if (detail.ValueKind != JsonValueKind.Object)
        {
            return null;
        }

        var used = Number(detail, "used");
        var limit = Number(detail, "limit");
        if (used is null && limit is null)
        {
            return null;
        }

        DateTimeOffset? resets = detail.TryGetProperty("resetTime", out var reset) && reset.ValueKind == JsonValueKind.String
            && DateTimeOffset.TryParse(reset.GetString(), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out var at) ? at : null;
        return new PlanUsageRow(label, used ?? 0, limit ?? 0, resets);
    }

    /// <summary><c>{"duration":300,"timeUnit":"TIME_UNIT_MINUTE"}</c> → <c>5h</c> (whole hours folded, as the official client does).</summary>
    private static string? WindowLabel(JsonElement item)
    {
        if (!item.TryGetProperty("window", out var window) || window.ValueKind != JsonValueKind.Object || Number(window, "duration") is not { } duration
            || !window.TryGetProperty("timeUnit", out var unitElement) || unitElement.ValueKind != JsonValueKind.String)
        {
            return null;
        }

        var unit = unitElement.GetString() switch
        {
            "TIME_UNIT_MINUTE" => "m",
            "TIME_UNIT_HOUR" => "h",
            "TIME_UNIT_DAY" => "d",
            "TIME_UNIT_WEEK" => "w",
            _ => null,
        };
        if (unit is null)
        {
            return null;
        }

        if (unit == "m" && duration >= 60 && duration % 60 == 0)
        {
            (duration, unit) = (duration / 60, "h");
        }

        return string.Create(CultureInfo.InvariantCulture, $"{duration}{unit}");
    }

    private static string? Name(JsonElement element) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty("name", out var name) && name.ValueKind == JsonValueKind.String && name.GetString() is { Length: > 0 } text ? text : null;

    private static long? Number(JsonElement element, string property)
    {
        if (element.ValueKind != JsonValueKind.Object || !element.TryGetProperty(property, out var value))
        {
            return null;
        }

        return value.ValueKind switch
        {
            JsonValueKind.Number when value.TryGetInt64(out var n) => n,
            JsonValueKind.Number => (long)value.GetDouble(),
            JsonValueKind.String when decimal.TryParse(value.GetString(), NumberStyles.Float, CultureInfo.InvariantCulture, out var d) => (long)decimal.Truncate(d),
            _ => null,
        };
    }
}
