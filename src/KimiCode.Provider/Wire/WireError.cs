using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireError
{
    [JsonPropertyName("message")]
    public string? Message { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }
}
