namespace KimiCode.Provider;

/// <summary>
/// How long one HTTP exchange may stay silent before it counts as failed with <see cref="ProviderErrorCodes.Timeout"/>
/// (retryable like a network error). Caller cancellation is separate and always surfaces as cancellation.
/// <see cref="Timeout.InfiniteTimeSpan"/> switches a timeout off.
/// </summary>
public sealed class TimeoutOptions
{
    /// <summary>TCP + TLS connect (config <c>[network] connect_timeout_s</c>); applied to the handler the client owns.</summary>
    public TimeSpan Connect { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>From sending the request until the response headers arrive (<c>headers_timeout_s</c>).</summary>
    public TimeSpan Headers { get; set; } = TimeSpan.FromSeconds(60);

    /// <summary>
    /// No bytes at all on an open response body (<c>stream_idle_timeout_s</c>). A thinking model streams its reasoning, so
    /// a long silence is taken for a dead connection (the default is not yet measured against the real service).
    /// </summary>
    public TimeSpan StreamIdle { get; set; } = TimeSpan.FromSeconds(90);
}
