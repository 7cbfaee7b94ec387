using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireResponseMessage
{
    [JsonPropertyName("role")]
    public string? Role { get; init; }

    [JsonPropertyName("content")]
    public string? Content { get; init; }

    [JsonPropertyName("reasoning_content")]
    public string? ReasoningContent { get; init; }

    [JsonPropertyName("tool_calls")]
    public IReadOnlyList<WireToolCall>? ToolCalls { get; init; }
}
