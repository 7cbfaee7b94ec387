using System.Text.Json.Serialization;

namespace KimiCode.Auth;

/// <summary>
/// The on-disk credential JSON shared with the Node and Python clients. Numbers are read as doubles because
/// the Python client writes <c>expires_at</c> as a float (<c>time.time() + expires_in</c>).
/// </summary>
internal sealed class CredentialFile
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("expires_at")]
    public double? ExpiresAt { get; set; }

    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }

    [JsonPropertyName("expires_in")]
    public double? ExpiresIn { get; set; }

    public static CredentialFile From(OAuthCredential credential) => new()
    {
        AccessToken = credential.AccessToken,
        RefreshToken = credential.RefreshToken,
        ExpiresAt = credential.ExpiresAt,
        Scope = credential.Scope,
        TokenType = credential.TokenType,
        ExpiresIn = credential.ExpiresIn,
    };

    /// <summary>Null when the shape is unusable (tokens or expiry missing, numbers out of range).</summary>
    public OAuthCredential? ToCredential()
    {
        if (AccessToken is null || RefreshToken is null || ExpiresAt is not { } expiresAt || !IsUnixSeconds(expiresAt))
        {
            return null;
        }

        var expiresIn = ExpiresIn is { } e && IsUnixSeconds(e) ? (long)e : 0;
        return new OAuthCredential(AccessToken, RefreshToken, (long)expiresAt, Scope ?? string.Empty, TokenType ?? string.Empty, expiresIn);
    }

    private static bool IsUnixSeconds(double value) => double.IsFinite(value) && value >= 0 && value < 253402300800d;
}
