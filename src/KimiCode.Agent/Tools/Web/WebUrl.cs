using System.Diagnostics.CodeAnalysis;
using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace KimiCode.Agent.Tools.Web;

/// <summary>
/// A URL FetchURL may open: http or https, with a host, no user name or password. <see cref="Canonical"/> is the one
/// spelling permission rules match (lower-case scheme and host, no trailing dot, no default port, no fragment), so
/// <c>HTTPS://Example.COM.:443/a</c> and <c>https://example.com/a</c> are the same URL to a rule.
/// </summary>
public sealed class WebUrl
{
    private WebUrl(Uri uri, string host, IPAddress? literal)
    {
        Uri = uri;
        Host = host;
        Literal = literal;
        var port = uri.IsDefaultPort ? "" : ":" + uri.Port.ToString(CultureInfo.InvariantCulture);
        var shownHost = literal is { AddressFamily: AddressFamily.InterNetworkV6 } ? "[" + host + "]" : host;
        Canonical = uri.Scheme + "://" + shownHost + port + uri.PathAndQuery;
    }

    /// <summary>The parsed URL.</summary>
    public Uri Uri { get; }

    /// <summary>The host: lower case, IDN as punycode, no trailing dot, an IP address in its usual form (IPv6 without brackets).</summary>
    public string Host { get; }

    /// <summary>The address when the host is an IP address, in any spelling (<c>0x7f000001</c>, <c>2130706433</c>, <c>127.1</c>, <c>[::ffff:127.0.0.1]</c>).</summary>
    public IPAddress? Literal { get; }

    /// <summary>The spelling permission rules match.</summary>
    public string Canonical { get; }

    /// <summary>
    /// Why the host is internal without asking DNS: an internal IP literal (<see cref="NetworkAddress"/>) or a
    /// <c>localhost</c> name (<c>localhost</c>, <c>localhost.</c>, <c>*.localhost</c>, which resolve to the machine itself).
    /// </summary>
    public string? LiteralConcern => Literal is { } address
        ? NetworkAddress.InternalReason(address) is { } reason ? $"{Host} is {reason}" : null
        : Host == "localhost" || Host.EndsWith(".localhost", StringComparison.Ordinal) ? $"{Host} is this machine (loopback)" : null;

    public override string ToString() => Canonical;

    /// <summary>Parses what the model gave; <paramref name="error"/> says what to give instead.</summary>
    public static bool TryParse(string text, [NotNullWhen(true)] out WebUrl? url, [NotNullWhen(false)] out string? error)
    {
        url = null;
        var trimmed = text.Trim();
        if (!Uri.TryCreate(trimmed, UriKind.Absolute, out var uri) || uri.IsFile || uri.IsUnc)
        {
            error = trimmed.StartsWith("file:", StringComparison.OrdinalIgnoreCase) || trimmed.StartsWith('/')
                ? $"'{trimmed}' is a local file, and FetchURL only fetches http:// and https:// URLs; use Read for files."
                : $"'{trimmed}' is not an absolute URL; give one starting with http:// or https://.";
            return false;
        }

        if (uri.Scheme != Uri.UriSchemeHttp && uri.Scheme != Uri.UriSchemeHttps)
        {
            error = $"'{trimmed}' uses the {uri.Scheme}: scheme, and FetchURL only fetches http:// and https:// URLs.";
            return false;
        }

        if (!string.IsNullOrEmpty(uri.UserInfo))
        {
            error = $"'{trimmed}' has a user name or password before the host; FetchURL does not send credentials in URLs, so give the URL without them.";
            return false;
        }

        var host = NormalizeHost(uri.IdnHost);
        if (host.Length == 0)
        {
            error = $"'{trimmed}' has no host; give a URL such as https://example.com/page.";
            return false;
        }

        url = new WebUrl(uri, host, ParseAddress(host));
        error = null;
        return true;
    }

    /// <summary>
    /// The one spelling of a host: an IP address in its usual form (IPv4-mapped IPv6 as IPv4, so a rule about
    /// 127.0.0.1 also covers [::ffff:127.0.0.1]), a name in lower case without brackets or a trailing dot.
    /// </summary>
    public static string NormalizeHost(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        var bare = host.Trim('[', ']').TrimEnd('.').ToLowerInvariant();
        return ParseAddress(bare) is { } address ? (address.IsIPv4MappedToIPv6 ? address.MapToIPv4() : address).ToString() : bare;
    }

    /// <summary>
    /// The address a host name stands for when it is an IP literal in any form a resolver accepts: IPv6, dotted IPv4
    /// with one to four parts, each decimal, octal (<c>0177</c>) or hexadecimal (<c>0x7f</c>), e.g. <c>127.1</c>,
    /// <c>2130706433</c>, <c>0x7f000001</c>; null for a name.
    /// </summary>
    public static IPAddress? ParseAddress(string host)
    {
        ArgumentNullException.ThrowIfNull(host);
        if (host.Contains(':', StringComparison.Ordinal))
        {
            var bare = host.Trim('[', ']');
            var zone = bare.IndexOf('%', StringComparison.Ordinal);
            return IPAddress.TryParse(zone < 0 ? bare : bare[..zone], out var v6) && v6.AddressFamily == AddressFamily.InterNetworkV6 ? v6 : null;
        }

        var parts = host.TrimEnd('.').Split('.');
        if (parts.Length is 0 or > 4)
        {
            return null;
        }

        var values = new ulong[parts.Length];
        for (var i = 0; i < parts.Length; i++)
        {
            if (!TryParsePart(parts[i], out values[i]))
            {
                return null;
            }
        }

        // inet_aton: the last part fills the remaining bytes (a.b.c.d, a.b.16bits, a.24bits, 32bits).
        ulong value = 0;
        for (var i = 0; i < parts.Length - 1; i++)
        {
            if (values[i] > 255)
            {
                return null;
            }

            value |= values[i] << (8 * (3 - i));
        }

        var last = values[^1];
        if (last >= 1UL << (8 * (4 - (parts.Length - 1))))
        {
            return null;
        }

        value |= last;
        return new IPAddress([(byte)(value >> 24), (byte)(value >> 16), (byte)(value >> 8), (byte)value]);
    }

    private static bool TryParsePart(string part, out ulong value)
    {
        value = 0;
        if (part.Length == 0 || part.Length > 12)
        {
            return false;
        }

        if (part.Length > 2 && part[0] == '0' && part[1] is 'x' or 'X')
        {
            return ulong.TryParse(part.AsSpan(2), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out value);
        }

        if (part.Length > 1 && part[0] == '0')
        {
            foreach (var c in part.AsSpan(1))
            {
                if (c is < '0' or > '7')
                {
                    return false;
                }

                value = (value * 8) + (ulong)(c - '0');
            }

            return true;
        }

        return part.All(char.IsAsciiDigit) && ulong.TryParse(part, NumberStyles.None, CultureInfo.InvariantCulture, out value);
    }
}
