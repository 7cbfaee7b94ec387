using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireFunctionCall
{
    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>JSON text (the API sends and expects a string, not an object).</summary>
    [JsonPropertyName("arguments")]
    public string? Arguments { get; init; }
}
