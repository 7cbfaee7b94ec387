namespace KimiCode.Cli.Shell;

/// <summary>A line that starts with <c>/word</c>: a shell command rather than a prompt.</summary>
internal sealed record SlashCommand(string Name, string Arguments)
{
    /// <summary>Every command with its usage and what it does, in the order <c>/help</c> lists them.</summary>
    public static readonly IReadOnlyList<(string Name, string Usage, string Help)> All =
    [
        ("help", "/help", "this list"),
        ("login", "/login [--region global]", "log in with your Kimi account (device flow in the browser)"),
        ("logout", "/logout", "delete the stored login"),
        ("model", "/model [alias]", "list the configured models, or switch to one"),
        ("status", "/status", "model, mode, session, context use and login"),
        ("sessions", "/sessions", "the sessions of this folder"),
        ("resume", "/resume [n | id]", "continue an earlier session (pick one without an argument)"),
        ("new", "/new", "start a new session"),
        ("compact", "/compact", "summarise the conversation to free context room"),
        ("yolo", "/yolo", "toggle yolo mode: every tool call runs without asking (deny rules still apply)"),
        ("plan", "/plan", "toggle plan mode: read-only, edits and commands are refused"),
        ("thinking", "/thinking", "show thinking in full, or collapse it to one line (also Ctrl-T)"),
        ("clear", "/clear", "clear the screen (the conversation goes on)"),
        ("exit", "/exit", "leave the shell (also Ctrl-D, or Ctrl-C twice)"),
    ];

    private static readonly Dictionary<string, string> Aliases = new(StringComparer.Ordinal)
    {
        ["quit"] = "exit",
        ["q"] = "exit",
        ["?"] = "help",
        ["h"] = "help",
    };

    /// <summary>The names with their slash, for Tab completion.</summary>
    public static IReadOnlyList<string> Names { get; } = All.Select(c => "/" + c.Name).ToList();

    /// <summary>
    /// Parses <paramref name="input"/> as a command: <c>/name</c> (letters, digits, '-', '_' or '?') followed by
    /// the end or a space. A path such as <c>/usr/bin/env is broken</c> is a prompt, not a command.
    /// </summary>
    public static bool TryParse(string input, out SlashCommand? command)
    {
        command = null;
        var text = input.Trim();
        if (text.Length < 2 || text[0] != '/')
        {
            return false;
        }

        var end = 1;
        while (end < text.Length && (char.IsAsciiLetterOrDigit(text[end]) || text[end] is '-' or '_' or '?'))
        {
            end++;
        }

        if (end == 1 || (end < text.Length && !char.IsWhiteSpace(text[end])))
        {
            return false;
        }

        var name = text[1..end].ToLowerInvariant();
        command = new SlashCommand(Aliases.GetValueOrDefault(name, name), text[end..].Trim());
        return true;
    }

    public bool IsKnown => All.Any(c => c.Name == Name);
}
