namespace KimiCode.Provider;

/// <summary>
/// Every stable <c>provider.*</c> code of <see cref="ProviderException"/>, and which of them are worth retrying.
/// docs/errors.md explains each one to users; a test fails when a code here is missing there.
/// </summary>
public static class ProviderErrorCodes
{
    /// <summary>401: the credentials were rejected.</summary>
    public const string Auth = "provider.auth";

    /// <summary>403: the server refused this client or account (never a rate limit).</summary>
    public const string AccessTerminated = "provider.access_terminated";

    /// <summary>429 <c>exceeded_current_quota_error</c>: the plan's quota is used up.</summary>
    public const string QuotaExceeded = "provider.quota_exceeded";

    /// <summary>429: too many requests.</summary>
    public const string RateLimit = "provider.rate_limit";

    /// <summary>The model is overloaded (429 <c>engine_overloaded_error</c>, 529, 503 "overload").</summary>
    public const string Overloaded = "provider.overloaded";

    /// <summary>5xx or an error inside the stream.</summary>
    public const string Server = "provider.server";

    /// <summary>The API could not be reached (DNS, TCP, TLS).</summary>
    public const string Network = "provider.network";

    /// <summary>4xx the request's fault (bad model name or base URL).</summary>
    public const string BadRequest = "provider.bad_request";

    /// <summary>The conversation is longer than the model's context window.</summary>
    public const string ContextOverflow = "provider.context_overflow";

    /// <summary>The answer stream ended before the answer was complete.</summary>
    public const string StreamInterrupted = "provider.stream_interrupted";

    /// <summary>402: the membership does not cover this model.</summary>
    public const string PaymentRequired = "provider.payment_required";

    /// <summary>The server answered something that is not the Kimi API.</summary>
    public const string BadResponse = "provider.bad_response";

    /// <summary>A connect, response-headers or stream-idle timeout fired; the message names which and its setting.</summary>
    public const string Timeout = "provider.timeout";

    /// <summary>Whether a failure with <paramref name="code"/> may succeed when tried again later.</summary>
    public static bool IsRetryable(string code) => code is RateLimit or Overloaded or Server or Network or StreamInterrupted or Timeout;
}
