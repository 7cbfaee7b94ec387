using KimiCode.Agent.Loop;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Sessions;

/// <summary>
/// A recorded history as the events a live turn would have produced: each user prompt as <see cref="TurnStarted"/>,
/// then the thinking, text, tool calls and results that followed. Resuming (the shell, ACP <c>session/load</c>) and
/// reading a session without opening it (<c>kimi sessions show|export</c>) tell the same story this way.
/// </summary>
internal static class SessionReplay
{
    public static IEnumerable<AgentEvent> Events(string sessionId, IReadOnlyList<ChatMessage> history)
    {
        var names = new Dictionary<string, string>(StringComparer.Ordinal);
        int turn = 0;
        foreach (ChatMessage message in history)
        {
            if (HistoryContent.IsUserPrompt(message))
            {
                yield return new TurnStarted($"{sessionId}/{turn++}", message.Text, [.. message.Contents]);
                continue;
            }

            if (message.Role == ChatRole.Assistant)
            {
                string thinking = string.Concat(message.Contents.OfType<TextReasoningContent>().Select(r => r.Text));
                if (thinking.Length > 0)
                {
                    yield return new ThinkingDelta(thinking);
                }

                string text = string.Concat(message.Contents.OfType<TextContent>().Select(t => t.Text));
                if (text.Length > 0)
                {
                    yield return new TextDelta(text);
                }

                foreach (FunctionCallContent call in message.Contents.OfType<FunctionCallContent>())
                {
                    names[call.CallId] = call.Name;
                    (string title, ToolKind kind, IReadOnlyList<string> locations) = HistoryContent.GetCallInfo(call);
                    yield return new ToolCallStarted(call.CallId, call.Name, title, kind, locations, HistoryContent.ArgumentsJson(call));
                }
            }

            foreach (FunctionResultContent result in message.Contents.OfType<FunctionResultContent>())
            {
                ToolResult toolResult = HistoryContent.ResultOf(result);
                yield return new ToolCallFinished(result.CallId, names.GetValueOrDefault(result.CallId, ""), toolResult);
                if (!toolResult.IsError && toolResult.Display is PlanDisplay plan)
                {
                    yield return new PlanUpdated(plan.Items);
                }
            }
        }
    }
}
