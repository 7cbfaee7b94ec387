namespace KimiCode.Config;

/// <summary><c>[providers.X.oauth]</c>: where the provider's OAuth tokens live and which host issues them.</summary>
public sealed record OAuthConfig
{
    /// <summary><c>storage</c>, e.g. <c>"file"</c>.</summary>
    public string? Storage { get; init; }

    /// <summary><c>key</c>, e.g. <c>"oauth/kimi-code"</c> (the credential slot).</summary>
    public string? Key { get; init; }

    /// <summary><c>oauth_host</c>, e.g. <c>"https://auth.kimi.com"</c>.</summary>
    public string? OAuthHost { get; init; }
}
