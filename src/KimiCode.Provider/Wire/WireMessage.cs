using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>
/// One request message. <see cref="Content"/> is a JsonElement because the API takes either a
/// string or an array of parts, and because an assistant message with only tool calls must omit
/// the key entirely (the server rejects empty text content).
/// </summary>
internal sealed record WireMessage
{
    [JsonPropertyName("role")]
    public required string Role { get; init; }

    [JsonPropertyName("content")]
    public JsonElement? Content { get; init; }

    [JsonPropertyName("reasoning_content")]
    public string? ReasoningContent { get; init; }

    [JsonPropertyName("tool_calls")]
    public IReadOnlyList<WireToolCall>? ToolCalls { get; init; }

    [JsonPropertyName("tool_call_id")]
    public string? ToolCallId { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }
}
