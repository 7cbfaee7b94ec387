using System.Text.RegularExpressions;

namespace KimiCode.Hosting.Logging;

/// <summary>
/// The one formatter every log line passes through: whatever a message says, bearer tokens, JWTs, API keys and
/// token/key fields come out as <c>[redacted]</c>. A second line of defence: the code logs no secret on purpose.
/// </summary>
public static partial class LogRedactor
{
    public const string Mask = "[redacted]";

    public static string Redact(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        text = SecretField().Replace(text, m => m.Groups["prefix"].Value + Mask);
        text = Bearer().Replace(text, "${scheme}" + Mask);
        text = Jwt().Replace(text, Mask);
        return ApiKey().Replace(text, Mask);
    }

    // "access_token": "…", refresh_token=…, api_key = '…', X-Api-Key: …, KIMI_API_KEY=…
    [GeneratedRegex("""(?<prefix>(?:access_token|refresh_token|id_token|api_key|apikey|api-key|password|secret|client_secret|device_code)["']?\s*[:=]\s*["']?)[^"'\s,;&}]+""", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretField();

    [GeneratedRegex(@"(?<scheme>\b(?:Bearer|Basic)\s+)[A-Za-z0-9\-._~+/=]+", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex Bearer();

    // Three base64url parts, the first a JSON header ("eyJ…").
    [GeneratedRegex(@"\beyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]*", RegexOptions.CultureInvariant)]
    private static partial Regex Jwt();

    // Moonshot / OpenAI style keys.
    [GeneratedRegex(@"\bsk-[A-Za-z0-9_\-]{8,}", RegexOptions.CultureInvariant)]
    private static partial Regex ApiKey();
}
