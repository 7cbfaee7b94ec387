using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireImageUrl
{
    [JsonPropertyName("url")]
    public required string Url { get; init; }
}
