using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireModelList
{
    [JsonPropertyName("data")]
    public IReadOnlyList<WireModel>? Data { get; init; }
}
