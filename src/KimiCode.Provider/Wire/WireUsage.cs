using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

internal sealed record WireUsage
{
    [JsonPropertyName("prompt_tokens")]
    public long? PromptTokens { get; init; }

    [JsonPropertyName("completion_tokens")]
    public long? CompletionTokens { get; init; }

    [JsonPropertyName("total_tokens")]
    public long? TotalTokens { get; init; }

    /// <summary>Kimi reports cache hits here.</summary>
    [JsonPropertyName("cached_tokens")]
    public long? CachedTokens { get; init; }

    /// <summary>OpenAI reports cache hits here.</summary>
    [JsonPropertyName("prompt_tokens_details")]
    public WirePromptTokensDetails? PromptTokensDetails { get; init; }
}
