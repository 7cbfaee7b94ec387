using KimiCode.Config;

namespace KimiCode.Auth;

/// <summary>How a provider authenticates.</summary>
public enum CredentialKind
{
    /// <summary>No credential configured.</summary>
    None,

    /// <summary>An OAuth login (device flow or imported), stored in <c>credentials/&lt;slot&gt;.json</c>.</summary>
    OAuth,

    /// <summary><c>api_key</c> in the provider's table.</summary>
    ApiKey,

    /// <summary>An <c>*_API_KEY</c> entry in the provider's <c>env</c> table.</summary>
    ProviderEnv,

    /// <summary><c>KIMI_API_KEY</c> in the environment (the in-memory <c>env:kimi</c> provider).</summary>
    Environment,
}

/// <summary>
/// The answer to "is there a usable credential for this model, and which". Every caller (the CLI, print
/// mode, the ACP auth gate) asks <see cref="CredentialResolver"/> the same question.
/// </summary>
public sealed record ResolvedCredential
{
    /// <summary>The model alias asked about (the default model unless one was named).</summary>
    public string? ModelAlias { get; init; }

    /// <summary>The model, when the alias names one.</summary>
    public ModelConfig? Model { get; init; }

    /// <summary>The model's provider, when it exists.</summary>
    public ProviderConfig? Provider { get; init; }

    /// <summary>The kind of credential found.</summary>
    public CredentialKind Kind { get; init; }

    /// <summary>True when a request can be authenticated (possibly after a refresh).</summary>
    public bool IsUsable { get; init; }

    /// <summary>When not usable: what is wrong and what to do, in one line.</summary>
    public string? Problem { get; init; }

    /// <summary>For OAuth: the credential slot (<c>kimi-code</c>, <c>kimi-code-env-…</c>).</summary>
    public string? Slot { get; init; }

    /// <summary>For OAuth: the credential file.</summary>
    public string? CredentialPath { get; init; }

    /// <summary>For OAuth: when the stored access token expires.</summary>
    public DateTimeOffset? ExpiresAt { get; init; }

    /// <summary>For API keys: the key. A secret: never print it; <see cref="ToString"/> leaves it out.</summary>
    public string? ApiKey { get; init; }

    /// <inheritdoc />
    public override string ToString()
        => $"ResolvedCredential {{ Model = {ModelAlias}, Provider = {Provider?.Name}, Kind = {Kind}, IsUsable = {IsUsable}, Problem = {Problem} }}";
}

/// <summary>Finds the credential a model would use: OAuth file, provider API key, provider env key, or <c>KIMI_API_KEY</c>.</summary>
public sealed class CredentialResolver
{
    private const string OAuthKeyPrefix = "oauth/";
    private readonly CredentialStore _store;

    /// <summary>Resolves against the credential files under <paramref name="home"/>.</summary>
    public CredentialResolver(KimiHome home)
    {
        _store = new CredentialStore(home);
    }

    /// <summary>Resolves the credential for <paramref name="modelAlias"/> (default: the config's default model).</summary>
    public ResolvedCredential Resolve(KimiConfig config, string? modelAlias = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var alias = string.IsNullOrEmpty(modelAlias) ? config.DefaultModel : modelAlias;
        if (string.IsNullOrEmpty(alias))
        {
            return new ResolvedCredential
            {
                Problem = "No model is configured. Run `kimi login` (Kimi account) or `kimi login --api-key`, or set KIMI_API_KEY.",
            };
        }

        if (!config.Models.TryGetValue(alias, out var model))
        {
            return new ResolvedCredential
            {
                ModelAlias = alias,
                Problem = $"Model \"{alias}\" is not in {config.SourcePath ?? "config.toml"}. Pick one with `kimi --model <alias>` or run `kimi login`.",
            };
        }

        if (model.Provider is null || !config.Providers.TryGetValue(model.Provider, out var provider))
        {
            return new ResolvedCredential
            {
                ModelAlias = alias,
                Model = model,
                Problem = $"Model \"{alias}\" names provider \"{model.Provider}\", which is not configured. Run `kimi login` or fix config.toml.",
            };
        }

        return ResolveProvider(provider) with { ModelAlias = alias, Model = model };
    }

    /// <summary>Resolves the credential of one provider.</summary>
    public ResolvedCredential ResolveProvider(ProviderConfig provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.OAuth is { } oauth)
        {
            return ResolveOAuth(provider, oauth);
        }

        if (!string.IsNullOrEmpty(provider.ApiKey))
        {
            return new ResolvedCredential
            {
                Provider = provider,
                Kind = provider.IsInMemory ? CredentialKind.Environment : CredentialKind.ApiKey,
                IsUsable = true,
                ApiKey = provider.ApiKey,
            };
        }

        foreach (var (name, value) in provider.Env)
        {
            if (name.EndsWith("API_KEY", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(value))
            {
                return new ResolvedCredential { Provider = provider, Kind = CredentialKind.ProviderEnv, IsUsable = true, ApiKey = value };
            }
        }

        return new ResolvedCredential
        {
            Provider = provider,
            Problem = $"Provider \"{provider.Name}\" has no api_key and no OAuth login. Run `kimi login --api-key` or set KIMI_API_KEY.",
        };
    }

    private ResolvedCredential ResolveOAuth(ProviderConfig provider, OAuthConfig oauth)
    {
        if (oauth.Storage is not null && oauth.Storage != "file")
        {
            return new ResolvedCredential
            {
                Provider = provider,
                Kind = CredentialKind.OAuth,
                Problem = $"Provider \"{provider.Name}\" keeps its login in \"{oauth.Storage}\" storage, which kimi for .NET cannot read. Run `kimi login` to store it in a file.",
            };
        }

        var slot = SlotOf(oauth.Key);
        if (slot is null)
        {
            return new ResolvedCredential
            {
                Provider = provider,
                Kind = CredentialKind.OAuth,
                Problem = $"Provider \"{provider.Name}\" has oauth.key \"{oauth.Key}\"; expected \"oauth/<name>\". Run `kimi login` to rewrite it.",
            };
        }

        var path = _store.PathFor(slot);
        OAuthCredential? credential;
        try
        {
            credential = _store.ReadForUse(slot);
        }
        catch (AuthException ex)
        {
            // A login this user may not read: say which chmod fixes it rather than "not logged in".
            return new ResolvedCredential
            {
                Provider = provider,
                Kind = CredentialKind.OAuth,
                Slot = slot,
                CredentialPath = path,
                Problem = ex.Message,
            };
        }

        var usable = credential is { IsTombstone: false } && (credential.RefreshToken.Length > 0 || credential.AccessToken.Length > 0);
        return new ResolvedCredential
        {
            Provider = provider,
            Kind = CredentialKind.OAuth,
            Slot = slot,
            CredentialPath = path,
            IsUsable = usable,
            ExpiresAt = usable ? credential!.ExpiresAtTime : null,
            Problem = usable ? null
                : credential is { IsTombstone: true } ? "Your Kimi Code session has ended. Run `kimi login` to sign in again."
                : "Not logged in to Kimi Code. Run `kimi login`.",
        };
    }

    /// <summary>The slot name in an <c>oauth/&lt;slot&gt;</c> key, or null when the key has another shape.</summary>
    public static string? SlotOf(string? key)
    {
        if (key is null || !key.StartsWith(OAuthKeyPrefix, StringComparison.Ordinal))
        {
            return null;
        }

        var slot = key[OAuthKeyPrefix.Length..];
        return slot.Length == 0 || slot.Contains('/', StringComparison.Ordinal) || slot.Contains('\\', StringComparison.Ordinal) || slot.Contains("..", StringComparison.Ordinal) ? null : slot;
    }
}
