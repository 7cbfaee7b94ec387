using KimiCode.Agent.Prompts;

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
        var (fields, body, problem) = FrontMatter.Split(text);
        if (problem is not null)
        {
            return (null, problem);
        }

        var name = FrontMatter.Text(fields, "name");
        var description = FrontMatter.Text(fields, "description");
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
        var type = (FrontMatter.Text(fields, "type") ?? "prompt").Trim();
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
            WhenToUse = FrontMatter.Text(fields, "whenToUse") ?? FrontMatter.Text(fields, "when-to-use") ?? FrontMatter.Text(fields, "when_to_use"),
            DisableModelInvocation = FrontMatter.IsTrue(fields, "disableModelInvocation") || FrontMatter.IsTrue(fields, "disable-model-invocation") || FrontMatter.IsTrue(fields, "disable_model_invocation"),
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
}
