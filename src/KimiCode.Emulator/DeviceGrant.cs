namespace KimiCode.Emulator;

/// <summary>One device authorization in flight (mutated only under the state lock).</summary>
internal sealed class DeviceGrant
{
    public required string DeviceCode { get; init; }

    public required string UserCode { get; init; }

    public required DateTimeOffset ExpiresAt { get; init; }

    public required int IntervalSeconds { get; set; }

    public DateTimeOffset? LastPoll { get; set; }

    public DeviceGrantStatus Status { get; set; }
}

internal enum DeviceGrantStatus
{
    Pending,
    Approved,
    Denied,
    Consumed,
}

/// <summary>Outcome of a device-code poll; <see cref="Tokens"/> is set only for <see cref="DevicePollOutcome.Success"/>.</summary>
internal sealed record DevicePollResult(DevicePollOutcome Outcome, IssuedTokens? Tokens);

internal enum DevicePollOutcome
{
    Success,
    AuthorizationPending,
    SlowDown,
    ExpiredToken,
    AccessDenied,
    InvalidGrant,
}

/// <summary>What a device authorization returned to the client.</summary>
internal sealed record DeviceAuthorization(string DeviceCode, string UserCode, int ExpiresIn, int Interval);
