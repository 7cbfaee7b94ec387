using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>A streamed chunk (<c>chat.completion.chunk</c>) or a whole non-streamed completion.</summary>
internal sealed record WireChatChunk
{
    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    [JsonPropertyName("created")]
    public long? Created { get; init; }

    [JsonPropertyName("choices")]
    public IReadOnlyList<WireChoice>? Choices { get; init; }

    [JsonPropertyName("usage")]
    public WireUsage? Usage { get; init; }

    /// <summary>Some servers report a failure inside the stream instead of with a status code.</summary>
    [JsonPropertyName("error")]
    public WireError? Error { get; init; }
}
