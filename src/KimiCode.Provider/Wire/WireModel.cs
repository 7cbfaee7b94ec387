using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireModel
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("context_length")]
    public int? ContextLength { get; init; }

    [JsonPropertyName("display_name")]
    public string? DisplayName { get; init; }

    [JsonPropertyName("supports_reasoning")]
    public bool? SupportsReasoning { get; init; }

    [JsonPropertyName("supports_image_in")]
    public bool? SupportsImageIn { get; init; }

    [JsonPropertyName("supports_video_in")]
    public bool? SupportsVideoIn { get; init; }

    [JsonPropertyName("supports_tool_use")]
    public bool? SupportsToolUse { get; init; }

    [JsonPropertyName("supports_thinking_type")]
    public string? SupportsThinkingType { get; init; }
}
