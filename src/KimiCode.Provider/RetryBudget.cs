namespace KimiCode.Provider;

/// <summary>
/// The retry budget of one call: attempts (<see cref="RetryOptions.MaxAttempts"/>) and wall-clock time
/// (<see cref="RetryOptions.MaxElapsed"/>) since the call started. Decides the next wait or the error that surfaces,
/// worded so the user learns why the client stopped.
/// </summary>
internal sealed class RetryBudget
{
    private readonly RetryOptions _retry;
    private readonly TimeProvider _time;
    private readonly long _started;

    public RetryBudget(RetryOptions retry, TimeProvider time)
    {
        _retry = retry;
        _time = time;
        _started = time.GetTimestamp();
    }

    /// <summary>The wait before attempt <paramref name="failedAttempt"/> + 1, or null with the error to throw in <paramref name="final"/>.</summary>
    public TimeSpan? Next(ProviderException failure, int failedAttempt, out ProviderException final)
    {
        final = failure;
        if (!failure.IsRetryable)
        {
            return null;
        }

        if (RetryDelays.AsksTooLong(_retry, failure))
        {
            final = ProviderErrors.Rephrase(failure,
                $"{failure.Message} Not retrying: the service asks to wait {Duration.Human(failure.RetryAfter!.Value)} (more than [network] retry_after_max_s = {Duration.Seconds(_retry.RetryAfterMax)}); try again then.");
            return null;
        }

        TimeSpan elapsed = _time.GetElapsedTime(_started);
        TimeSpan? delay = RetryDelays.Next(_retry, failure, failedAttempt, Random.Shared.NextDouble);
        if (delay is null || elapsed + delay.Value > _retry.MaxElapsed)
        {
            if (failedAttempt > 1)
            {
                final = ProviderErrors.Rephrase(failure, $"{failure.Message} (gave up after {failedAttempt} attempts in {Duration.Elapsed(elapsed)})");
            }

            return null;
        }

        return delay;
    }
}
