namespace KimiCode.Auth;

/// <summary>Timings of the Node client's refresh lock; tests shorten them.</summary>
public sealed class RefreshLockOptions
{
    /// <summary>How often the holder touches the lock folder's mtime.</summary>
    public TimeSpan HeartbeatInterval { get; init; } = TimeSpan.FromSeconds(2.5);

    /// <summary>A lock folder not touched for this long belongs to a dead process and may be taken.</summary>
    public TimeSpan StaleAfter { get; init; } = TimeSpan.FromSeconds(5);

    public TimeSpan RetryMin { get; init; } = TimeSpan.FromSeconds(0.5);

    public TimeSpan RetryMax { get; init; } = TimeSpan.FromSeconds(1);

    /// <summary>
    /// A lock folder whose mtime is further than this in the future can never turn stale: it is reported
    /// (<see cref="AuthErrorCodes.LockUnusable"/>) instead of waited for.
    /// </summary>
    public TimeSpan FutureTolerance { get; init; } = TimeSpan.FromSeconds(2);

    /// <summary>Give up (fail closed) after waiting this long.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(60);
}
