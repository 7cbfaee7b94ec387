using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>A part of a multi-part user message: <c>{type:"text",text}</c> or <c>{type:"image_url",image_url:{url}}</c>.</summary>
internal sealed record WireContentPart
{
    [JsonPropertyName("type")]
    public required string Type { get; init; }

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("image_url")]
    public WireImageUrl? ImageUrl { get; init; }
}
