using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>Kimi extension: <c>thinking: {type: "enabled" | "disabled", effort?, keep?}</c> (effort and keep only while enabled).</summary>
internal sealed record WireThinking
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("effort")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Effort { get; init; }

    [JsonPropertyName("keep")]
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public string? Keep { get; init; }
}
