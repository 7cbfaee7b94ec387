using System.Globalization;
using System.Security.Cryptography;
using System.Text;

namespace KimiCode.Auth;

/// <summary>
/// Names the credential file for an (OAuth host, base URL) pair exactly as the Node client does, so both
/// clients share one login per environment.
/// </summary>
public static class CredentialSlot
{
    public const string DefaultName = "kimi-code";

    public static string NameFor(string oauthHost, string baseUrl)
    {
        ArgumentNullException.ThrowIfNull(oauthHost);
        ArgumentNullException.ThrowIfNull(baseUrl);
        var host = oauthHost.TrimEnd('/');
        var url = baseUrl.TrimEnd('/');
        if (host == KimiCodeEndpoints.DefaultOAuthHost && url == KimiCodeEndpoints.DefaultBaseUrl)
        {
            return DefaultName;
        }

        // Must be byte-identical to JS JSON.stringify({oauthHost, baseUrl}): no '/' escaping, non-ASCII kept.
        var json = new StringBuilder("{\"oauthHost\":");
        AppendJsString(json, host);
        json.Append(",\"baseUrl\":");
        AppendJsString(json, url);
        json.Append('}');
        var hash = SHA256.HashData(Encoding.UTF8.GetBytes(json.ToString()));
        return "kimi-code-env-" + Convert.ToHexStringLower(hash)[..16];
    }

    /// <summary>JSON.stringify's string quoting (ECMA-262 QuoteJSONString), including lone-surrogate escapes.</summary>
    internal static void AppendJsString(StringBuilder builder, string value)
    {
        builder.Append('"');
        for (var i = 0; i < value.Length; i++)
        {
            var c = value[i];
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\f': builder.Append("\\f"); break;
                case '\n': builder.Append("\\n"); break;
                case '\r': builder.Append("\\r"); break;
                case '\t': builder.Append("\\t"); break;
                default:
                    if (c < 0x20)
                    {
                        AppendUnicodeEscape(builder, c);
                    }
                    else if (char.IsHighSurrogate(c) && i + 1 < value.Length && char.IsLowSurrogate(value[i + 1]))
                    {
                        builder.Append(c).Append(value[i + 1]);
                        i++;
                    }
                    else if (char.IsSurrogate(c))
                    {
                        AppendUnicodeEscape(builder, c);
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        builder.Append('"');
    }

    private static void AppendUnicodeEscape(StringBuilder builder, char c)
        => builder.Append("\\u").Append(((int)c).ToString("x4", CultureInfo.InvariantCulture));
}
