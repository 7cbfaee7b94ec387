using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WirePromptTokensDetails
{
    [JsonPropertyName("cached_tokens")]
    public long? CachedTokens { get; init; }
}
