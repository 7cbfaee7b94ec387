namespace KimiCode.Provider;

/// <summary>Stable codes of <see cref="ProviderException"/>.</summary>
public static class ProviderErrorCodes
{
    public const string Auth = "provider.auth";
    public const string AccessTerminated = "provider.access_terminated";
    public const string QuotaExceeded = "provider.quota_exceeded";
    public const string RateLimit = "provider.rate_limit";
    public const string Overloaded = "provider.overloaded";
    public const string Server = "provider.server";
    public const string Network = "provider.network";
    public const string BadRequest = "provider.bad_request";
    public const string ContextOverflow = "provider.context_overflow";
    public const string StreamInterrupted = "provider.stream_interrupted";
    public const string PaymentRequired = "provider.payment_required";
    public const string BadResponse = "provider.bad_response";
}
