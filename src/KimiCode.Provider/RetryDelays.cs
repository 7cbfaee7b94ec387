namespace KimiCode.Provider;

/// <summary>How long to wait before the next attempt, or null when the error must surface now.</summary>
internal static class RetryDelays
{
    public static TimeSpan? Next(RetryOptions retry, ProviderException error, int failedAttempt, Func<double> random)
    {
        if (!error.IsRetryable || failedAttempt >= retry.MaxAttempts)
        {
            return null;
        }

        if (error.RetryAfter is { } retryAfter)
        {
            // Never wait less than the server asked; a wait beyond MaxDelay is not worth blocking
            // the user for, so the error (which carries RetryAfter) surfaces instead.
            return retryAfter <= retry.MaxDelay ? retryAfter : null;
        }

        double seconds = retry.BaseDelay.TotalSeconds * Math.Pow(2, Math.Min(failedAttempt - 1, 30));
        seconds = Math.Min(seconds, retry.MaxDelay.TotalSeconds);
        if (retry.Jitter)
        {
            seconds *= 0.5 + (0.5 * random());
        }

        return TimeSpan.FromSeconds(Math.Max(seconds, retry.BaseDelay.TotalSeconds / 2));
    }
}
