namespace KimiCode.Provider;

/// <summary>Retry policy for transient failures (rate limit, overload, 5xx, network, timeouts, a stream cut before any output).</summary>
public sealed class RetryOptions
{
    /// <summary>Total attempts, the first one included. 1 disables retries.</summary>
    public int MaxAttempts { get; set; } = 10;

    /// <summary>Delay before the first retry; doubles on each further retry.</summary>
    public TimeSpan BaseDelay { get; set; } = TimeSpan.FromSeconds(0.5);

    /// <summary>Upper bound of the exponential delay.</summary>
    public TimeSpan MaxDelay { get; set; } = TimeSpan.FromSeconds(32);

    /// <summary>Multiply each backoff delay by a random factor in [0.5, 1.0] so that many clients do not retry in lockstep.</summary>
    public bool Jitter { get; set; } = true;

    /// <summary>
    /// Wall-clock cap on one call, all attempts and waits included (config <c>[network] retry_max_seconds</c>): no retry
    /// starts a wait that would end past it.
    /// </summary>
    public TimeSpan MaxElapsed { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>
    /// The longest server <c>Retry-After</c> worth waiting for (<c>retry_after_max_s</c>); above it the error surfaces at
    /// once and says how long the service asked to wait. A shorter one is floored to the computed backoff.
    /// </summary>
    public TimeSpan RetryAfterMax { get; set; } = TimeSpan.FromSeconds(60);
}
