using System.Text.Json.Serialization;

namespace KimiCode.Auth;

/// <summary>Device authorization response (RFC 8628 section 3.2).</summary>
internal sealed class DeviceAuthorizationResponse
{
    [JsonPropertyName("user_code")]
    public string? UserCode { get; set; }

    [JsonPropertyName("device_code")]
    public string? DeviceCode { get; set; }

    [JsonPropertyName("verification_uri")]
    public string? VerificationUri { get; set; }

    [JsonPropertyName("verification_uri_complete")]
    public string? VerificationUriComplete { get; set; }

    [JsonPropertyName("expires_in")]
    public double? ExpiresIn { get; set; }

    [JsonPropertyName("interval")]
    public double? Interval { get; set; }
}

/// <summary>Token endpoint success response.</summary>
internal sealed class TokenResponse
{
    [JsonPropertyName("access_token")]
    public string? AccessToken { get; set; }

    [JsonPropertyName("refresh_token")]
    public string? RefreshToken { get; set; }

    [JsonPropertyName("expires_in")]
    public double? ExpiresIn { get; set; }

    [JsonPropertyName("scope")]
    public string? Scope { get; set; }

    [JsonPropertyName("token_type")]
    public string? TokenType { get; set; }
}

/// <summary>OAuth error body (RFC 6749 section 5.2).</summary>
internal sealed class OAuthErrorResponse
{
    [JsonPropertyName("error")]
    public string? Error { get; set; }

    [JsonPropertyName("error_description")]
    public string? ErrorDescription { get; set; }
}
