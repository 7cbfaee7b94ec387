namespace KimiCode.Auth;

/// <summary>How a caller should react to an OAuth failure.</summary>
public enum OAuthErrorKind
{
    /// <summary>The refresh token is dead (401/403/<c>invalid_grant</c>): only a new login helps.</summary>
    InvalidGrant,

    /// <summary>429, 5xx or a network failure: retrying later may succeed.</summary>
    Transient,

    /// <summary>The server answered something unexpected (HTML, garbage, unknown error).</summary>
    Protocol,
}
