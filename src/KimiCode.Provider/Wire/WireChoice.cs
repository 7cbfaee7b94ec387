using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireChoice
{
    [JsonPropertyName("index")]
    public int Index { get; init; }

    /// <summary>Streaming: the increment.</summary>
    [JsonPropertyName("delta")]
    public WireResponseMessage? Delta { get; init; }

    /// <summary>Non-streaming: the whole message.</summary>
    [JsonPropertyName("message")]
    public WireResponseMessage? Message { get; init; }

    [JsonPropertyName("finish_reason")]
    public string? FinishReason { get; init; }

    /// <summary>Kimi may put the usage inside the final choice instead of at the top level.</summary>
    [JsonPropertyName("usage")]
    public WireUsage? Usage { get; init; }
}
