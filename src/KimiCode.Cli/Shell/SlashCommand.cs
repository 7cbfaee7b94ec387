using System.Diagnostics.CodeAnalysis;

namespace KimiCode.Cli.Shell;

/// <summary>A line that starts with <c>/word</c>: a shell command rather than a prompt (the commands are in <see cref="Commands.CommandSet"/>).</summary>
internal sealed record SlashCommand(string Name, string Arguments)
{
    /// <summary>
    /// Parses <paramref name="input"/> as a command: <c>/name</c> (letters, digits, '-', '_', ':' or '?') followed by
    /// the end or a space; the name in lower case. A path such as <c>/usr/bin/env is broken</c> is a prompt, not a command.
    /// </summary>
    public static bool TryParse(string input, [NotNullWhen(true)] out SlashCommand? command)
    {
        command = null;
        var text = input.Trim();
        if (text.Length < 2 || text[0] != '/')
        {
            return false;
        }

        var end = 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_' or ':' or '?'))
        {
            end++;
        }

        if (end == 1 || (end < text.Length && !char.IsWhiteSpace(text[end])))
        {
            return false;
        }

        command = new SlashCommand(text[1..end].ToLowerInvariant(), text[end..].Trim());
        return true;
    }
}
