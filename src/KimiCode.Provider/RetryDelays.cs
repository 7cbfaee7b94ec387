namespace KimiCode.Provider;

/// <summary>How long to wait before the next attempt, or null when the error must surface now.</summary>
internal static class RetryDelays
{
    /// <summary>
    /// Exponential backoff (with jitter when enabled); a server <c>Retry-After</c> raises the wait but never lowers it
    /// below the backoff (so <c>Retry-After: 0</c> is not a burst), and one above <see cref="RetryOptions.RetryAfterMax"/>
    /// is not waited for.
    /// </summary>
    public static TimeSpan? Next(RetryOptions retry, ProviderException error, int failedAttempt, Func<double> random)
    {
        if (!error.IsRetryable || failedAttempt >= retry.MaxAttempts || AsksTooLong(retry, error))
        {
            return null;
        }

        TimeSpan backoff = Backoff(retry, failedAttempt, random);
        return error.RetryAfter is { } retryAfter && retryAfter > backoff ? retryAfter : backoff;
    }

    /// <summary>Whether the server's <c>Retry-After</c> is longer than the client is willing to wait.</summary>
    public static bool AsksTooLong(RetryOptions retry, ProviderException error) =>
        error.IsRetryable && error.RetryAfter is { } retryAfter && retryAfter > retry.RetryAfterMax;

    private static TimeSpan Backoff(RetryOptions retry, int failedAttempt, Func<double> random)
    {
        double seconds = retry.BaseDelay.TotalSeconds * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        seconds = Math.Min(seconds, retry.MaxDelay.TotalSeconds);
        if (retry.Jitter)
        {
            seconds *= 0.5 + (0.5 * random());
        }

        return TimeSpan.FromSeconds(Math.Max(seconds, retry.BaseDelay.TotalSeconds / 2));
    }
}
