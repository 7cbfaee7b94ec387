using Microsoft.Extensions.Logging;

namespace KimiCode.Auth;

/// <summary>The refresh path's log lines: slots and timings, never a token.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "refresh lock for {Slot} acquired after {WaitedMs:0} ms")]
    public static partial void LockAcquired(ILogger logger, string slot, double waitedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refresh lock for {Slot} not acquired after {WaitedMs:0} ms ({Code})")]
    public static partial void LockNotAcquired(ILogger logger, string slot, double waitedMs, string code);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Slot}: refresh failed ({Reason}); the login is kept and the access token, still valid for {RemainingSeconds} s, is used")]
    public static partial void UsingStillValidToken(ILogger logger, string slot, string reason, long remainingSeconds);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Slot}: adopted a refreshed pair left pending by a process that stopped before storing it")]
    public static partial void PendingRecovered(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Slot}: the refresh lock was taken over while refreshing; re-reading the stored login before writing")]
    public static partial void LockLost(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Slot}: another process refreshed the login; using its token")]
    public static partial void PeerRefreshed(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Slot}: access token refreshed (valid for {ExpiresIn} s)")]
    public static partial void Refreshed(ILogger logger, string slot, long expiresIn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Slot}: the OAuth server rejected the refresh token; the login has ended")]
    public static partial void RefreshTokenRejected(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Slot}: refresh attempt {Attempt} failed ({Code})")]
    public static partial void RefreshAttemptFailed(ILogger logger, string slot, int attempt, string code);
}
