using System.Globalization;
using System.Text;
using KimiCode.Agent;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;
using ShellSessions = KimiCode.Cli.Shell.Commands.SessionsCommand;

namespace KimiCode.Cli.Commands;

/// <summary>
/// A recorded session as text for <c>kimi sessions show</c> (plain, for a terminal or a pager) and as Markdown for
/// <c>kimi sessions export</c>: each prompt, the answers, and every tool call with its result. Thinking is left out
/// (it is the model's scratch work, and often longer than the answer).
/// </summary>
internal static class SessionTranscript
{
    /// <summary>How many lines of a tool's result <c>show</c> prints.</summary>
    private const int ShownResultLines = 4;

    private abstract record Part;

    private sealed record PromptPart(string Text) : Part;

    private sealed record AnswerPart(string Text) : Part;

    private sealed record ToolPart(string CallId, string Title) : Part
    {
        public ToolResult? Result { get; set; }
    }

    public static string Text(SessionInfo info, IReadOnlyList<AgentEvent> transcript, DateTimeOffset now)
    {
        var text = new StringBuilder();
        text.Append(CultureInfo.InvariantCulture, $"Session {info.Id} · {ShellSessions.Title(info)}\n");
        text.Append(CultureInfo.InvariantCulture, $"Folder  {info.WorkDir}\n");
        text.Append(CultureInfo.InvariantCulture, $"Model   {info.Model ?? "unknown"} · {ShellSessions.Messages(info.MessageCount)} · started {When(info.CreatedAt)} · updated {ShellSessions.Ago(info.Updated, now)}\n");
        foreach (var part in Parts(transcript))
        {
            text.Append('\n');
            switch (part)
            {
                case PromptPart prompt:
                    text.Append("› ").Append(prompt.Text.Trim().ReplaceLineEndings("\n  ")).Append('\n');
                    break;
                case AnswerPart answer:
                    text.Append(answer.Text.Trim()).Append('\n');
                    break;
                case ToolPart tool:
                    text.Append("  ● ").Append(tool.Title).Append('\n');
                    AppendResultStart(text, tool.Result);
                    break;
            }
        }

        return text.ToString();
    }

    public static string Markdown(SessionInfo info, IReadOnlyList<AgentEvent> transcript)
    {
        var md = new StringBuilder();
        md.Append("# ").Append(ShellSessions.Title(info)).Append("\n\n");
        md.Append(CultureInfo.InvariantCulture, $"- Session: `{info.Id}`\n");
        md.Append(CultureInfo.InvariantCulture, $"- Folder: `{info.WorkDir}`\n");
        md.Append(CultureInfo.InvariantCulture, $"- Model: {info.Model ?? "unknown"}\n");
        md.Append(CultureInfo.InvariantCulture, $"- Started: {When(info.CreatedAt)}; updated: {When(info.Updated)}\n");
        foreach (var part in Parts(transcript))
        {
            md.Append('\n');
            switch (part)
            {
                case PromptPart prompt:
                    md.Append("## You\n\n").Append(prompt.Text.Trim()).Append('\n');
                    break;
                case AnswerPart answer:
                    md.Append("## Kimi\n\n").Append(answer.Text.Trim()).Append('\n');
                    break;
                case ToolPart tool:
                    var failed = tool.Result is { IsError: true };
                    md.Append("**Tool:** ").Append(InlineCode(tool.Title)).Append(failed ? " (failed)" : "").Append('\n');
                    if (tool.Result is { } result && result.Content.Trim().Length > 0)
                    {
                        md.Append("\n<details><summary>result</summary>\n\n").Append(Fenced(result.Content)).Append("\n</details>\n");
                    }

                    break;
            }
        }

        return md.ToString();
    }

    /// <summary>The transcript as prompts, answers (text of one model reply, tool calls between them) and tool calls with their results.</summary>
    private static List<Part> Parts(IReadOnlyList<AgentEvent> transcript)
    {
        var parts = new List<Part>();
        var tools = new Dictionary<string, ToolPart>(StringComparer.Ordinal);
        foreach (var e in transcript)
        {
            switch (e)
            {
                case TurnStarted turn when turn.Contents is { } recorded
                    && UserShellCommand.TryRead([.. recorded.OfType<TextContent>().Select(t => t.Text)], out var command, out var output):
                    // A `!command` the user ran: shown as typed, its output as a Bash call's result.
                    parts.Add(new PromptPart("!" + command));
                    parts.Add(new ToolPart(string.Empty, "Bash: " + command) { Result = ToolResult.Success(output) });
                    break;
                case TurnStarted turn:
                    parts.Add(new PromptPart(turn.Prompt));
                    break;
                case TextDelta delta when parts is [.., AnswerPart last]:
                    parts[^1] = new AnswerPart(last.Text + delta.Text);
                    break;
                case TextDelta delta:
                    parts.Add(new AnswerPart(delta.Text));
                    break;
                case ToolCallStarted call:
                    var tool = new ToolPart(call.CallId, call.Title.Length > 0 ? call.Title : call.ToolName);
                    tools[call.CallId] = tool;
                    parts.Add(tool);
                    break;
                case ToolCallFinished finished when tools.TryGetValue(finished.CallId, out var started):
                    started.Result = finished.Result;
                    break;
            }
        }

        return parts;
    }

    private static void AppendResultStart(StringBuilder text, ToolResult? result)
    {
        if (result is null || result.Content.Trim().Length == 0)
        {
            return;
        }

        var lines = result.Content.Trim().ReplaceLineEndings("\n").Split('\n');
        var mark = result.IsError ? "✗ " : "";
        foreach (var line in lines.Take(ShownResultLines))
        {
            text.Append("    ").Append(mark).Append(line.TrimEnd()).Append('\n');
            mark = result.IsError ? "  " : "";
        }

        if (lines.Length > ShownResultLines)
        {
            text.Append(CultureInfo.InvariantCulture, $"    … {lines.Length - ShownResultLines} more lines\n");
        }
    }

    private static string When(DateTimeOffset time) => time.ToLocalTime().ToString("yyyy-MM-dd HH:mm", CultureInfo.InvariantCulture);

    /// <summary>A code block whose fence is longer than any run of backticks inside, so the content cannot close it.</summary>
    private static string Fenced(string content)
    {
        var fence = new string('`', Math.Max(3, LongestRun(content, '`') + 1));
        return $"{fence}text\n{content.TrimEnd()}\n{fence}\n";
    }

    private static string InlineCode(string text)
    {
        var ticks = new string('`', LongestRun(text, '`') + 1);
        var pad = text.StartsWith('`') || text.EndsWith('`') ? " " : "";
        return $"{ticks}{pad}{text.ReplaceLineEndings(" ")}{pad}{ticks}";
    }

    private static int LongestRun(string text, char c)
    {
        int longest = 0, run = 0;
        foreach (var ch in text)
        {
            run = ch == c ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        return longest;
    }
}
