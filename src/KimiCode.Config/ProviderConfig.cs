namespace KimiCode.Config;

/// <summary>One <c>[providers."name"]</c> table. <see cref="ToString"/> never shows the API key or header values.</summary>
public sealed record ProviderConfig
{
    /// <summary>The provider's name (the key under <c>providers</c>).</summary>
    public string Name { get; init; } = string.Empty;

    /// <summary><c>type</c>: kimi, openai, openai_responses, anthropic, google-genai or vertexai.</summary>
    public string? Type { get; init; }

    /// <summary><c>base_url</c>.</summary>
    public string? BaseUrl { get; init; }

    /// <summary><c>api_key</c> (empty for OAuth providers). A secret: never log it.</summary>
    public string? ApiKey { get; init; }

    /// <summary><c>[providers.X.oauth]</c>, when the provider logs in with OAuth.</summary>
    public OAuthConfig? OAuth { get; init; }

    /// <summary><c>custom_headers</c>, in file order.</summary>
    public OrderedDictionary<string, string> CustomHeaders { get; init; } = new(StringComparer.Ordinal);

    /// <summary><c>env</c>.</summary>
    public Dictionary<string, string> Env { get; init; } = new(StringComparer.Ordinal);

    /// <summary>1-based line where the provider is defined (0 when not from the file).</summary>
    public int Line { get; init; }

    /// <summary>True for providers made from environment variables (<c>env:kimi</c>); they are never written to disk.</summary>
    public bool IsInMemory { get; init; }

    public override string ToString()
        => $"provider \"{Name}\" (type {Type ?? "?"}, base_url {BaseUrl ?? "?"}, api_key {(string.IsNullOrEmpty(ApiKey) ? "not set" : "set")}, oauth {(OAuth is null ? "no" : "yes")})";
}
