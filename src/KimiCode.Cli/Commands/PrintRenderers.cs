using System.Text;
using System.Text.Json;
using KimiCode.Agent;
using Microsoft.Extensions.AI;

namespace KimiCode.Cli.Commands;

/// <summary>Turns agent events into print-mode output.</summary>
internal interface IPrintRenderer
{
    Task OnEventAsync(AgentEvent e);

    Task CompleteAsync(StopReason stop, AgentError? error, string sessionId, int exitCode);
}

/// <summary>
/// <c>--output-format text</c>: the final answer (the text after the last tool call) on stdout; earlier text and
/// tool calls on stderr, only when stderr is a terminal (retries always go to stderr, see <see cref="PrintMode"/>).
/// </summary>
internal sealed class TextRenderer(TextWriter output, TextWriter? progress) : IPrintRenderer
{
    private readonly StringBuilder _text = new();

    public async Task OnEventAsync(AgentEvent e)
    {
        switch (e)
        {
            case TextDelta delta:
                _text.Append(delta.Text);
                break;
            case ToolCallStarted started:
                await ProgressAsync(_text.ToString().Trim()).ConfigureAwait(false);
                _text.Clear();
                await ProgressAsync($"> {started.Title}").ConfigureAwait(false);
                break;
            case ToolCallFinished { Result.IsError: true } failed:
                await ProgressAsync($"  ! {FirstLine(failed.Result.Content)}").ConfigureAwait(false);
                break;
        }
    }

    public async Task CompleteAsync(StopReason stop, AgentError? error, string sessionId, int exitCode)
    {
        var answer = _text.ToString().Trim();
        if (answer.Length > 0)
        {
            await output.WriteLineAsync(answer).ConfigureAwait(false);
        }

        await output.FlushAsync().ConfigureAwait(false);
    }

    private async Task ProgressAsync(string line)
    {
        if (progress is not null && line.Length > 0)
        {
            await progress.WriteLineAsync(line).ConfigureAwait(false);
        }
    }

    private static string FirstLine(string text) => text.Split('\n', 2)[0];
}

/// <summary>
/// <c>--output-format json</c>: nothing until the run ends, then one JSON object on one line: the final answer
/// (<c>result</c>, as <c>text</c> prints it), how the run ended, and the tokens of all its model calls together.
/// Progress and retries go to stderr as in <c>text</c>. Documented in docs/shell.md (print mode).
/// </summary>
internal sealed class JsonResultRenderer(TextWriter output) : IPrintRenderer
{
    private readonly StringBuilder _text = new();
    private long _input;
    private long _output;
    private long _cached;
    private int _calls;

    public Task OnEventAsync(AgentEvent e)
    {
        switch (e)
        {
            case TextDelta delta:
                _text.Append(delta.Text);
                break;
            case ToolCallStarted:
                _text.Clear(); // the answer is the text after the last tool call
                break;
            case UsageReported usage:
                _calls++;
                _input += usage.InputTokens;
                _output += usage.OutputTokens;
                _cached += usage.CachedTokens;
                break;
        }

        return Task.CompletedTask;
    }

    public Task CompleteAsync(StopReason stop, AgentError? error, string sessionId, int exitCode) =>
        JsonLines.WriteAsync(output, w =>
        {
            w.WriteString("type", "result");
            w.WriteBoolean("is_error", exitCode != ExitCodes.Success);
            w.WriteString("result", _text.ToString().Trim());
            StreamJsonRenderer.WriteOutcome(w, stop, error, sessionId, exitCode);
            w.WriteStartObject("usage");
            w.WriteNumber("model_calls", _calls);
            w.WriteNumber("input_tokens", _input);
            w.WriteNumber("output_tokens", _output);
            w.WriteNumber("cached_tokens", _cached);
            w.WriteEndObject();
        });
}

/// <summary>
/// <c>--output-format stream-json</c>: one JSON object per line, the official client's message shape
/// (<c>assistant</c> with <c>content</c> and <c>tool_calls</c>, <c>tool</c> with <c>tool_call_id</c>), plus
/// <c>meta</c> lines for retries, usage and the final result. Schema: docs/stream-json.schema.json.
/// </summary>
internal sealed class StreamJsonRenderer(TextWriter output, AgentSession session) : IPrintRenderer
{
    private int _emitted = session.HistoryCount;
    private bool _skippedPrompt;

    public async Task OnEventAsync(AgentEvent e)
    {
        // Messages are written once the agent has committed them to the history (after each step), so each line
        // is exactly what the model saw.
        await FlushHistoryAsync().ConfigureAwait(false);
        switch (e)
        {
            case RetryScheduled retry:
                await JsonLines.WriteAsync(output, w =>
                {
                    Meta(w, "retry");
                    w.WriteNumber("attempt", retry.Attempt);
                    w.WriteNumber("delay_seconds", Math.Round(retry.Delay.TotalSeconds, 3));
                    w.WriteString("code", retry.Code);
                    if (retry.StatusCode is { } status)
                    {
                        w.WriteNumber("status", status);
                    }

                    w.WriteString("message", retry.Message);
                }).ConfigureAwait(false);
                break;
            case UsageReported usage:
                await JsonLines.WriteAsync(output, w =>
                {
                    Meta(w, "usage");
                    w.WriteNumber("input_tokens", usage.InputTokens);
                    w.WriteNumber("output_tokens", usage.OutputTokens);
                    w.WriteNumber("cached_tokens", usage.CachedTokens);
                }).ConfigureAwait(false);
                break;
        }
    }

    public async Task CompleteAsync(StopReason stop, AgentError? error, string sessionId, int exitCode)
    {
        await FlushHistoryAsync().ConfigureAwait(false);
        await JsonLines.WriteAsync(output, w =>
        {
            Meta(w, "result");
            WriteOutcome(w, stop, error, sessionId, exitCode);
        }).ConfigureAwait(false);
    }

    /// <summary>How the run ended, as both JSON formats end: stop reason, session id, exit code and the error, if any.</summary>
    public static void WriteOutcome(Utf8JsonWriter w, StopReason stop, AgentError? error, string sessionId, int exitCode)
    {
        w.WriteString("stop_reason", StopReasonName(stop));
        w.WriteString("session_id", sessionId);
        w.WriteNumber("exit_code", exitCode);
        if (error is not null)
        {
            w.WriteStartObject("error");
            w.WriteString("code", error.Code);
            w.WriteString("message", error.Message);
            w.WriteBoolean("retryable", error.Retryable);
            w.WriteEndObject();
        }
    }

    public static string StopReasonName(StopReason stop) => stop switch
    {
        StopReason.EndTurn => "end_turn",
        StopReason.MaxSteps => "max_steps",
        StopReason.Cancelled => "cancelled",
        StopReason.RepeatedToolCall => "repeated_tool_call",
        StopReason.MaxTokens => "max_tokens",
        StopReason.Refusal => "refusal",
        _ => "error",
    };

    private async Task FlushHistoryAsync()
    {
        // Called for every event, streamed deltas included: copy the history only when it has grown.
        if (session.HistoryCount <= _emitted)
        {
            return;
        }

        var history = session.History;
        for (; _emitted < history.Count; _emitted++)
        {
            var message = history[_emitted];
            if (message.Role == ChatRole.User && !_skippedPrompt)
            {
                _skippedPrompt = true; // the prompt the caller gave; not echoed
                continue;
            }

            if (message.Role == ChatRole.Assistant)
            {
                await JsonLines.WriteAsync(output, w => WriteAssistant(w, message)).ConfigureAwait(false);
            }
            else if (message.Role == ChatRole.Tool)
            {
                foreach (var result in message.Contents.OfType<FunctionResultContent>())
                {
                    await JsonLines.WriteAsync(output, w =>
                    {
                        w.WriteString("role", "tool");
                        w.WriteString("tool_call_id", result.CallId);
                        w.WriteString("content", ResultText(result.Result));
                    }).ConfigureAwait(false);
                }
            }
        }
    }

    private static void WriteAssistant(Utf8JsonWriter w, ChatMessage message)
    {
        w.WriteString("role", "assistant");
        var text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
        if (text.Length > 0)
        {
            w.WriteString("content", text);
        }
        else
        {
            w.WriteNull("content");
        }

        var calls = message.Contents.OfType<FunctionCallContent>().ToList();
        if (calls.Count > 0)
        {
            w.WriteStartArray("tool_calls");
            foreach (var call in calls)
            {
                w.WriteStartObject();
                w.WriteString("id", call.CallId);
                w.WriteString("type", "function");
                w.WriteStartObject("function");
                w.WriteString("name", call.Name);
                w.WriteString("arguments", KimiCode.Provider.ToolCallJson.Arguments(call.Arguments));
                w.WriteEndObject();
                w.WriteEndObject();
            }

            w.WriteEndArray();
        }
    }

    private static string ResultText(object? result) => result switch
    {
        null => string.Empty,
        string s => s,
        JsonElement { ValueKind: JsonValueKind.String } element => element.GetString() ?? string.Empty,
        JsonElement element => element.GetRawText(),
        _ => result.ToString() ?? string.Empty,
    };

    private static void Meta(Utf8JsonWriter w, string type)
    {
        w.WriteString("role", "meta");
        w.WriteString("type", type);
    }
}
