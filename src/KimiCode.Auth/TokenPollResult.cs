namespace KimiCode.Auth;

public enum TokenPollStatus
{
    Success,
    Pending,
    SlowDown,
    Expired,
    Denied,
}

/// <summary>One answer of the token endpoint while polling a device code.</summary>
public sealed class TokenPollResult
{
    private TokenPollResult(TokenPollStatus status, OAuthCredential? credential)
    {
        Status = status;
        Credential = credential;
    }

    public static TokenPollResult Pending { get; } = new(TokenPollStatus.Pending, null);

    public static TokenPollResult SlowDown { get; } = new(TokenPollStatus.SlowDown, null);

    public static TokenPollResult Expired { get; } = new(TokenPollStatus.Expired, null);

    public static TokenPollResult Denied { get; } = new(TokenPollStatus.Denied, null);

    public TokenPollStatus Status { get; }

    /// <summary>Set only when <see cref="Status"/> is <see cref="TokenPollStatus.Success"/>.</summary>
    public OAuthCredential? Credential { get; }

    public static TokenPollResult Success(OAuthCredential credential)
    {
        ArgumentNullException.ThrowIfNull(credential);
        return new(TokenPollStatus.Success, credential);
    }

    public override string ToString() => Status.ToString();
}
