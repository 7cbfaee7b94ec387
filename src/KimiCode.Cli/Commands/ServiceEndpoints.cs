using KimiCode.Auth;

namespace KimiCode.Cli.Commands;

/// <summary>The OAuth host and coding API base for this run: region defaults, then the environment overrides.</summary>
internal sealed record ServiceEndpoints(string OAuthHost, string CodingBaseUrl)
{
    public static ServiceEndpoints Resolve(CliEnvironment env, string? region)
    {
        var global = string.Equals(region, "global", StringComparison.OrdinalIgnoreCase);
        var host = NonEmpty(env.GetVariable("KIMI_CODE_OAUTH_HOST")) ?? NonEmpty(env.GetVariable("KIMI_OAUTH_HOST"))
            ?? (global ? KimiCodeEndpoints.GlobalOAuthHost : KimiCodeEndpoints.DefaultOAuthHost);
        var baseUrl = NonEmpty(env.GetVariable("KIMI_CODE_BASE_URL"))
            ?? (global ? KimiCodeEndpoints.GlobalBaseUrl : KimiCodeEndpoints.DefaultBaseUrl);
        return new ServiceEndpoints(host.TrimEnd('/'), baseUrl.TrimEnd('/'));
    }

    public string Slot => CredentialSlot.NameFor(OAuthHost, CodingBaseUrl);

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();
}
