namespace KimiCode.Agent;

/// <summary>
/// How a user's <c>!command</c> is recorded in the conversation, as the official client records it: a user message
/// with <c>&lt;bash-input&gt;</c> and then <c>&lt;bash-stdout&gt;…&lt;/bash-stdout&gt;&lt;bash-stderr&gt;…&lt;/bash-stderr&gt;</c>,
/// the text XML-escaped so output cannot close a tag. Front ends that replay a session read it back with <see cref="TryRead"/>.
/// </summary>
public static class UserShellCommand
{
    private const string InputStart = "<bash-input>\n";
    private const string InputEnd = "\n</bash-input>";
    private const string StdoutStart = "<bash-stdout>";
    private const string StdoutEnd = "</bash-stdout><bash-stderr>";
    private const string StderrEnd = "</bash-stderr>";

    /// <summary>The text part that records the command.</summary>
    public static string Input(string command) => InputStart + Escape(command) + InputEnd;

    /// <summary>The text part that records what it printed (an error goes in <c>bash-stderr</c>).</summary>
    public static string Output(string output, bool isError) =>
        isError ? StdoutStart + StdoutEnd + Escape(output) + StderrEnd : StdoutStart + Escape(output) + StdoutEnd + StderrEnd;

    /// <summary>The command and its output from a recorded user message's text parts; false for any other message.</summary>
    public static bool TryRead(IReadOnlyList<string> texts, out string command, out string output)
    {
        ArgumentNullException.ThrowIfNull(texts);
        command = output = string.Empty;
        if (texts.Count != 2 || !texts[0].StartsWith(InputStart, StringComparison.Ordinal) || !texts[0].EndsWith(InputEnd, StringComparison.Ordinal)
            || !texts[1].StartsWith(StdoutStart, StringComparison.Ordinal) || !texts[1].EndsWith(StderrEnd, StringComparison.Ordinal))
        {
            return false;
        }

        var streams = texts[1][StdoutStart.Length..^StderrEnd.Length];
        var split = streams.IndexOf(StdoutEnd, StringComparison.Ordinal);
        if (split < 0)
        {
            return false;
        }

        command = Unescape(texts[0][InputStart.Length..^InputEnd.Length]);
        output = Unescape(streams[..split] + streams[(split + StdoutEnd.Length)..]);
        return true;
    }

    private static string Escape(string text) =>
        text.Replace("&", "&amp;", StringComparison.Ordinal).Replace("<", "&lt;", StringComparison.Ordinal).Replace(">", "&gt;", StringComparison.Ordinal);

    private static string Unescape(string text) =>
        text.Replace("&lt;", "<", StringComparison.Ordinal).Replace("&gt;", ">", StringComparison.Ordinal).Replace("&amp;", "&", StringComparison.Ordinal);
}
