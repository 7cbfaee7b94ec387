namespace KimiCode.Provider;

/// <summary>One entry of <c>GET {base}/models</c>.</summary>
public sealed record KimiModelInfo(
    string Id,
    int? ContextLength,
    string? DisplayName,
    bool SupportsReasoning,
    bool SupportsImageIn,
    bool SupportsVideoIn,
    bool SupportsToolUse,
    string? SupportsThinkingType);
