using System.Text.RegularExpressions;
using KimiCode.Agent.Prompts;

namespace KimiCode.Agent.Subagents;

/// <summary>
/// Reads an agent file (<c>agents/*.md</c>): front matter <c>name</c> (kebab-case; default: the file name),
/// <c>description</c> (required), <c>whenToUse</c>, <c>tools</c>, <c>disallowedTools</c>, <c>subagents</c> (YAML list or
/// comma-separated) and <c>override</c>; the body is the system prompt. Unknown fields (Claude Code's <c>model</c>, ...)
/// are ignored.
/// </summary>
internal static partial class AgentFile
{
    public static (AgentProfile? Profile, string? Problem) Parse(string text, string path, AgentSource source)
    {
        var (fields, body, problem) = FrontMatter.Split(text);
        if (problem is not null)
        {
            return (null, problem);
        }

        var name = FrontMatter.Text(fields, "name")?.Trim() is { Length: > 0 } given ? given : System.IO.Path.GetFileNameWithoutExtension(path);
        if (!KebabCase().IsMatch(name))
        {
            return (null, $"its name \"{name}\" is not kebab-case (lowercase letters, digits and single dashes, like code-reviewer)");
        }

        if (FrontMatter.Text(fields, "description")?.Trim() is not { Length: > 0 } description)
        {
            return (null, "it has no description in its front matter (the main agent needs one to choose it)");
        }

        if (body.Trim().Length == 0)
        {
            return (null, "its body (the agent's system prompt) is empty");
        }

        return (new AgentProfile
        {
            Name = name,
            Description = description,
            WhenToUse = FrontMatter.Text(fields, "whenToUse") ?? FrontMatter.Text(fields, "when-to-use") ?? FrontMatter.Text(fields, "when_to_use"),
            Tools = FrontMatter.Names(fields, "tools"),
            DisallowedTools = FrontMatter.Names(fields, "disallowedTools") ?? [],
            Subagents = FrontMatter.Names(fields, "subagents"),
            Override = FrontMatter.IsTrue(fields, "override"),
            Prompt = body,
            Source = source,
            Path = path,
        }, null);
    }

    [GeneratedRegex("^[a-z0-9]+(-[a-z0-9]+)*$", RegexOptions.CultureInvariant)]
    private static partial Regex KebabCase();
}
