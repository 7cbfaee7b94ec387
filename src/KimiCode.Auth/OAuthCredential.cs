namespace KimiCode.Auth;

/// <summary>
/// An OAuth token pair as stored in <c>credentials/&lt;slot&gt;.json</c>. <paramref name="ExpiresAt"/> is unix seconds.
/// <see cref="ToString"/> redacts both tokens so a credential can be logged safely.
/// </summary>
public sealed record OAuthCredential(string AccessToken, string RefreshToken, long ExpiresAt, string Scope, string TokenType, long ExpiresIn)
{
    /// <summary>The marker left after the server rejected the refresh token: empty tokens, <c>expires_at</c> 0.</summary>
    public static OAuthCredential Tombstone { get; } = new(string.Empty, string.Empty, 0, string.Empty, string.Empty, 0);

    /// <summary>True for the rejected-session marker (no tokens at all).</summary>
    public bool IsTombstone => AccessToken.Length == 0 && RefreshToken.Length == 0;

    public DateTimeOffset ExpiresAtTime => DateTimeOffset.FromUnixTimeSeconds(ExpiresAt);

    public override string ToString()
        => $"OAuthCredential {{ AccessToken = {Redact(AccessToken)}, RefreshToken = {Redact(RefreshToken)}, ExpiresAt = {ExpiresAt}, Scope = {Scope}, TokenType = {TokenType}, ExpiresIn = {ExpiresIn} }}";

    private static string Redact(string token) => token.Length == 0 ? "(empty)" : "(redacted)";
}
