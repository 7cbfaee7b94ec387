using System.Globalization;
using System.Net;
using System.Text;
using System.Text.RegularExpressions;

namespace KimiCode.Agent.Skills;

/// <summary>How a skill reaches the model: its body with the placeholders filled, in a <c>&lt;skill-loaded&gt;</c> block.</summary>
public static partial class SkillPrompt
{
    /// <summary>
    /// The body with <c>$ARGUMENTS</c> (the whole argument string), <c>$ARGUMENTS[n]</c> and <c>$n</c> (the n-th
    /// argument, from 0, quotes grouping words), <c>$&lt;name&gt;</c> (a declared argument) and <c>${KIMI_SKILL_DIR}</c>
    /// replaced. When the body uses no argument placeholder, non-empty arguments are appended as <c>ARGUMENTS: …</c>.
    /// </summary>
    public static string Expand(Skill skill, string arguments)
    {
        ArgumentNullException.ThrowIfNull(skill);
        arguments = arguments.Trim();
        var words = Split(arguments);
        var usedArguments = false;
        var text = Placeholder().Replace(skill.Body, match =>
        {
            if (match.Value == "${KIMI_SKILL_DIR}")
            {
                return skill.Directory;
            }

            if (match.Groups["index"].Success || match.Groups["short"].Success)
            {
                usedArguments = true;
                var index = int.Parse(match.Groups["index"].Success ? match.Groups["index"].Value : match.Groups["short"].Value, CultureInfo.InvariantCulture);
                return index < words.Count ? words[index] : "";
            }

            if (match.Value == "$ARGUMENTS")
            {
                usedArguments = true;
                return arguments;
            }

            var position = IndexOf(skill.Arguments, match.Groups["name"].Value);
            if (position < 0)
            {
                return match.Value;
            }

            usedArguments = true;
            return position < words.Count ? words[position] : "";
        });
        return !usedArguments && arguments.Length > 0 ? $"{text}\n\nARGUMENTS: {arguments}" : text;
    }

    /// <summary>What the user's <c>/skill:name args</c> sends to the model in place of the prompt.</summary>
    public static string ForUser(Skill skill, string arguments) =>
        $"User activated the skill \"{Escape(skill.Name)}\". Follow the loaded skill instructions.\n\n{Block(skill, arguments, "user-slash")}";

    /// <summary>What the <c>Skill</c> tool returns to the model.</summary>
    public static string ForModel(Skill skill, string arguments, bool nested) =>
        $"Skill tool loaded instructions for this request. Follow them.\n\n{Block(skill, arguments, nested ? "nested-skill" : "model-tool")}";

    /// <summary>Splits an argument string on whitespace; single or double quotes group words (<c>"fix login" patch</c> is two).</summary>
    public static List<string> Split(string arguments)
    {
        var words = new List<string>();
        var word = new StringBuilder();
        var inWord = false;
        char quote = '\0';
        foreach (var c in arguments)
        {
            if (quote != '\0')
            {
                if (c == quote)
                {
                    quote = '\0';
                }
                else
                {
                    word.Append(c);
                }
            }
            else if (c is '"' or '\'')
            {
                quote = c;
                inWord = true;
            }
            else if (char.IsWhiteSpace(c))
            {
                if (inWord)
                {
                    words.Add(word.ToString());
                    word.Clear();
                    inWord = false;
                }
            }
            else
            {
                word.Append(c);
                inWord = true;
            }
        }

        if (inWord)
        {
            words.Add(word.ToString());
        }

        return words;
    }

    private static string Block(Skill skill, string arguments, string trigger)
    {
        var attributes = new StringBuilder()
            .Append(" name=\"").Append(Escape(skill.Name)).Append('"')
            .Append(" trigger=\"").Append(trigger).Append('"')
            .Append(" source=\"").Append(skill.SourceName).Append('"');
        if (skill.Directory.Length > 0)
        {
            attributes.Append(" dir=\"").Append(Escape(skill.Directory)).Append('"');
        }

        attributes.Append(" args=\"").Append(Escape(arguments.Trim())).Append('"');
        return $"<skill-loaded{attributes}>\n{Expand(skill, arguments)}\n</skill-loaded>";
    }

    private static int IndexOf(IReadOnlyList<string> names, string name)
    {
        for (var i = 0; i < names.Count; i++)
        {
            if (names[i] == name)
            {
                return i;
            }
        }

        return -1;
    }

    private static string Escape(string value) => WebUtility.HtmlEncode(value);

    [GeneratedRegex(@"\$\{KIMI_SKILL_DIR\}|\$ARGUMENTS\[(?<index>\d+)\]|\$ARGUMENTS\b|\$(?<short>\d+)|\$(?<name>[A-Za-z_][A-Za-z0-9_-]*)")]
    private static partial Regex Placeholder();
}
