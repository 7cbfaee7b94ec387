using System.Globalization;
using System.Text;
using KimiCode.Agent;
using KimiCode.Agent.Mentions;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KimiCode.Cli.Shell;

/// <summary>
/// Turns agent events into the screen: Markdown answers block by block as they complete, thinking collapsed to
/// one dimmed line (or shown in full), tool calls with their status and diffs, retries, errors; and a live
/// region with the text still streaming, a spinner, the elapsed time and what the agent is doing.
/// </summary>
internal sealed class TurnRenderer(ShellScreen screen, TimeProvider time, Func<bool> showThinking)
{
    private const int LiveTextRows = 3;
    private static readonly string[] UnicodeFrames = ["⠋", "⠙", "⠹", "⠸", "⠼", "⠴", "⠦", "⠧", "⠇", "⠏"];
    private static readonly string[] AsciiFrames = ["|", "/", "-", "\\"];
    private static readonly Style DimStyle = new(decoration: Decoration.Dim);
    private static readonly Style GoodStyle = new(Color.Green);
    private static readonly Style BadStyle = new(Color.Red);
    private static readonly Style WarnStyle = new(Color.Yellow);

    private readonly MarkdownStream _text = new();
    private readonly StringBuilder _thinking = new();
    private readonly StringBuilder _answer = new();
    private readonly List<string> _turnThinking = [];
    private readonly Dictionary<string, string> _running = new(StringComparer.Ordinal);
    private readonly Dictionary<string, string> _progress = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Title, long Started)> _agents = new(StringComparer.Ordinal);
    private long _started;
    private string _activity = "Thinking";
    private long? _retryAt;
    private RetryScheduled? _retry;
    private bool _lastWasTool;
    private bool _active;
    private IReadOnlyList<StyledLine>? _overlay;

    /// <summary>The thinking of the last turn, one entry per model step (for <c>/thinking</c>).</summary>
    public IReadOnlyList<string> LastThinking { get; private set; } = [];

    /// <summary>The Markdown text of the last answer that had any (for <c>/copy</c>), or null before the first.</summary>
    public string? LastAnswer { get; private set; }

    /// <summary>The working directory: paths under it are shown relative.</summary>
    public string? WorkingDirectory { get; set; }

    /// <summary>True between <see cref="Begin"/> and <see cref="End"/>.</summary>
    public bool IsActive => _active;

    /// <summary>True while showing an earlier conversation (resume): prompts are echoed, no live region.</summary>
    public bool Replaying { get; set; }

    /// <summary>Starts the live region for a turn (or a long command such as /compact or /login).</summary>
    public void Begin(string activity)
    {
        _started = time.GetTimestamp();
        _activity = activity;
        _retryAt = null;
        _retry = null;
        _overlay = null;
        _active = true;
        _lastWasTool = false;
        _turnThinking.Clear();
        _running.Clear();
        _progress.Clear();
        _agents.Clear();
        DrawLive();
    }

    public void SetActivity(string activity)
    {
        _activity = activity;
        DrawLive();
    }

    /// <summary>Lines shown instead of the spinner (a permission prompt); null puts the spinner back.</summary>
    public void SetOverlay(IReadOnlyList<StyledLine>? overlay)
    {
        _overlay = overlay;
        DrawLive();
    }

    /// <summary>Redraws the spinner and the elapsed time.</summary>
    public void Tick() => DrawLive();

    /// <summary>Model calls and tokens the service reported since the shell started (<c>/usage</c>); replays do not count.</summary>
    public (long Calls, long Input, long Output, long Cached) Usage { get; private set; }

    public void OnEvent(AgentEvent agentEvent)
    {
        if (agentEvent is UsageReported usage && !Replaying)
        {
            Usage = (Usage.Calls + 1, Usage.Input + usage.InputTokens, Usage.Output + usage.OutputTokens, Usage.Cached + usage.CachedTokens);
        }

        if (agentEvent is not ThinkingDelta)
        {
            CommitThinking();
        }

        if (agentEvent is not (RetryScheduled or UsageReported))
        {
            // Output (or the final error) arrived: the retry status line has done its job.
            _retry = null;
            _retryAt = null;
        }

        switch (agentEvent)
        {
            case TurnStarted started when Replaying:
                FlushText();
                CommitAnswer();
                screen.Gap();
                if (started.Contents is { } recorded && UserShellCommand.TryRead([.. recorded.OfType<TextContent>().Select(t => t.Text)], out var command, out var output))
                {
                    WriteShellCommand(command, output);
                    break;
                }

                screen.Write(PromptEcho(started.Contents is { } contents ? PromptWithoutFiles(contents) : started.Prompt));
                WriteImages(started.Contents?.OfType<DataContent>() ?? []);
                WriteAttachedFiles(started.Contents?.OfType<TextContent>().Select(t => FileMentions.FromPart(t.Text)).OfType<AttachedFile>() ?? []);
                _lastWasTool = false;
                break;
            case ThinkingDelta thinking:
                _thinking.Append(thinking.Text);
                _activity = "Thinking";
                break;
            case TextDelta text:
                _text.Append(text.Text);
                _answer.Append(text.Text);
                _activity = "Writing";
                if (_text.TakeComplete() is { } complete)
                {
                    WriteMarkdown(complete);
                }

                break;
            case ToolCallStarted started:
                FlushText();
                if (_answer.Length > 0)
                {
                    _answer.Append("\n\n"); // the text before a tool call is a paragraph of its own
                }

                _running[started.CallId] = VisibleText.OneLine(started.Title);
                if (started.ToolName == Agent.Subagents.AgentTool.ToolName)
                {
                    _agents[started.CallId] = (_running[started.CallId], time.GetTimestamp());
                }

                _activity = "Running " + _running[started.CallId];
                break;
            case ToolCallUpdated updated:
                var last = VisibleText.OutputLine(updated.Text.TrimEnd().Split('\n')[^1]);
                _progress[updated.CallId] = last;
                break;
            case ToolCallFinished finished:
                var title = _running.Remove(finished.CallId, out var known) ? known : finished.ToolName;
                _progress.Remove(finished.CallId);
                _agents.Remove(finished.CallId);
                WriteTool(title, finished.Result);
                _activity = _running.Count > 0 ? "Running " + _running.Values.First() : "Thinking";
                break;
            case PlanUpdated plan:
                WritePlan(plan.Items);
                break;
            case RetryScheduled retry:
                // One status line in the live region, updated in place (never a line per retry in the scrollback).
                _retryAt = time.GetTimestamp() + (long)(retry.Delay.TotalSeconds * time.TimestampFrequency);
                _retry = retry;
                break;
            case CompactionStarted:
                _activity = "Compacting the conversation";
                break;
            case CompactionFinished compaction:
                screen.Gap();
                screen.Line(compaction.Succeeded
                    ? $"⇣ Compacted the conversation: {compaction.MessagesBefore} → {compaction.MessagesAfter} messages"
                    : $"! Compaction failed: {compaction.Error}", compaction.Succeeded ? DimStyle : WarnStyle);
                _lastWasTool = false;
                break;
            case AgentError error:
                FlushText();
                WriteError(error.Code, error.Message);
                break;
            case TurnEnded ended:
                End(ended.Reason);
                return;
        }

        DrawLive();
    }

    private void CommitAnswer()
    {
        var answer = _answer.ToString().Trim('\n', '\r');
        _answer.Clear();
        if (answer.Trim().Length > 0)
        {
            LastAnswer = answer;
        }
    }

    /// <summary>Writes the thinking and text still held back.</summary>
    public void Flush()
    {
        CommitThinking();
        FlushText();
    }

    /// <summary>Flushes what is left, prints how the turn ended (unless it simply ended) and removes the live region.</summary>
    public void End(StopReason? reason)
    {
        Flush();
        CommitAnswer();
        _active = false;
        _overlay = null;
        screen.ClearLive();
        LastThinking = [.. _turnThinking];
        var notice = reason switch
        {
            StopReason.Cancelled => "■ Cancelled. The conversation is kept; type your next prompt.",
            StopReason.MaxSteps => "! The turn stopped at the step limit (--max-steps or [loop_control] max_steps_per_turn); type \"go on\" to continue.",
            StopReason.RepeatedToolCall => "! The model kept repeating the same tool call, so the turn was stopped.",
            StopReason.MaxTokens => "! The answer was cut at the model's output limit; type \"go on\" to continue, or ask for less.",
            StopReason.Refusal => "! The model's content filter stopped the answer; rephrase the request.",
            _ => null,
        };
        if (notice is not null)
        {
            screen.Gap();
            screen.Line(notice, WarnStyle);
        }
    }

    /// <summary>A one-line error with its stable code; login problems point at /login.</summary>
    /// <summary>One dim line per picture sent to the model: <c>[image: name.png 120 KB]</c>.</summary>
    public void WriteImages(IEnumerable<DataContent> images)
    {
        foreach (DataContent image in images.Where(i => i.HasTopLevelMediaType("image")))
        {
            screen.Line("  " + VisibleText.OneLine(ImageAttachment.Label(image)), DimStyle);
        }
    }

    /// <summary>One dim line per file an <c>@path</c> mention attached.</summary>
    public void WriteAttachedFiles(IEnumerable<AttachedFile> files)
    {
        foreach (AttachedFile file in files)
        {
            screen.Line("  " + VisibleText.OneLine($"[file: {file.Path}, {file.Lines} lines{(file.Truncated ? ", cut" : "")}]"), DimStyle);
        }
    }

    /// <summary>A replayed <c>!command</c>: the command as typed and the last lines of its output, dimmed.</summary>
    private void WriteShellCommand(string command, string output)
    {
        screen.Write(PromptEcho("!" + command));
        var lines = output.TrimEnd('\n').Split('\n');
        foreach (var line in lines.Length > 8 ? lines[^8..] : lines)
        {
            screen.Line("  " + VisibleText.OutputLine(line), DimStyle);
        }

        _lastWasTool = false;
    }

    /// <summary>What the user typed: the prompt's text parts without the files its mentions attached.</summary>
    private static string PromptWithoutFiles(IEnumerable<AIContent> contents) =>
        string.Concat(contents.OfType<TextContent>().Where(t => FileMentions.FromPart(t.Text) is null).Select(t => t.Text));

    public void WriteError(string code, string message)
    {
        screen.Gap();
        screen.Line($"✗ {message.ReplaceLineEndings(" ").Trim()} [{code}]", BadStyle);
        if (code.StartsWith("auth.", StringComparison.Ordinal))
        {
            screen.Line("  Type /login to log in from here.", DimStyle);
        }

        _lastWasTool = false;
    }

    /// <summary>Shows thinking in full, dimmed (for <c>/thinking</c> and expanded mode).</summary>
    public void WriteThinkingInFull(string thinking)
    {
        screen.Gap();
        screen.Write(new Indented(new Text(thinking.Trim(), new Style(decoration: Decoration.Dim | Decoration.Italic)), "┊ ", "┊ ", DimStyle));
        _lastWasTool = false;
    }

    public static IRenderable PromptEcho(string prompt)
    {
        var lines = prompt.Replace("\r\n", "\n", StringComparison.Ordinal).Split('\n');
        var text = new Paragraph();
        for (var i = 0; i < lines.Length; i++)
        {
            text.Append(i == 0 ? "› " : "\n  ", new Style(Color.Aqua, decoration: Decoration.Bold));
            text.Append(lines[i], new Style(decoration: Decoration.Bold));
        }

        return text;
    }

    private void CommitThinking()
    {
        if (_thinking.Length == 0)
        {
            return;
        }

        var thinking = _thinking.ToString();
        _thinking.Clear();
        _turnThinking.Add(thinking);
        if (showThinking())
        {
            WriteThinkingInFull(thinking);
            return;
        }

        var words = thinking.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries).Length;
        var firstLine = thinking.Trim().Split('\n')[0].Trim();
        var snippet = ShellScreen.Cut(firstLine, 48, out _);
        if (snippet.Length < firstLine.Length || thinking.Trim().Contains('\n', StringComparison.Ordinal))
        {
            snippet += "…";
        }

        screen.Gap();
        screen.Line($"✻ {snippet} ({words} {(words == 1 ? "word" : "words")} of thinking · /thinking shows it)", DimStyle);
        _lastWasTool = false;
    }

    private void FlushText()
    {
        if (_text.TakeAll() is { } rest)
        {
            WriteMarkdown(rest);
        }
    }

    private void WriteMarkdown(string markdown)
    {
        foreach (var block in MarkdownRenderer.Render(markdown))
        {
            screen.Gap();
            screen.Write(block);
        }

        _lastWasTool = false;
    }

    private void WriteTool(string title, ToolResult result)
    {
        if (!_lastWasTool)
        {
            screen.Gap();
        }

        _lastWasTool = true;
        var header = new Paragraph();
        header.Append(result.IsError ? "✗ " : "✓ ", result.IsError ? BadStyle : GoodStyle);
        header.Append(title, new Style(decoration: Decoration.Bold));
        screen.Write(header);
        switch (result.Display)
        {
            case DiffDisplay diff when !result.IsError && diff.UnifiedDiff.Length > 0:
                screen.Write(new Indented(DiffRenderer.Render(DisplayPath(diff.Path), diff.UnifiedDiff), "  ", "  "));
                break;
            case TerminalDisplay terminal:
                WriteTerminal(terminal);
                break;
            case PlanDisplay:
                break; // PlanUpdated shows it
            default:
                var content = result.Content.Trim();
                if (content.Length > 0)
                {
                    var lines = content.Split('\n');
                    var first = VisibleText.OneLine(lines[0].TrimEnd()); // may quote what the model wrote
                    var more = lines.Length > 1 ? $" (+{lines.Length - 1} lines)" : string.Empty;
                    screen.Write(new Indented(new Text(first + more, result.IsError ? BadStyle : DimStyle), "└ ", "  ", DimStyle));
                }

                break;
        }

        WriteImages(result.Images);
    }

    private string DisplayPath(string path)
    {
        if (WorkingDirectory is { } root && Path.IsPathRooted(path))
        {
            var relative = Path.GetRelativePath(root, path);
            if (!relative.StartsWith("..", StringComparison.Ordinal) && !Path.IsPathRooted(relative))
            {
                return relative;
            }
        }

        return path;
    }

    private void WriteTerminal(TerminalDisplay terminal)
    {
        const int shown = 8;
        var lines = terminal.Output.TrimEnd().Split('\n');
        if (terminal.Output.Trim().Length > 0)
        {
            var text = new Paragraph();
            if (lines.Length > shown)
            {
                text.Append($"… {lines.Length - shown} earlier lines\n", DimStyle);
            }

            text.Append(string.Join('\n', lines.TakeLast(shown).Select(VisibleText.OutputLine)), DimStyle);
            screen.Write(new Indented(text, "│ ", "│ ", DimStyle));
        }

        var status = terminal.TimedOut ? "timed out" : terminal.ExitCode is { } code ? $"exit {code}" : "no exit code";
        screen.Write(new Indented(new Text(status, terminal.ExitCode is 0 && !terminal.TimedOut ? DimStyle : BadStyle), "└ ", "  ", DimStyle));
    }

    private void WritePlan(IReadOnlyList<TodoItem> items)
    {
        screen.Gap();
        var plan = new Paragraph();
        plan.Append("☰ Plan", new Style(decoration: Decoration.Bold));
        foreach (var item in items)
        {
            var (mark, style) = item.Status switch
            {
                "completed" => ("☑ ", new Style(decoration: Decoration.Dim | Decoration.Strikethrough)),
                "in_progress" => ("◐ ", new Style(Color.Aqua, decoration: Decoration.Bold)),
                _ => ("☐ ", Style.Plain),
            };
            plan.Append("\n  " + mark, style);
            plan.Append(item.Status == "in_progress" && !string.IsNullOrEmpty(item.ActiveForm) ? item.ActiveForm : item.Content, style);
        }

        screen.Write(plan);
        _lastWasTool = false;
    }

    private void DrawLive()
    {
        if (!_active || Replaying)
        {
            return;
        }

        var lines = new List<StyledLine>();
        var width = screen.Width - 1;
        if (_overlay is not null)
        {
            lines.Add(new StyledLine());
            lines.AddRange(_overlay);
            screen.SetLive(lines);
            return;
        }

        if (!_text.IsEmpty)
        {
            foreach (var row in TailRows(_text.Pending, width, LiveTextRows))
            {
                lines.Add(new StyledLine().Add(row));
            }
        }
        else if (_thinking.Length > 0)
        {
            var tail = TailRows(_thinking.ToString(), width - 2, 1);
            lines.Add(new StyledLine().Add("✻ ", Tone.Dim).Add(tail.Count > 0 ? tail[0] : string.Empty, Tone.Dim));
        }

        foreach (var progress in _progress.Where(p => !_agents.ContainsKey(p.Key)).Select(p => p.Value).Where(p => p.Trim().Length > 0).Take(1))
        {
            lines.Add(new StyledLine().Add("│ " + progress.Trim(), Tone.Dim));
        }

        var now = time.GetTimestamp();

        // One status line per running subagent: what it was asked, what it is doing, for how long.
        foreach (var (callId, agent) in _agents)
        {
            var doing = _progress.GetValueOrDefault(callId)?.Trim() is { Length: > 0 } last ? " · " + last : string.Empty;
            var since = $" ({Elapsed(time.GetElapsedTime(agent.Started, now))})";
            lines.Add(new StyledLine().Add("◆ ", Tone.Accent).Add(ShellScreen.Cut(agent.Title + doing, Math.Max(1, width - 2 - since.Length), out _)).Add(since, Tone.Dim));
        }

        var elapsed = time.GetElapsedTime(_started, now);
        var frames = screen.Unicode ? UnicodeFrames : AsciiFrames;
        var frame = frames[(int)(elapsed.TotalMilliseconds / 80) % frames.Length];
        var activity = _activity + "…";
        var tone = Tone.Plain;
        if (_retry is { } retry && _retryAt is { } at)
        {
            var left = TimeSpan.FromSeconds(Math.Max(0, at - now) / (double)time.TimestampFrequency);
            activity = "↻ " + RetryStatus.Text(retry, left);
            tone = Tone.Warn;
        }

        var clock = $" ({Elapsed(elapsed)} · Esc or Ctrl-C to cancel)";
        var room = width - frame.Length - 1 - clock.Length;
        if (activity.Length > room)
        {
            activity = activity[..Math.Max(1, room - 1)] + "…";
        }

        lines.Add(new StyledLine()
            .Add(frame + " ", Tone.Accent)
            .Add(activity, tone)
            .Add(clock, Tone.Dim));
        screen.SetLive(lines);
    }

    public static string Elapsed(TimeSpan elapsed) => elapsed.TotalSeconds < 60
        ? $"{(int)elapsed.TotalSeconds}s"
        : $"{(int)elapsed.TotalMinutes}m {elapsed.Seconds}s";

    /// <summary>The last <paramref name="rows"/> rows <paramref name="text"/> takes when wrapped at <paramref name="width"/> cells.</summary>
    public static IReadOnlyList<string> TailRows(string text, int width, int rows)
    {
        var result = new List<string>();
        var lines = text.TrimEnd('\n').Split('\n');
        for (var i = lines.Length - 1; i >= 0 && result.Count < rows; i--)
        {
            var chunks = new List<string>();
            var rest = lines[i].TrimEnd('\r');
            do
            {
                var chunk = ShellScreen.Cut(rest, Math.Max(1, width), out _);
                if (chunk.Length == 0 && rest.Length > 0)
                {
                    chunk = rest[..1]; // a character wider than the row
                }

                chunks.Add(chunk);
                rest = rest[chunk.Length..];
            }
            while (rest.Length > 0);
            for (var c = chunks.Count - 1; c >= 0 && result.Count < rows; c--)
            {
                result.Insert(0, chunks[c]);
            }
        }

        return result;
    }
}
