using System.Globalization;
using System.Text;

namespace KimiCode.Agent.Skills;

/// <summary>
/// Reads a skill file: YAML front matter between <c>---</c> lines, then the body. The front matter is the subset
/// skills use: <c>key: value</c> (plain, single- or double-quoted), block lists (<c>- item</c>), flow lists
/// (<c>[a, b]</c>) and block scalars (<c>|</c>, <c>&gt;</c>). Unknown keys are ignored; anything it cannot read
/// makes the file unusable, with the reason.
/// </summary>
internal static class SkillFile
{
    private const int DescriptionFallbackLimit = 240;

    /// <summary>The skill in <paramref name="text"/>, or why it cannot be used.</summary>
    /// <param name="fileName">The name a flat file gives the skill when its front matter has none; null for <c>SKILL.md</c>.</param>
    public static (Skill? Skill, string? Problem) Parse(string text, string? fileName, string path, SkillSource source)
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
                return (null, "its front matter has no closing --- line");
            }

            if (ReadFrontMatter(text[4..(end + 1)], fields) is { } problem)
            {
                return (null, problem);
            }

            body = end + 4 >= text.Length ? "" : text[(end + 5)..];
        }

        body = body.Trim('\n');
        var name = Text(fields, "name");
        var description = Text(fields, "description");
        if (fileName is null && (string.IsNullOrWhiteSpace(name) || string.IsNullOrWhiteSpace(description)))
        {
            return (null, "a SKILL.md needs both name and description in its front matter");
        }

        name = string.IsNullOrWhiteSpace(name) ? fileName! : name.Trim();
        if (name.Any(c => char.IsWhiteSpace(c) || char.IsControl(c)))
        {
            return (null, $"its name \"{name}\" has spaces; use letters, digits, - and _");
        }

        description = string.IsNullOrWhiteSpace(description) ? FirstLine(body) : description.Trim();
        var type = (Text(fields, "type") ?? "prompt").Trim();
        if (type is not ("prompt" or "inline" or "flow"))
        {
            return (null, $"its type \"{type}\" is not prompt, inline or flow");
        }

        var arguments = fields.TryGetValue("arguments", out var rawArguments)
            ? rawArguments switch
            {
                List<string> list => list,
                string words => [.. words.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)],
                _ => [],
            }
            : [];
        return (new Skill
        {
            Name = name,
            Description = description,
            Type = type,
            WhenToUse = Text(fields, "whenToUse") ?? Text(fields, "when-to-use") ?? Text(fields, "when_to_use"),
            DisableModelInvocation = IsTrue(fields, "disableModelInvocation") || IsTrue(fields, "disable-model-invocation") || IsTrue(fields, "disable_model_invocation"),
            Arguments = arguments,
            Body = body,
            Path = path,
            Directory = System.IO.Path.GetDirectoryName(path) ?? "",
            Source = source,
        }, null);
    }

    private static string FirstLine(string body)
    {
        var line = body.Split('\n').Select(l => l.Trim()).FirstOrDefault(l => l.Length > 0) ?? "";
        return line.Length > DescriptionFallbackLimit ? line[..DescriptionFallbackLimit] : line;
    }

    private static string? Text(Dictionary<string, object> fields, string key) => fields.TryGetValue(key, out var value) && value is string text ? text : null;

    private static bool IsTrue(Dictionary<string, object> fields, string key) =>
        Text(fields, key) is { } text && text.Trim().Equals("true", StringComparison.OrdinalIgnoreCase);

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
