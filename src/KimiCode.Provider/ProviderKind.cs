namespace KimiCode.Provider;

/// <summary>Which dialect the endpoint speaks.</summary>
public enum ProviderKind
{
    /// <summary>Kimi Code / Moonshot: identity headers, <c>thinking</c>, <c>reasoning_content</c>, <c>prompt_cache_key</c>.</summary>
    Kimi,

    /// <summary>Plain OpenAI-compatible chat completions: none of the Kimi extensions are sent.</summary>
    OpenAI,
}
