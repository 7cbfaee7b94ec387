using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KimiCode.Emulator;

/// <summary>
/// The unscripted model: summarises a tool result, makes tool calls the user spelled out as
/// <c>tool: NAME {json}</c> lines, or echoes the user. Deterministic, so demos and tests can rely on it. It thinks
/// out loud unless the request sent <c>thinking: {type: "disabled"}</c>. The user's text is the last user message that
/// is not only a <c>&lt;system-reminder&gt;</c> block: the official Node client sends its reminders (date, permission
/// mode) as user messages after the prompt (or after a tool result), and the echo should still be the prompt.
/// </summary>
internal static class DefaultModel
{
    public static ModelTurn Answer(ChatRequest request)
    {
        // Reminders after a tool result (plan mode's, the official client's) do not hide it: the model answers the result.
        var last = request.Messages.LastOrDefault(m => !(m.Role == "user" && IsSystemReminder(m.Text))) ?? request.Messages[^1];
        if (last.Role == "tool")
        {
            var name = FindToolName(request, last.ToolCallId) ?? "unknown";
            var lines = last.Text.Split('\n').Take(20);
            return new ModelTurn { Text = $"Tool {name} returned:\n" + string.Join('\n', lines) + Seen(last) };
        }

        var user = request.Messages.LastOrDefault(m => m.Role == "user" && !IsSystemReminder(m.Text))
            ?? request.Messages.LastOrDefault(m => m.Role == "user");
        var text = user?.Text ?? "";
        var calls = ParseToolRequests(text);
        if (calls.Count > 0)
        {
            return new ModelTurn
            {
                Thinking = request.ThinkingDisabled ? "" : "The user asked for tool " + string.Join(", ", calls.Select(c => c.Name).Distinct(StringComparer.Ordinal)),
                ToolCalls = calls,
            };
        }

        return new ModelTurn { Thinking = request.ThinkingDisabled ? "" : "The user said: " + text, Text = "Echo: " + text + (user is null ? "" : Seen(user)) };
    }

    /// <summary>What the model saw besides text, e.g. <c> [saw 1 image: image/png 67 bytes]</c>; empty when no image came.</summary>
    private static string Seen(ChatMessage message) => message.Images.Count == 0
        ? ""
        : $" [saw {message.Images.Count} image{(message.Images.Count == 1 ? "" : "s")}: {string.Join(", ", message.Images.Select(i => string.Create(CultureInfo.InvariantCulture, $"{i.MediaType} {i.Bytes} bytes")))}]";

    /// <summary>Lines <c>tool: NAME {json args}</c>; the arguments default to <c>{}</c> and must be JSON when given.</summary>
    internal static List<ModelToolCall> ParseToolRequests(string text)
    {
        var calls = new List<ModelToolCall>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.Trim();
            if (!line.StartsWith("tool:", StringComparison.OrdinalIgnoreCase))
            {
                continue;
            }

            var rest = line["tool:".Length..].Trim();
            var space = rest.IndexOf(' ', StringComparison.Ordinal);
            var name = space < 0 ? rest : rest[..space];
            var args = space < 0 ? "{}" : rest[(space + 1)..].Trim();
            if (name.Length == 0)
            {
                continue;
            }

            try
            {
                args = JsonNode.Parse(args.Length == 0 ? "{}" : args)?.ToJsonString() ?? "{}";
            }
            catch (JsonException)
            {
                // Not JSON: pass it through as the raw argument string, like a model that emits bad JSON.
            }

            calls.Add(new ModelToolCall(string.Create(CultureInfo.InvariantCulture, $"call_{calls.Count}_{Ids.Random(8)}"), name, args));
        }

        return calls;
    }

    private static bool IsSystemReminder(string text)
    {
        var trimmed = text.Trim();
        return trimmed.StartsWith("<system-reminder>", StringComparison.Ordinal) && trimmed.EndsWith("</system-reminder>", StringComparison.Ordinal);
    }

    private static string? FindToolName(ChatRequest request, string? toolCallId)
    {
        foreach (var message in request.Messages)
        {
            foreach (var (id, name) in message.ToolCalls)
            {
                if (id == toolCallId)
                {
                    return name;
                }
            }
        }

        return null;
    }
}
