using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Config.Toml;
using KimiCode.Provider;

namespace KimiCode.Hosting.Accounts;

/// <summary>
/// What every login ends with: ask the service which models the credential may use, then write the provider
/// and its models into config.toml the way the official Node client does, keeping everything else in the file.
/// </summary>
internal static class ModelCatalog
{
    public const string ManagedModelPrefix = "kimi-code/";

    /// <summary>Records the managed OAuth provider for <paramref name="endpoints"/> (credential already stored) and its models.</summary>
    public static async Task<LoginOutcome> RecordManagedAsync(ModelClientFactory factory, ConfigStore configStore, KimiConfig config, ServiceEndpoints endpoints, string savedTo, CancellationToken cancellationToken)
    {
        // Keep what the user put in the managed provider (custom_headers, env) across logins.
        config.Providers.TryGetValue(ConfigStore.ManagedProviderName, out var existing);
        var provider = new ProviderConfig
        {
            Name = ConfigStore.ManagedProviderName,
            Type = "kimi",
            ApiKey = string.Empty,
            BaseUrl = endpoints.CodingBaseUrl,
            OAuth = new OAuthConfig { Storage = "file", Key = "oauth/" + endpoints.Slot, OAuthHost = endpoints.OAuthHost },
            CustomHeaders = existing?.CustomHeaders ?? new(StringComparer.Ordinal),
            Env = existing?.Env ?? new(StringComparer.Ordinal),
        };
        var chat = factory.CreateChatClient(config, provider, ConfigStore.DefaultEnvModel, factory.CreateOAuthTokenSource(config, endpoints.OAuthHost, endpoints.Slot));
        return await RecordProviderAsync(configStore, ConfigStore.ManagedProviderName, provider, ManagedModelPrefix, chat, savedTo, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>Lists models through <paramref name="chat"/> and records them under <paramref name="providerName"/>.</summary>
    public static async Task<LoginOutcome> RecordProviderAsync(
        ConfigStore configStore,
        string providerName,
        ProviderConfig provider,
        string modelPrefix,
        KimiChatClient chat,
        string savedTo,
        CancellationToken cancellationToken)
    {
        var models = await chat.ListModelsAsync(cancellationToken).ConfigureAwait(false);
        if (models.Count == 0)
        {
            throw new AuthException(AuthErrorCodes.NoModels,
                $"The service at {provider.BaseUrl} lists no models for this account; check your Kimi Code subscription, then run `kimi login` again.");
        }

        var aliases = new List<string>();
        var defaultAlias = modelPrefix + (models.FirstOrDefault(m => m.Id == ConfigStore.DefaultEnvModel) ?? models[0]).Id;
        configStore.Update(editor =>
        {
            // One atomic write: provider, its models, the default model and thinking together.
            aliases.Clear();
            ConfigEdits.Provider(editor, providerName, provider);
            ConfigEdits.RemoveModelsOf(editor, providerName);
            foreach (var model in models)
            {
                var alias = modelPrefix + model.Id;
                aliases.Add(alias);
                ConfigEdits.Model(editor, alias, new ModelConfig
                {
                    Provider = providerName,
                    Model = model.Id,
                    MaxContextSize = model.ContextLength,
                    Capabilities = Capabilities(model),
                    DisplayName = model.DisplayName is { Length: > 0 } name && name != model.Id ? name : null,
                });
            }

            editor.Set(["default_model"], defaultAlias);
            var chosen = models.First(m => modelPrefix + m.Id == defaultAlias);
            var supportsThinking = chosen.SupportsReasoning || chosen.SupportsThinkingType is "only" or "both";
            if (supportsThinking && !editor.Document.TryGet<TomlTable>("thinking", out _))
            {
                editor.Set(["thinking", "enabled"], true);
            }
        });
        return new LoginOutcome(providerName, aliases, defaultAlias, savedTo);
    }

    /// <summary>Capabilities in the order the official client writes them.</summary>
    public static IReadOnlyList<string> Capabilities(KimiModelInfo model)
    {
        var capabilities = new List<string>();
        if (model.SupportsReasoning || model.SupportsThinkingType is "only" or "both")
        {
            capabilities.Add("thinking");
        }

        if (model.SupportsImageIn)
        {
            capabilities.Add("image_in");
        }

        if (model.SupportsVideoIn)
        {
            capabilities.Add("video_in");
        }

        if (model.SupportsToolUse)
        {
            capabilities.Add("tool_use");
        }

        return capabilities;
    }
}
