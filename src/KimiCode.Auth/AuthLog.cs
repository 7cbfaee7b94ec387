using Microsoft.Extensions.Logging;

namespace KimiCode.Auth;

/// <summary>The refresh path's log lines: slots and timings, never a token.</summary>
internal static partial class AuthLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "refresh lock for {Slot} acquired after {WaitedMs:0} ms")]
    public static partial void LockAcquired(ILogger logger, string slot, double waitedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "refresh lock for {Slot} not acquired after {WaitedMs:0} ms (another process holds it)")]
    public static partial void LockTimedOut(ILogger logger, string slot, double waitedMs);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Slot}: another process refreshed the login; using its token")]
    public static partial void PeerRefreshed(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Slot}: access token refreshed (valid for {ExpiresIn} s)")]
    public static partial void Refreshed(ILogger logger, string slot, long expiresIn);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Slot}: the OAuth server rejected the refresh token; the login has ended")]
    public static partial void RefreshTokenRejected(ILogger logger, string slot);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Slot}: refresh attempt {Attempt} failed ({Code})")]
    public static partial void RefreshAttemptFailed(ILogger logger, string slot, int attempt, string code);
}
