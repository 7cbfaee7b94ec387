using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireTool
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "function";

    [JsonPropertyName("function")]
    public required WireFunctionDefinition Function { get; init; }
}
