using System.Globalization;
using System.Text;

namespace KimiCode.Agent.Prompts;

/// <summary>
/// The YAML front matter of skill and agent files: <c>---</c> lines around the subset those files use, <c>key: value</c>
/// (plain, single- or double-quoted), block lists (<c>- item</c>), flow lists (<c>[a, b]</c>) and block scalars
/// (<c>|</c>, <c>&gt;</c>). A value is a <see cref="string"/> or a <see cref="List{T}"/> of strings. Unknown keys are kept
/// for the caller to ignore; anything it cannot read is a problem naming the line.
/// </summary>
internal static class FrontMatter
{
    /// <summary>The fields and the body of <paramref name="text"/> (no front matter: no fields, the whole text), or what is wrong.</summary>
    public static (Dictionary<string, object> Fields, string Body, string? Problem) Split(string text)
    {
        text = text.Replace("\r\n", "\n", StringComparison.Ordinal).TrimStart('\uFEFF');
        var fields = new Dictionary<string, object>(StringComparer.Ordinal);
        var body = text;
        if (text.StartsWith("---\n", StringComparison.Ordinal) || text == "---")
        {
            var end = text.IndexOf("\n---", 3, StringComparison.Ordinal);
            while (end >= 0 && end + 4 < text.Length && text[end + 4] != '\n')
            {
                end = text.IndexOf("\n---", end + 4, StringComparison.Ordinal);
            }

            if (end < 0)
            {
                return (fields, "", "its front matter has no closing --- line");
            }

            if (ReadFrontMatter(text[4..(end + 1)], fields) is { } problem)
            {
                return (fields, "", problem);
            }

            body = end + 4 >= text.Length ? "" : text[(end + 5)..];
        }

        return (fields, body.Trim('\n'), null);
    }

    /// <summary>A text field, or null when absent or a list.</summary>
    public static string? Text(Dictionary<string, object> fields, string key) => fields.TryGetValue(key, out var value) && value is string text ? text : null;

    /// <summary>True when the field is the text <c>true</c> (any case).</summary>
    public static bool IsTrue(Dictionary<string, object> fields, string key) =>
        Text(fields, key) is { } text && text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

    /// <summary>
    /// A list field in either official shape, a YAML list or a comma-separated text (<c>tools: Read, Grep</c>); null when
    /// the key is absent or has no value (so "not given" and "empty list" stay apart: <c>tools: []</c> is an empty list).
    /// </summary>
    public static IReadOnlyList<string>? Names(Dictionary<string, object> fields, string key) => fields.GetValueOrDefault(key) switch
    {
        List<string> list => [.. list.Select(static n => n.Trim()).Where(static n => n.Length > 0)],
        string text when text.Trim().Length > 0 => [.. text.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)],
        _ => null,
    };

    /// <summary>Fills <paramref name="fields"/> from the front matter; returns what is wrong, or null.</summary>
    private static string? ReadFrontMatter(string yaml, Dictionary<string, object> fields)
    {
        var lines = yaml.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            var line = lines[i];
            if (line.Trim().Length == 0 || line.TrimStart().StartsWith('#'))
            {
                continue;
            }

            if (char.IsWhiteSpace(line[0]))
            {
                return $"front matter line {i + 2} is indented where a key was expected";
            }

            var colon = line.IndexOf(':', StringComparison.Ordinal);
            if (colon <= 0)
            {
                return $"front matter line {i + 2} is not \"key: value\"";
            }

            var key = line[..colon].Trim();
            var value = line[(colon + 1)..].Trim();
            if (value is "|" or ">" or "|-" or ">-" or "|+" or ">+")
            {
                var block = new List<string>();
                while (i + 1 < lines.Length && (lines[i + 1].Length == 0 || char.IsWhiteSpace(lines[i + 1][0])))
                {
                    block.Add(lines[++i].Trim());
                }

                fields[key] = value[0] == '|' ? string.Join('\n', block).Trim('\n') : string.Join(' ', block.Where(b => b.Length > 0));
            }
            else if (value.Length == 0)
            {
                var items = new List<string>();
                while (i + 1 < lines.Length && lines[i + 1].TrimStart().StartsWith("- ", StringComparison.Ordinal))
                {
                    var (item, problem) = Scalar(lines[++i].TrimStart()[2..].Trim(), i + 2);
                    if (problem is not null)
                    {
                        return problem;
                    }

                    items.Add(item);
                }

                fields[key] = items.Count > 0 ? items : "";
            }
            else if (value.StartsWith('['))
            {
                if (!value.EndsWith(']'))
                {
                    return $"front matter line {i + 2} opens a [list] it does not close";
                }

                var items = new List<string>();
                foreach (var part in value[1..^1].Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
                {
                    var (item, problem) = Scalar(part, i + 2);
                    if (problem is not null)
                    {
                        return problem;
                    }

                    items.Add(item);
                }

                fields[key] = items;
            }
            else
            {
                var (scalar, problem) = Scalar(value, i + 2);
                if (problem is not null)
                {
                    return problem;
                }

                fields[key] = scalar;
            }
        }

        return null;
    }

    private static (string Value, string? Problem) Scalar(string value, int line)
    {
        if (value.Length == 0 || (value[0] != '"' && value[0] != '\''))
        {
            var comment = value.IndexOf(" #", StringComparison.Ordinal);
            return (comment >= 0 ? value[..comment].TrimEnd() : value, null);
        }

        var quote = value[0];
        var text = new StringBuilder();
        for (var i = 1; i < value.Length; i++)
        {
            var c = value[i];
            if (c == quote)
            {
                if (quote == '\'' && i + 1 < value.Length && value[i + 1] == '\'')
                {
                    text.Append('\'');
                    i++;
                    continue;
                }

                return (text.ToString(), null);
            }

            if (c == '\\' && quote == '"' && i + 1 < value.Length)
            {
                var next = value[++i];
                text.Append(next switch { 'n' => '\n', 't' => '\t', _ => next });
                continue;
            }

            text.Append(c);
        }

        return ("", string.Create(CultureInfo.InvariantCulture, $"front matter line {line} has a quoted value that is not closed"));
    }
}
