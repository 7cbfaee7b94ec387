using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>Kimi extension: <c>thinking: {type: "enabled" | "disabled"}</c>.</summary>
internal sealed record WireThinking
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }
}
