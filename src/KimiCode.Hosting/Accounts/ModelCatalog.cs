using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Provider;

namespace KimiCode.Hosting.Accounts;

/// <summary>
/// What every login ends with: ask the service which models the credential may use, then write the provider
/// and its models into config.toml the way the official Node client does (<see cref="AccountEdits"/>), keeping
/// everything else in the file.
/// </summary>
internal static class ModelCatalog
{
    public const string ManagedModelPrefix = "kimi-code/";

    /// <summary>
    /// Records the managed OAuth provider for <paramref name="endpoints"/> (credential already stored), its models and
    /// web services. <paramref name="relogin"/>: a credential was already stored before this login, so the user's
    /// default model is kept (the official client does the same).
    /// </summary>
    public static async Task<LoginOutcome> RecordManagedAsync(
        ModelClientFactory factory, ConfigStore configStore, KimiConfig config, ServiceEndpoints endpoints, string savedTo, bool relogin, CancellationToken cancellationToken)
    {
        var provider = new ProviderConfig
        {
            Name = ConfigStore.ManagedProviderName,
            Type = "kimi",
            ApiKey = string.Empty,
            BaseUrl = endpoints.CodingBaseUrl,
            OAuth = new OAuthConfig { Storage = "file", Key = "oauth/" + endpoints.Slot, OAuthHost = PersistedOAuthHost(endpoints) },
        };
        var chat = factory.CreateChatClient(config, provider, ConfigStore.DefaultEnvModel, factory.CreateOAuthTokenSource(config, endpoints.OAuthHost, endpoints.Slot));
        var models = await ListAsync(chat, provider, ManagedModelPrefix, cancellationToken).ConfigureAwait(false);
        var defaultAlias = string.Empty;
        configStore.Update(editor => defaultAlias = AccountEdits.ManagedLogin(editor, provider, models, preserveDefault: relogin));
        return new LoginOutcome(provider.Name, [.. models.Select(m => m.Model.Alias)], defaultAlias, savedTo);
    }

    /// <summary>Lists models through <paramref name="chat"/> and records the API-key provider and its models.</summary>
    public static async Task<LoginOutcome> RecordApiKeyProviderAsync(
        ConfigStore configStore, ProviderConfig provider, KimiChatClient chat, string savedTo, CancellationToken cancellationToken)
    {
        var models = await ListAsync(chat, provider, provider.Name + "/", cancellationToken).ConfigureAwait(false);
        var defaultAlias = string.Empty;
        configStore.Update(editor => defaultAlias = AccountEdits.ApiKeyLogin(editor, provider, models));
        var aliases = configStore.Load().Models.Values.Where(m => m.Provider == provider.Name).Select(m => m.Alias).ToArray();
        return new LoginOutcome(provider.Name, aliases, defaultAlias, savedTo);
    }

    /// <summary>
    /// The official client leaves <c>oauth_host</c> out for the default credential slot on the default host (it is
    /// implied), and writes it for every other login.
    /// </summary>
    private static string? PersistedOAuthHost(ServiceEndpoints endpoints)
        => endpoints.Slot == CredentialSlot.DefaultName && endpoints.OAuthHost == KimiCodeEndpoints.DefaultOAuthHost ? null : endpoints.OAuthHost;

    private static async Task<IReadOnlyList<CatalogModel>> ListAsync(KimiChatClient chat, ProviderConfig provider, string prefix, CancellationToken cancellationToken)
    {
        var models = await chat.ListModelsAsync(cancellationToken).ConfigureAwait(false);
        if (models.Count == 0)
        {
            throw new AuthException(AuthErrorCodes.NoModels,
                $"The service at {provider.BaseUrl} lists no models for this account; check your Kimi Code subscription, then run `kimi login` again.");
        }

        return [.. models.Select(m => new CatalogModel(
            new ModelConfig
            {
                Alias = prefix + m.Id,
                Provider = provider.Name,
                Model = m.Id,
                MaxContextSize = m.ContextLength,
                Capabilities = AccountEdits.Capabilities(m.SupportsThinkingType, m.SupportsReasoning, m.SupportsImageIn, m.SupportsVideoIn, m.SupportsToolUse),
                DisplayName = m.DisplayName is { Length: > 0 } name ? name : null,
            },
            ThinkingDefault: m.SupportsReasoning,
            ThinkingForced: m.SupportsThinkingType switch { "only" => true, "no" => false, _ => null }))];
    }
}
