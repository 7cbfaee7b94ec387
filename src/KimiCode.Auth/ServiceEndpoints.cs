using KimiCode.Config;

namespace KimiCode.Auth;

/// <summary>The OAuth host and coding API base of a login: the region's defaults, under the environment's overrides.</summary>
public sealed record ServiceEndpoints(string OAuthHost, string CodingBaseUrl)
{
    /// <summary><paramref name="region"/> is <c>cn</c> (or null: the default) or <c>global</c>.</summary>
    public static ServiceEndpoints Resolve(EndpointOverrides overrides, string? region)
    {
        ArgumentNullException.ThrowIfNull(overrides);
        var global = string.Equals(region, "global", StringComparison.OrdinalIgnoreCase);
        return new ServiceEndpoints(
            (overrides.OAuthHost ?? (global ? KimiCodeEndpoints.GlobalOAuthHost : KimiCodeEndpoints.DefaultOAuthHost)).TrimEnd('/'),
            (overrides.CodingBaseUrl ?? (global ? KimiCodeEndpoints.GlobalBaseUrl : KimiCodeEndpoints.DefaultBaseUrl)).TrimEnd('/'));
    }

    /// <summary>The credential file name both clients use for these endpoints.</summary>
    public string Slot => CredentialSlot.NameFor(OAuthHost, CodingBaseUrl);
}
