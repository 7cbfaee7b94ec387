namespace KimiCode.Provider;

/// <summary>Retry policy for transient failures (rate limit, overload, 5xx, network, a stream cut before any output).</summary>
public sealed class RetryOptions
{
    /// <summary>Total attempts, the first one included. 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delay before the first retry; doubles on each further retry.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Upper bound of the exponential delay. A server <c>Retry-After</c> longer than this is not waited for: the error surfaces.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(32);

    /// <summary>Multiply each backoff delay by a random factor in [0.5, 1.0] so that many clients do not retry in lockstep.</summary>
    public bool Jitter { get; set; } = true;
}
