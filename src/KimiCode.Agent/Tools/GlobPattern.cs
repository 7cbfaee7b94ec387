using System.Text;
using System.Text.RegularExpressions;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Glob patterns over paths with forward slashes: <c>*</c> and <c>?</c> stay within one path segment,
/// <c>**</c> as a whole segment spans any number of segments, <c>[abc]</c>/<c>[!abc]</c> are classes,
/// <c>{a,b}</c> are alternatives and <c>\</c> escapes the next character. Matching is case-sensitive.
/// </summary>
internal sealed class GlobPattern
{
    private static readonly TimeSpan MatchTimeout = TimeSpan.FromSeconds(1);
    private readonly Regex _regex;

    private GlobPattern(string text, Regex regex)
    {
        Text = text;
        _regex = regex;
    }

    public string Text { get; }

    /// <summary>True when <paramref name="path"/> (forward slashes) matches the whole pattern.</summary>
    public bool IsMatch(string path)
    {
        try
        {
            return _regex.IsMatch(path);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    /// <summary>Compiles a glob that must match the whole path.</summary>
    public static GlobPattern Parse(string glob, bool ignoreCase = false) => new(glob, Build(Translate(glob), ignoreCase));

    /// <summary>Compiles a glob where a pattern without a slash matches the last segment at any depth (as in .gitignore).</summary>
    public static GlobPattern ParseFloating(string glob, bool ignoreCase = false)
    {
        var anchored = glob.Contains('/', StringComparison.Ordinal);
        var body = anchored ? Translate(glob.TrimStart('/')) : "(?:.*/)?" + Translate(glob);
        return new GlobPattern(glob, Build(body, ignoreCase));
    }

    /// <summary>True when <paramref name="text"/> has glob metacharacters.</summary>
    public static bool HasWildcards(string text) => text.AsSpan().IndexOfAny("*?[{\\") >= 0;

    /// <summary>Tries to compile; returns the problem otherwise.</summary>
    /// <param name="ignoreCase">Letters match either case (ordinal, culture-invariant).</param>
    public static bool TryParse(string glob, bool floating, out GlobPattern? pattern, out string? error, bool ignoreCase = false)
    {
        try
        {
            pattern = floating ? ParseFloating(glob, ignoreCase) : Parse(glob, ignoreCase);
            error = null;
            return true;
        }
        catch (FormatException ex)
        {
            pattern = null;
            error = ex.Message;
            return false;
        }
    }

    private static Regex Build(string body, bool ignoreCase = false)
        => new("^" + body + "$", RegexOptions.CultureInvariant | RegexOptions.Singleline | (ignoreCase ? RegexOptions.IgnoreCase : RegexOptions.None), MatchTimeout);

    /// <summary>Translates a glob into a regular expression body (no anchors). Throws <see cref="FormatException"/> on an unclosed class or brace.</summary>
    internal static string Translate(string glob)
    {
        var builder = new StringBuilder();
        Translate(glob, builder);
        return builder.ToString();
    }

    private static void Translate(string glob, StringBuilder output)
    {
        var i = 0;
        while (i < glob.Length)
        {
            var c = glob[i];
            switch (c)
            {
                case '\\':
                    if (i + 1 < glob.Length)
                    {
                        output.Append(Regex.Escape(glob[i + 1].ToString()));
                        i += 2;
                    }
                    else
                    {
                        output.Append(@"\\");
                        i++;
                    }

                    break;

                case '*':
                    if (i + 1 < glob.Length && glob[i + 1] == '*')
                    {
                        var atSegmentStart = i == 0 || glob[i - 1] == '/';
                        var end = i + 2;
                        var atSegmentEnd = end == glob.Length || glob[end] == '/';
                        if (atSegmentStart && atSegmentEnd)
                        {
                            if (end < glob.Length)
                            {
                                // "**/" : zero or more whole segments.
                                output.Append("(?:.*/)?");
                                i = end + 1;
                            }
                            else
                            {
                                // trailing "**": anything, across segments.
                                output.Append(".*");
                                i = end;
                            }

                            break;
                        }

                        // "a**b": consecutive stars inside a segment act as one.
                        while (i < glob.Length && glob[i] == '*')
                        {
                            i++;
                        }

                        output.Append("[^/]*");
                        break;
                    }

                    output.Append("[^/]*");
                    i++;
                    break;

                case '?':
                    output.Append("[^/]");
                    i++;
                    break;

                case '[':
                    i = TranslateClass(glob, i, output);
                    break;

                case '{':
                    i = TranslateAlternatives(glob, i, output);
                    break;

                default:
                    output.Append(Regex.Escape(c.ToString()));
                    i++;
                    break;
            }
        }
    }

    private static int TranslateClass(string glob, int start, StringBuilder output)
    {
        var i = start + 1;
        var negate = i < glob.Length && (glob[i] == '!' || glob[i] == '^');
        if (negate)
        {
            i++;
        }

        var contentStart = i;
        if (i < glob.Length && glob[i] == ']')
        {
            i++; // a leading ']' is literal
        }

        while (i < glob.Length && glob[i] != ']')
        {
            i++;
        }

        if (i >= glob.Length)
        {
            throw new FormatException($"unclosed '[' in pattern '{glob}'");
        }

        var content = glob[contentStart..i];
        output.Append('[');
        if (negate)
        {
            output.Append('^').Append('/');
        }

        foreach (var ch in content)
        {
            if (ch is '\\' or '[' or ']' or '^')
            {
                output.Append('\\');
            }

            output.Append(ch);
        }

        output.Append(']');
        return i + 1;
    }

    private static int TranslateAlternatives(string glob, int start, StringBuilder output)
    {
        var depth = 0;
        var alternatives = new List<string>();
        var partStart = start + 1;
        for (var i = start; i < glob.Length; i++)
        {
            var c = glob[i];
            if (c == '\\')
            {
                i++;
                continue;
            }

            if (c == '{')
            {
                depth++;
            }
            else if (c == '}')
            {
                depth--;
                if (depth == 0)
                {
                    alternatives.Add(glob[partStart..i]);
                    output.Append("(?:");
                    for (var a = 0; a < alternatives.Count; a++)
                    {
                        if (a > 0)
                        {
                            output.Append('|');
                        }

                        Translate(alternatives[a], output);
                    }

                    output.Append(')');
                    return i + 1;
                }
            }
            else if (c == ',' && depth == 1)
            {
                alternatives.Add(glob[partStart..i]);
                partStart = i + 1;
            }
        }

        throw new FormatException($"unclosed '{{' in pattern '{glob}'");
    }
}
