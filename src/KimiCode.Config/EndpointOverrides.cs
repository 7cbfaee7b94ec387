namespace KimiCode.Config;

/// <summary>
/// The environment variables that point kimi at another Kimi Code service (a staging server, the emulator), read in
/// this one place: <c>KIMI_CODE_BASE_URL</c> (the coding API) and <c>KIMI_CODE_OAUTH_HOST</c>, or the older
/// <c>KIMI_OAUTH_HOST</c> (the OAuth host). Blank values count as unset; trailing slashes are dropped.
/// </summary>
public sealed record EndpointOverrides(string? CodingBaseUrl, string? OAuthHost)
{
    public static EndpointOverrides Read(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        return new EndpointOverrides(
            NonEmpty(environment("KIMI_CODE_BASE_URL")),
            NonEmpty(environment("KIMI_CODE_OAUTH_HOST")) ?? NonEmpty(environment("KIMI_OAUTH_HOST")));
    }

    private static string? NonEmpty(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim().TrimEnd('/');
}
