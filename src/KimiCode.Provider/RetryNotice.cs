using System.Globalization;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider;

/// <summary>
/// Announces a retry before the wait starts, so a front end can show "retrying in 4 s (429)"
/// instead of appearing frozen. Streaming calls yield it inside a <see cref="ChatResponseUpdate"/>.
/// </summary>
public sealed class RetryNotice : AIContent
{
    /// <summary>The attempt about to be made (2 for the first retry).</summary>
    public required int Attempt { get; init; }

    /// <summary>The attempt budget (<see cref="RetryOptions.MaxAttempts"/>), for "attempt 3 of 10"; 0 when unknown.</summary>
    public int MaxAttempts { get; init; }

    public required TimeSpan Delay { get; init; }

    /// <summary>The error code that caused the retry.</summary>
    public required string Code { get; init; }

    public int? StatusCode { get; init; }

    /// <summary>The user-facing message of the error that caused the retry.</summary>
    public required string Message { get; init; }

    /// <summary>e.g. "retrying in 4 s (429)" or "retrying in 0.5 s (provider.network)".</summary>
    public override string ToString() =>
        string.Create(CultureInfo.InvariantCulture, $"retrying in {Delay.TotalSeconds:0.###} s ({(StatusCode is { } s ? s.ToString(CultureInfo.InvariantCulture) : Code)})");
}
