using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>A tool call, in a request (complete) or in a streamed delta (fragment routed by <see cref="Index"/>).</summary>
internal sealed record WireToolCall
{
    [JsonPropertyName("index")]
    public int? Index { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("type")]
    public string? Type { get; init; }

    [JsonPropertyName("function")]
    public WireFunctionCall? Function { get; init; }
}
