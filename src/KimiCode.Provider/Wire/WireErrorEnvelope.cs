using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>The error body: <c>{"error":{"message","type"}}</c>.</summary>
internal sealed record WireErrorEnvelope
{
    [JsonPropertyName("error")]
    public WireError? Error { get; init; }
}
