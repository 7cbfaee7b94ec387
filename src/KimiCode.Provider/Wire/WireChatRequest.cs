using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>Body of <c>POST {base}/chat/completions</c>. Null members are omitted on the wire.</summary>
internal sealed record WireChatRequest
{
    [JsonPropertyName("model")]
    public required string Model { get; init; }

    [JsonPropertyName("messages")]
    public required IReadOnlyList<WireMessage> Messages { get; init; }

    [JsonPropertyName("tools")]
    public IReadOnlyList<WireTool>? Tools { get; init; }

    [JsonPropertyName("stream")]
    public bool Stream { get; init; }

    [JsonPropertyName("stream_options")]
    public WireStreamOptions? StreamOptions { get; init; }

    [JsonPropertyName("prompt_cache_key")]
    public string? PromptCacheKey { get; init; }

    [JsonPropertyName("max_completion_tokens")]
    public int? MaxCompletionTokens { get; init; }

    [JsonPropertyName("thinking")]
    public WireThinking? Thinking { get; init; }

    [JsonPropertyName("temperature")]
    public float? Temperature { get; init; }

    [JsonPropertyName("top_p")]
    public float? TopP { get; init; }
}
