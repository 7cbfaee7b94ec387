using KimiCode.Protocol;

namespace KimiCode.Provider;

/// <summary>Everything <see cref="KimiChatClient"/> needs; the composition root fills it from config and auth.</summary>
public sealed class KimiProviderOptions
{
    public ProviderKind Kind { get; set; } = ProviderKind.Kimi;

    /// <summary>API base, e.g. <c>https://api.kimi.com/coding/v1</c>; a trailing slash does not matter.</summary>
    public required Uri BaseUrl { get; set; }

    /// <summary>Wire model id, e.g. <c>kimi-for-coding</c>. <c>ChatOptions.ModelId</c> overrides it per call.</summary>
    public required string Model { get; set; }

    /// <summary>Where the bearer token comes from (OAuth or a static API key).</summary>
    public required IAccessTokenSource Tokens { get; set; }

    /// <summary>Headers from env <c>KIMI_CODE_CUSTOM_HEADERS</c>: lowest precedence.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> EnvironmentHeaders { get; set; } = [];

    /// <summary><c>X-Msh-*</c> identity headers; sent only for <see cref="ProviderKind.Kimi"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> IdentityHeaders { get; set; } = [];

    /// <summary>The provider's <c>custom_headers</c>: they replace identity and environment headers of the same name.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CustomHeaders { get; set; } = [];

    /// <summary>Identity User-Agent (Kimi kind only); a custom <c>User-Agent</c> header replaces it.</summary>
    public string? UserAgent { get; set; }

    public RetryOptions Retry { get; set; } = new();

    /// <summary>Connect, response-headers and stream-idle timeouts; each fires as a retryable <see cref="ProviderErrorCodes.Timeout"/>.</summary>
    public TimeoutOptions Timeouts { get; set; } = new();

    /// <summary>null: send nothing; otherwise <c>thinking: {type: enabled|disabled}</c> (Kimi kind only).</summary>
    public bool? Thinking { get; set; }

    /// <summary>
    /// Sent as <c>thinking.effort</c> while thinking is on (Kimi kind only), e.g. <c>high</c>; null = plain "on".
    /// An effort alone (thinking unset) turns thinking on, as the official client does.
    /// </summary>
    public string? ThinkingEffort { get; set; }

    /// <summary>Default <c>temperature</c> (<c>KIMI_MODEL_TEMPERATURE</c>); <c>ChatOptions.Temperature</c> wins.</summary>
    public float? Temperature { get; set; }

    /// <summary>Default <c>top_p</c> (<c>KIMI_MODEL_TOP_P</c>); <c>ChatOptions.TopP</c> wins.</summary>
    public float? TopP { get; set; }

    /// <summary>Sent as <c>thinking.keep</c> while thinking is on (Kimi kind only), e.g. <c>all</c>; null = not sent.</summary>
    public string? ThinkingKeep { get; set; }

    /// <summary>Default <c>max_completion_tokens</c>; <c>ChatOptions.MaxOutputTokens</c> wins.</summary>
    public int? MaxCompletionTokens { get; set; }

    /// <summary>Called before each retry wait (streaming calls also yield the notice as an update).</summary>
    public Action<RetryNotice>? OnRetry { get; set; }

    public TimeProvider TimeProvider { get; set; } = TimeProvider.System;
}
