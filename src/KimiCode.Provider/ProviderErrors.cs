using System.Net.Http.Headers;
using System.Text.Json;
using KimiCode.Provider.Wire;

namespace KimiCode.Provider;

/// <summary>
/// Turns a failed HTTP answer or transport failure into a <see cref="ProviderException"/> with
/// a concrete, actionable message. Each status class keeps its own wording: a 403 must never
/// read like a rate limit (a defect of the official clients sent users down the wrong path).
/// </summary>
internal static class ProviderErrors
{
    public static ProviderException FromResponse(int status, string? reasonPhrase, string body, HttpResponseHeaders headers, string? platformSent, TimeProvider time)
    {
        (string? serverMessage, string? type) = ParseBody(body);
        bool isJson = serverMessage is not null || type is not null;
        string message = serverMessage ?? (string.IsNullOrWhiteSpace(body) ? reasonPhrase ?? "no details" : Snippet.Of(body));
        string? traceId = TraceId(headers);
        TimeSpan? retryAfter = RetryAfter(headers, time);
        string lower = message.ToLowerInvariant();

        ProviderException Make(string code, string text) => new(code, text)
        {
            StatusCode = status,
            TraceId = traceId,
            ServerMessage = message,
            ServerErrorType = type,
            RetryAfter = retryAfter,
        };

        switch (status)
        {
            case 401:
                return Make(ProviderErrorCodes.Auth,
                    $"The server rejected the credentials (401: {message}). Run `kimi login` (or check the API key) and try again.");
            case 402:
                return Make(ProviderErrorCodes.PaymentRequired,
                    $"Payment required (402: {message}): the Kimi membership has expired or does not cover this model. Renew it on kimi.com, then try again.");
            case 403:
                return Make(ProviderErrorCodes.AccessTerminated,
                    $"Access refused by the server (403 {type ?? "forbidden"}): {message} The request identified itself as X-Msh-Platform: {platformSent ?? "(none)"}. To send a different platform, set custom_headers = {{ \"X-Msh-Platform\" = \"kimi_cli\" }} in the provider's section of config.toml.");
            case 429 when type == "exceeded_current_quota_error":
                return Make(ProviderErrorCodes.QuotaExceeded,
                    $"The plan's quota is used up (429 exceeded_current_quota_error: {message}). Wait for the quota to reset or upgrade the plan; retrying now will not help.");
            case 429 when type == "engine_overloaded_error":
            case 529:
            case 503 when lower.Contains("overload"):
                return Make(ProviderErrorCodes.Overloaded,
                    $"The model is overloaded ({status}: {message}). Try again in a few minutes.");
            case 429:
                return Make(ProviderErrorCodes.RateLimit,
                    $"Too many requests (429: {message}). Wait a moment and try again.");
            case 400 or 413 when IsContextOverflow(lower):
                return Make(ProviderErrorCodes.ContextOverflow,
                    $"The conversation is too long for the model ({status}: {message}). Run /compact or start a new session.");
            case 400 or 404 or 405 or 409 or 413 or 415 or 422:
                return Make(ProviderErrorCodes.BadRequest,
                    $"The server rejected the request ({status}: {message}). Check the model name and base URL in config.toml; if they are right, report this with the trace id.");
            case >= 500:
                return Make(ProviderErrorCodes.Server,
                    $"The server failed ({status}: {message}). Try again later.");
            default:
                return Make(ProviderErrorCodes.BadResponse,
                    $"Unexpected answer from the server ({status}: {message}). Check KIMI_CODE_BASE_URL points at a Kimi Code API.");
        }
    }

    public static ProviderException Network(Uri uri, Exception exception)
    {
        string reason = exception switch
        {
            OperationCanceledException => "the request timed out",
            HttpRequestException { InnerException: { } inner } => inner.Message,
            _ => exception.Message,
        };
        return new ProviderException(ProviderErrorCodes.Network,
            $"Could not reach {uri.Host}: {reason.TrimEnd('.')}. Check your connection or KIMI_CODE_BASE_URL.", exception);
    }

    public static ProviderException StreamInterrupted(string reason, string? traceId, Exception? inner = null) =>
        new(ProviderErrorCodes.StreamInterrupted,
            $"The answer stream ended before the answer was complete ({reason}). Try again.", inner)
        {
            TraceId = traceId,
        };

    public static ProviderException BadResponse(string what, string raw, string baseUrl, string? traceId, Exception? inner = null) =>
        new(ProviderErrorCodes.BadResponse,
            $"The server at {baseUrl} sent {what} that is not valid JSON: {Snippet.Of(raw)} This is not the Kimi API; check base_url in config.toml (or KIMI_CODE_BASE_URL).", inner)
        {
            TraceId = traceId,
            ServerMessage = Snippet.Of(raw),
        };

    /// <summary>A 200 whose body is not what the call expects (HTML from a captive portal or a wrong <c>base_url</c>).</summary>
    public static ProviderException NotTheApi(string baseUrl, string? contentType, string expected, string raw, string? traceId)
    {
        string kind = contentType is null ? "a body" : contentType.Contains("html", StringComparison.OrdinalIgnoreCase) ? $"an HTML page ({contentType})" : $"{contentType}";
        string snippet = Snippet.Of(raw);
        return new ProviderException(ProviderErrorCodes.BadResponse,
            $"The server at {baseUrl} answered 200 with {kind} instead of {expected}{(snippet.Length > 0 ? ": " + snippet : string.Empty)} This is not the Kimi API; check base_url in config.toml (or KIMI_CODE_BASE_URL), or sign in to the network's captive portal.")
        {
            StatusCode = 200,
            TraceId = traceId,
            ServerMessage = snippet,
        };
    }

    public static ProviderException ConnectTimeout(Uri uri, TimeSpan timeout, Exception inner) =>
        new(ProviderErrorCodes.Timeout,
            $"Could not connect to {uri.Authority} within {Duration.Seconds(timeout)} (connect timeout; raise [network] connect_timeout_s or KIMI_CODE_CONNECT_TIMEOUT_S).", inner);

    public static ProviderException HeadersTimeout(Uri uri, TimeSpan timeout) =>
        new(ProviderErrorCodes.Timeout,
            $"No response headers from {uri.Authority} within {Duration.Seconds(timeout)} (headers timeout; raise [network] headers_timeout_s or KIMI_CODE_HEADERS_TIMEOUT_S).");

    public static ProviderException StreamIdleTimeout(Uri uri, TimeSpan timeout, string? traceId) =>
        new(ProviderErrorCodes.Timeout,
            $"The answer stream stalled: no data from {uri.Authority} for {Duration.Seconds(timeout)} (stream idle timeout; raise [network] stream_idle_timeout_s or KIMI_CODE_STREAM_IDLE_TIMEOUT_S).")
        {
            TraceId = traceId,
        };

    /// <summary><paramref name="failure"/> with its message replaced; everything else is kept.</summary>
    public static ProviderException Rephrase(ProviderException failure, string message) =>
        new(failure.Code, message, failure)
        {
            StatusCode = failure.StatusCode,
            TraceId = failure.TraceId,
            ServerMessage = failure.ServerMessage,
            ServerErrorType = failure.ServerErrorType,
            RetryAfter = failure.RetryAfter,
        };

    /// <summary>An error object the server put inside a 200 stream.</summary>
    public static ProviderException FromStreamError(WireError error, string? traceId)
    {
        string message = error.Message ?? "no details";
        bool overloaded = error.Type == "engine_overloaded_error" || message.Contains("overload", StringComparison.OrdinalIgnoreCase);
        return overloaded
            ? new ProviderException(ProviderErrorCodes.Overloaded, $"The model is overloaded (stream: {message}). Try again in a few minutes.")
            {
                TraceId = traceId, ServerMessage = message, ServerErrorType = error.Type,
            }
            : new ProviderException(ProviderErrorCodes.Server, $"The server failed (stream: {message}). Try again later.")
            {
                TraceId = traceId, ServerMessage = message, ServerErrorType = error.Type,
            };
    }

    public static string? TraceId(HttpResponseHeaders headers) =>
        headers.TryGetValues("x-trace-id", out IEnumerable<string>? values) ? values.FirstOrDefault() : null;

    private static bool IsContextOverflow(string lowerMessage) =>
        lowerMessage.Contains("token limit") || lowerMessage.Contains("context length") || lowerMessage.Contains("context_length")
        || lowerMessage.Contains("maximum context");

    private static TimeSpan? RetryAfter(HttpResponseHeaders headers, TimeProvider time)
    {
        RetryConditionHeaderValue? retryAfter = headers.RetryAfter;
        if (retryAfter?.Delta is { } delta)
        {
            return delta < TimeSpan.Zero ? TimeSpan.Zero : delta;
        }

        if (retryAfter?.Date is { } date)
        {
            TimeSpan wait = date - time.GetUtcNow();
            return wait < TimeSpan.Zero ? TimeSpan.Zero : wait;
        }

        return null;
    }

    private static (string? Message, string? Type) ParseBody(string body)
    {
        if (string.IsNullOrWhiteSpace(body) || body.TrimStart()[0] != '{')
        {
            return (null, null);
        }

        try
        {
            WireErrorEnvelope? envelope = JsonSerializer.Deserialize(body, ProviderJsonContext.Default.WireErrorEnvelope);
            return (envelope?.Error?.Message, envelope?.Error?.Type);
        }
        catch (JsonException)
        {
            return (null, null);
        }
    }
}
