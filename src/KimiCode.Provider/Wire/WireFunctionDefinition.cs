using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireFunctionDefinition
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("parameters")]
    public JsonElement? Parameters { get; init; }
}
