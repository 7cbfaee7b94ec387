using System.Text;
using System.Text.Json;

namespace KimiCode.Emulator;

/// <summary>The parts of a chat-completions request the emulator looks at.</summary>
internal sealed class ChatRequest
{
    public required string Model { get; init; }

    public required bool Stream { get; init; }

    public required bool IncludeUsage { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>The request sent <c>thinking: {type: "disabled"}</c>: the default model then answers without reasoning.</summary>
    public bool ThinkingDisabled { get; init; }

    /// <summary>Raw JSON length of all messages: the emulator's stand-in for a tokenizer (about 4 characters a token).</summary>
    public required int TotalChars { get; init; }

    /// <summary>Parses the body; returns null and an error message when it is not a usable request.</summary>
    public static ChatRequest? Parse(string body, out string? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            error = "Invalid request: the body is not valid JSON.";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "Invalid request: the body must be a JSON object.";
                return null;
            }

            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(model.GetString()))
            {
                error = "Invalid request: model is required.";
                return null;
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                error = "Invalid request: messages must be a non-empty array.";
                return null;
            }

            var list = new List<ChatMessage>();
            var totalChars = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    error = "Invalid request: every message must be an object.";
                    return null;
                }

                totalChars += message.GetRawText().Length;
                list.Add(ChatMessage.From(message));
            }

            var includeUsage = root.TryGetProperty("stream_options", out var streamOptions)
                && streamOptions.ValueKind == JsonValueKind.Object
                && streamOptions.TryGetProperty("include_usage", out var include)
                && include.ValueKind == JsonValueKind.True;

            return new ChatRequest
            {
                Model = model.GetString()!,
                Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
                IncludeUsage = includeUsage,
                Messages = list,
                TotalChars = totalChars,
                ThinkingDisabled = root.TryGetProperty("thinking", out var thinking)
                    && thinking.ValueKind == JsonValueKind.Object
                    && thinking.TryGetProperty("type", out var thinkingType)
                    && thinkingType.ValueKind == JsonValueKind.String
                    && thinkingType.ValueEquals("disabled"u8),
            };
        }
    }
}

/// <summary>One message: role, flattened text, and the tool-call links used by validation.</summary>
internal sealed class ChatMessage
{
    public required string Role { get; init; }

    public required string Text { get; init; }

    /// <summary>True when <c>content</c> is exactly the empty string (the real service rejects that on assistant messages).</summary>
    public required bool ContentIsEmptyString { get; init; }

    public required IReadOnlyList<(string Id, string Name)> ToolCalls { get; init; }

    public string? ToolCallId { get; init; }

    public static ChatMessage From(JsonElement message)
    {
        var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
        var text = new StringBuilder();
        var emptyString = false;
        if (message.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
                emptyString = text.Length == 0;
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                // Content parts: keep the text parts, ignore images.
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                    {
                        text.Append(t.GetString());
                    }
                }
            }
        }

        var calls = new List<(string, string)>();
        if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in toolCalls.EnumerateArray())
            {
                var id = call.ValueKind == JsonValueKind.Object && call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : "";
                var name = call.ValueKind == JsonValueKind.Object
                    && call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
                    && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
                calls.Add((id, name));
            }
        }

        var toolCallId = message.TryGetProperty("tool_call_id", out var tc) && tc.ValueKind == JsonValueKind.String ? tc.GetString() : null;
        return new ChatMessage { Role = role, Text = text.ToString(), ContentIsEmptyString = emptyString, ToolCalls = calls, ToolCallId = toolCallId };
    }
}
