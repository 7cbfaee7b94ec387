using System.Text.RegularExpressions;
using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>One <c>[[hooks]]</c> entry: run <see cref="Command"/> when <see cref="Event"/> fires for a target <see cref="Matcher"/> matches.</summary>
public sealed record HookEntry
{
    /// <summary><c>event</c>: one of <see cref="HooksConfig.KnownEvents"/>.</summary>
    public required string Event { get; init; }

    /// <summary><c>matcher</c>: a regular expression searched in the event's target (tool name, prompt, source…); empty matches all.</summary>
    public string Matcher { get; init; } = "";

    /// <summary><c>command</c>: a shell command, run with <c>bash -c</c> in the project folder.</summary>
    public required string Command { get; init; }

    /// <summary><c>timeout</c> in seconds (1–600, default 30).</summary>
    public int TimeoutSeconds { get; init; } = HooksConfig.DefaultTimeoutSeconds;

    /// <summary>1-based line of the entry (0 when not from a file).</summary>
    public int Line { get; init; }
}

/// <summary>
/// <c>[[hooks]]</c> (the official fields <c>event</c>, <c>matcher</c>, <c>command</c>, <c>timeout</c>). A bad entry is
/// skipped with a one-line warning naming it, never fatal: a typo in a notification hook must not stop the agent.
/// </summary>
public sealed record HooksConfig
{
    /// <summary>The default <c>timeout</c> in seconds.</summary>
    public const int DefaultTimeoutSeconds = 30;

    /// <summary>The largest <c>timeout</c> in seconds.</summary>
    public const int MaxTimeoutSeconds = 600;

    /// <summary>The events the official client defines (some fire only where the feature exists).</summary>
    public static readonly IReadOnlyList<string> KnownEvents =
    [
        "PreToolUse", "PostToolUse", "PostToolUseFailure", "PermissionRequest", "PermissionResult",
        "UserPromptSubmit", "UserPromptQueued", "TurnStarted", "Stop", "StopFailure", "Interrupt",
        "SessionStart", "SessionEnd", "SessionHeartbeat", "SubagentStart", "SubagentStop", "TaskStarted",
        "PreCompact", "PostCompact", "Notification",
    ];

    private static readonly string[] Fields = ["event", "matcher", "command", "timeout"];

    /// <summary>The usable entries, in file order.</summary>
    public IReadOnlyList<HookEntry> Entries { get; init; } = [];

    /// <summary>Why entries were skipped, one line each (with <c>file:line</c> when known).</summary>
    public IReadOnlyList<string> Warnings { get; init; } = [];

    internal static HooksConfig Read(TomlTable document, string? sourcePath)
    {
        if (!document.TryGetValue("hooks", out var raw))
        {
            return new HooksConfig();
        }

        var file = sourcePath ?? "config.toml";
        if (raw is not TomlArray array)
        {
            return new HooksConfig { Warnings = [$"{file}: hooks must be an array of tables ([[hooks]] with event and command); ignoring it"] };
        }

        var entries = new List<HookEntry>();
        var warnings = new List<string>();
        for (var i = 0; i < array.Count; i++)
        {
            var where = array[i] is TomlTable { Line: > 0 } located ? $"{file}:{located.Line}" : file;
            var name = $"[[hooks]] #{i + 1}";
            var (entry, problem) = ReadEntry(array[i], name);
            if (entry is not null)
            {
                entries.Add(entry);
            }
            else
            {
                warnings.Add($"{where}: {name} {problem}; this hook is skipped until you fix it");
            }
        }

        return new HooksConfig { Entries = entries, Warnings = warnings };
    }

    private static (HookEntry? Entry, string? Problem) ReadEntry(object raw, string name)
    {
        if (raw is not TomlTable table)
        {
            return (null, "is not a table (write it as [[hooks]] with event = \"…\" and command = \"…\")");
        }

        if (table.Keys.FirstOrDefault(k => !Fields.Contains(k)) is { } unknown)
        {
            return (null, $"has the unknown field \"{unknown}\" (allowed: {string.Join(", ", Fields)})");
        }

        if (!table.TryGet<string>("event", out var eventName) || !KnownEvents.Contains(eventName))
        {
            return (null, table.TryGet<string>("event", out var given)
                ? $"has event \"{given}\", which is not a hook event (use one of {string.Join(", ", KnownEvents)})"
                : "has no event (e.g. event = \"PreToolUse\")");
        }

        if (!table.TryGet<string>("command", out var command) || string.IsNullOrWhiteSpace(command))
        {
            return (null, $"({eventName}) has no command (e.g. command = \"./hooks/check.sh\")");
        }

        var matcher = "";
        if (table.TryGetValue("matcher", out var rawMatcher))
        {
            if (rawMatcher is not string text)
            {
                return (null, $"({eventName}) has a matcher that is not a string (write a regular expression, e.g. matcher = \"Bash|Write\")");
            }

            try
            {
                _ = new Regex(text, RegexOptions.None, TimeSpan.FromSeconds(1));
            }
            catch (ArgumentException ex)
            {
                return (null, $"({eventName}) has matcher \"{text}\", which is not a valid regular expression ({ex.Message})");
            }

            matcher = text;
        }

        var timeout = DefaultTimeoutSeconds;
        if (table.TryGetValue("timeout", out var rawTimeout))
        {
            if (rawTimeout is not long seconds || seconds is < 1 or > MaxTimeoutSeconds)
            {
                return (null, $"({eventName}) has timeout {TomlDisplay(rawTimeout)}; use a whole number of seconds from 1 to {MaxTimeoutSeconds}");
            }

            timeout = (int)seconds;
        }

        return (new HookEntry { Event = eventName, Matcher = matcher, Command = command, TimeoutSeconds = timeout, Line = table.Line }, null);
    }

    private static string TomlDisplay(object value) => value switch
    {
        string s => $"\"{s}\"",
        long or double or bool => Convert.ToString(value, System.Globalization.CultureInfo.InvariantCulture) ?? "?",
        _ => "of the wrong type",
    };
}
