using System.Text.RegularExpressions;
using KimiCode.Agent.Tools.Web;
using KimiCode.Protocol;

namespace KimiCode.Agent.Permissions;

/// <summary>
/// The argument of a <c>FetchURL(…)</c> rule: <c>domain:example.com</c> (the host or any subdomain of it) or a URL glob
/// where <c>*</c> is any text and every other character stands for itself (<c>?</c> is a query, not a wildcard).
/// Matched against <see cref="WebUrl.Canonical"/>, the call's subject.
/// </summary>
internal sealed class UrlPattern
{
    private static readonly System.Buffers.SearchValues<char> NotInDomain = System.Buffers.SearchValues.Create("/:*?@ ");
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
    private readonly string? _domain;
    private readonly string? _glob;
    private readonly bool _withScheme;

    private UrlPattern(string? domain, string? glob)
    {
        _domain = domain;
        _glob = glob;
        _withScheme = glob?.Contains("://", StringComparison.Ordinal) == true;
    }

    /// <summary>Parses <paramref name="pattern"/> of rule <paramref name="rule"/>; <paramref name="invalid"/> makes the one-line error.</summary>
    public static UrlPattern Parse(string rule, string pattern, Func<string, string, KimiCodeException> invalid)
    {
        if (pattern.StartsWith("domain:", StringComparison.OrdinalIgnoreCase))
        {
            var domain = pattern["domain:".Length..].Trim().TrimEnd('.').ToLowerInvariant();
            if (domain.StartsWith("*.", StringComparison.Ordinal))
            {
                domain = domain[2..]; // domain:*.example.com means what domain:example.com means
            }

            if (domain.Length == 0 || domain.AsSpan().IndexOfAny(NotInDomain) >= 0)
            {
                throw invalid(rule, "after 'domain:' give a host name such as example.com (it also covers its subdomains), without scheme, port or path");
            }

            return new UrlPattern(WebUrl.NormalizeHost(domain), null);
        }

        // Scheme and host are case-insensitive, as in the canonical URL; the path keeps its case.
        var start = pattern.IndexOf("://", StringComparison.Ordinal) is var scheme and >= 0 ? scheme + 3 : 0;
        var slash = pattern.IndexOf('/', start);
        var authorityEnd = slash < 0 ? pattern.Length : slash;
        return new UrlPattern(null, pattern[..authorityEnd].ToLowerInvariant() + pattern[authorityEnd..]);
    }

    /// <summary>True when <paramref name="canonicalUrl"/> (a <see cref="WebUrl.Canonical"/>) matches.</summary>
    public bool Matches(string canonicalUrl, bool ignoreCase)
    {
        if (!WebUrl.TryParse(canonicalUrl, out var url, out _))
        {
            return false;
        }

        if (_domain is not null)
        {
            return url.Host == _domain || url.Host.EndsWith("." + _domain, StringComparison.Ordinal);
        }

        var text = _withScheme ? url.Canonical : url.Canonical[(url.Canonical.IndexOf("://", StringComparison.Ordinal) + 3)..];
        var regex = "^" + string.Join(".*", _glob!.Split('*').Select(Regex.Escape)) + "$";
        try
        {
            return Regex.IsMatch(text, regex, RegexOptions.CultureInvariant | RegexOptions.Singleline | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), MatchTimeout);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }
}
