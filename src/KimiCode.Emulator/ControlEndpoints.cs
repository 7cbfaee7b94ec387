using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.AspNetCore.Http;

namespace KimiCode.Emulator;

/// <summary>The <c>/_emulator/*</c> control API: the HTTP face of <see cref="EmulatorState"/>, for tests in other processes and demos.</summary>
internal sealed class ControlEndpoints(EmulatorState state)
{
    public async Task HandleAsync(HttpContext context, string action, string body, CancellationToken cancellationToken)
    {
        var method = context.Request.Method;
        try
        {
            switch ((method, action))
            {
                case ("POST", "approve"):
                case ("POST", "deny"):
                    await DecideAsync(context, body, action == "approve", cancellationToken);
                    break;
                case ("POST", "script"):
                    state.LoadScript(body);
                    await OkAsync(context, cancellationToken);
                    break;
                case ("POST", "faults"):
                    state.InjectFault(ParseFault(body));
                    await OkAsync(context, cancellationToken);
                    break;
                case ("POST", "web"):
                    Web(ParseObject(body));
                    await OkAsync(context, cancellationToken);
                    break;
                case ("GET", "requests"):
                    await HttpResults.WriteJsonAsync(context, 200, RequestsJson(state.Requests), cancellationToken);
                    break;
                case ("DELETE", "requests"):
                    state.ClearRequests();
                    await OkAsync(context, cancellationToken);
                    break;
                case ("POST", "tokens"):
                    await TokensAsync(context, body, cancellationToken);
                    break;
                case ("POST", "api_keys"):
                    state.AddApiKey(RequiredString(ParseObject(body), "key"));
                    await OkAsync(context, cancellationToken);
                    break;
                case ("POST", "platforms"):
                    await PlatformsAsync(context, body, cancellationToken);
                    break;
                case ("GET", "stats"):
                    await StatsAsync(context, cancellationToken);
                    break;
                case ("POST", "reset"):
                    state.Reset();
                    await OkAsync(context, cancellationToken);
                    break;
                default:
                    await HttpResults.WriteJsonAsync(context, 404, JsonText.OpenAiError($"No control endpoint {method} /_emulator/{action}; see docs/emulator.md.", "not_found_error"), cancellationToken);
                    break;
            }
        }
        catch (Exception ex) when (ex is FormatException or ArgumentException or JsonException or InvalidOperationException)
        {
            await HttpResults.WriteJsonAsync(context, 400, JsonText.OpenAiError(ex.Message, "invalid_request_error"), cancellationToken);
        }
    }

    internal static EmulatorFault ParseFault(string body)
    {
        var json = ParseObject(body);
        var fault = new EmulatorFault();
        if (OptionalString(json, "target") is { } target)
        {
            fault.Target = target;
        }

        fault.Count = OptionalInt(json, "count") ?? fault.Count;
        fault.Status = OptionalInt(json, "status") ?? fault.Status;
        fault.RetryAfterSeconds = OptionalInt(json, "retry_after_seconds") ?? OptionalInt(json, "retry_after");
        fault.CutStreamAfterChunks = OptionalInt(json, "cut_stream_after_chunks") ?? OptionalInt(json, "reset_after_chunks");
        fault.LatencyMs = OptionalInt(json, "latency_ms") ?? 0;
        fault.ContentType = OptionalString(json, "content_type");
        fault.StallBeforeHeadersMs = OptionalInt(json, "stall_before_headers_ms") ?? 0;
        fault.StallAfterChunks = OptionalInt(json, "stall_after_chunks");
        fault.StallMs = OptionalInt(json, "stall_ms") ?? 0;
        fault.MalformedSse = OptionalBool(json, "malformed_sse") ?? false;
        fault.Body = json["body"] switch
        {
            null => null,
            JsonValue value when value.GetValueKind() == JsonValueKind.String => value.GetValue<string>(),
            var node => node.ToJsonString(),
        };
        return fault;
    }

    /// <summary><c>{"search_results":[…], "pages":{"url":"markdown"}, "usages":{…}}</c>: what the web services and the usage endpoint answer.</summary>
    private void Web(JsonObject json)
    {
        if (json["usages"] is { } usages)
        {
            state.SetPlanUsage(usages is JsonObject ? usages.ToJsonString() : throw new FormatException("usages must be a JSON object in the service's shape."));
        }

        if (json["search_results"] is { } results)
        {
            state.SetSearchResults(results is JsonArray ? results.ToJsonString() : throw new FormatException("search_results must be a JSON array of result objects."));
        }

        if (json["pages"] is { } pages)
        {
            foreach (var (url, markdown) in pages as JsonObject ?? throw new FormatException("pages must be an object of URL to Markdown text."))
            {
                state.SetPage(url, markdown is JsonValue value && value.GetValueKind() == JsonValueKind.String ? value.GetValue<string>() : throw new FormatException($"pages[\"{url}\"] must be Markdown text."));
            }
        }
    }

    private async Task DecideAsync(HttpContext context, string body, bool approve, CancellationToken cancellationToken)
    {
        var userCode = string.IsNullOrWhiteSpace(body) ? null : OptionalString(ParseObject(body), "user_code");
        if (userCode is null)
        {
            // Without a code, decide the most recent pending one: what a demo script wants.
            var pending = state.PendingUserCodes();
            userCode = pending.Count > 0 ? pending[^1] : null;
        }

        var done = userCode is not null && (approve ? state.Approve(userCode) : state.Deny(userCode));
        if (!done)
        {
            await HttpResults.WriteJsonAsync(context, 404, JsonText.OpenAiError("No pending device code matches; start a device login first.", "not_found_error"), cancellationToken);
            return;
        }

        await HttpResults.WriteJsonAsync(context, 200, JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("user_code", userCode);
            w.WriteString("status", approve ? "approved" : "denied");
            w.WriteEndObject();
        }), cancellationToken);
    }

    private async Task TokensAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        var lifetime = string.IsNullOrWhiteSpace(body) ? null : OptionalInt(ParseObject(body), "access_token_lifetime_seconds");
        var tokens = state.IssueTokens(lifetime is { } seconds ? TimeSpan.FromSeconds(seconds) : null);
        await HttpResults.WriteJsonAsync(context, 200, JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", tokens.AccessToken);
            w.WriteString("refresh_token", tokens.RefreshToken);
            w.WriteNumber("expires_in", tokens.ExpiresIn);
            w.WriteString("scope", "kimi-code");
            w.WriteString("token_type", "Bearer");
            w.WriteEndObject();
        }), cancellationToken);
    }

    private async Task PlatformsAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        if (ParseObject(body)["platforms"] is not JsonArray array)
        {
            throw new FormatException("Send {\"platforms\":[\"kimi_cli\", …]}.");
        }

        state.SetAllowedPlatforms(array.Select(n => n is JsonValue v && v.GetValueKind() == JsonValueKind.String
            ? v.GetValue<string>()
            : throw new FormatException("platforms must be an array of strings.")).ToList());
        await OkAsync(context, cancellationToken);
    }

    private Task StatsAsync(HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.WriteJsonAsync(context, 200, JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteNumber("refresh_count", state.RefreshCount);
            w.WriteNumber("refresh_reuse_count", state.RefreshReuseCount);
            w.WriteNumber("faults_applied", state.FaultsApplied);
            w.WriteNumber("chat_count", state.ChatCount);
            w.WriteNumber("script_turns_remaining", state.ScriptTurnsRemaining);
            w.WriteNumber("request_count", state.Requests.Count);
            w.WriteEndObject();
        }), cancellationToken);

    private static string RequestsJson(IReadOnlyList<RecordedRequest> requests) => JsonText.Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartArray("requests");
        foreach (var request in requests)
        {
            w.WriteStartObject();
            w.WriteString("method", request.Method);
            w.WriteString("path", request.Path);
            w.WriteString("query", request.Query);
            w.WriteStartObject("headers");
            foreach (var (name, value) in request.Headers)
            {
                w.WriteString(name, value);
            }

            w.WriteEndObject();
            w.WriteString("body", request.Body);
            w.WriteNumber("status_code", request.StatusCode);
            w.WriteString("timestamp", request.Timestamp);
            w.WriteEndObject();
        }

        w.WriteEndArray();
        w.WriteEndObject();
    });

    private static Task OkAsync(HttpContext context, CancellationToken cancellationToken) =>
        HttpResults.WriteJsonAsync(context, 200, "{\"ok\":true}", cancellationToken);

    private static JsonObject ParseObject(string body) =>
        JsonNode.Parse(string.IsNullOrWhiteSpace(body) ? "{}" : body) as JsonObject
        ?? throw new FormatException("The body must be a JSON object.");

    private static string RequiredString(JsonObject json, string name) =>
        OptionalString(json, name) ?? throw new FormatException($"\"{name}\" (a string) is required.");

    private static string? OptionalString(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.String => v.GetValue<string>(),
        _ => throw new FormatException($"\"{name}\" must be a string."),
    };

    private static bool? OptionalBool(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() is JsonValueKind.True or JsonValueKind.False => v.GetValue<bool>(),
        _ => throw new FormatException($"\"{name}\" must be true or false."),
    };

    private static int? OptionalInt(JsonObject json, string name) => json[name] switch
    {
        null => null,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number && v.TryGetValue<int>(out var n) => n,
        JsonValue v when v.GetValueKind() == JsonValueKind.Number => (int)Math.Clamp(v.GetValue<double>(), int.MinValue, int.MaxValue),
        _ => throw new FormatException($"\"{name}\" must be an integer."),
    };
}
