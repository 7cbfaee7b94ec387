using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>One model a provider's <c>/models</c> listed, as a login records it.</summary>
/// <param name="Model">The upstream-owned fields: provider, model, max_context_size, capabilities, display_name.</param>
/// <param name="ThinkingDefault">Whether thinking is on by default when the user never chose (the model reasons).</param>
/// <param name="ThinkingForced">True/false when the server says thinking is always on / never available; null when it can be toggled.</param>
public sealed record CatalogModel(ModelConfig Model, bool ThinkingDefault, bool? ThinkingForced);

/// <summary>
/// What login and logout write into config.toml, the way the official Node client does, as in-place edits that keep
/// everything else the user wrote (comments, their own keys in our tables, quoting of untouched values).
/// Each method reads what it needs from the editor's document, so <see cref="ConfigStore.Update"/> can re-apply it to a
/// file another process changed meanwhile.
/// </summary>
public static class AccountEdits
{
    /// <summary>The web services an OAuth login points at the managed credential.</summary>
    private static readonly string[] ServiceNames = ["moonshot_search", "moonshot_fetch"];

    /// <summary>
    /// An OAuth login: the managed provider (in place), its models merged into their existing tables (models the
    /// service no longer lists are removed), <c>default_model</c>, <c>[thinking] enabled</c> and the two web services
    /// pointing at <c>{base}/search</c> and <c>{base}/fetch</c> with the same credential. The existing default model is
    /// kept when <paramref name="preserveDefault"/> (a re-login) and it still names a listed model or another
    /// provider's model; otherwise the first listed model becomes the default. Returns the default model.
    /// </summary>
    public static string ManagedLogin(TomlEditor editor, ProviderConfig provider, IReadOnlyList<CatalogModel> models, bool preserveDefault)
    {
        ArgumentNullException.ThrowIfNull(editor);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentOutOfRangeException.ThrowIfZero(models.Count);
        ConfigEdits.EnsureWritable(provider);
        ConfigEdits.ProviderConnection(editor, provider.Name, provider);
        var aliases = MergeModels(editor, provider.Name, models.Select(m => m.Model).ToList());

        var current = editor.Document.TryGet<string>("default_model", out var existing) && existing.Length > 0 ? existing : null;
        var keep = preserveDefault && current is not null && (aliases.Contains(current) || OwnerOf(editor, current) is { } owner && owner != provider.Name);
        var defaultAlias = keep ? current! : aliases[0];
        editor.Set(["default_model"], defaultAlias);

        var chosen = models.FirstOrDefault(m => m.Model.Alias == defaultAlias);
        var thinking = editor.Document.TryGet<TomlTable>("thinking", out var table) && table.TryGet<bool>("enabled", out var enabled) ? enabled : (bool?)null;
        var thinkingOn = chosen?.ThinkingForced ?? thinking ?? (chosen ?? models[0]).ThinkingDefault;
        editor.Set(["thinking", "enabled"], thinkingOn);

        foreach (var (service, suffix) in ServiceNames.Zip(["/search", "/fetch"]))
        {
            ConfigEdits.ProviderConnection(editor, ["services", service], new ProviderConfig
            {
                Name = service,
                BaseUrl = provider.BaseUrl?.TrimEnd('/') + suffix,
                ApiKey = string.Empty,
                OAuth = provider.OAuth,
            }, isService: true);
        }

        return defaultAlias;
    }

    /// <summary>
    /// An API-key login: the provider (in place) and its models, merged like <see cref="ManagedLogin"/>. Never takes over
    /// another provider's model alias (a colliding one is recorded as <c>{provider}-api-key/{model}</c>); its first model
    /// becomes <c>default_model</c>, as the official client's API-key login does (so the login just made is the one used,
    /// and the OAuth login's logout leaves a usable default). <c>[thinking]</c> is left alone. Returns the default model.
    /// </summary>
    public static string ApiKeyLogin(TomlEditor editor, ProviderConfig provider, IReadOnlyList<CatalogModel> models)
    {
        ArgumentNullException.ThrowIfNull(editor);
        ArgumentNullException.ThrowIfNull(provider);
        ArgumentOutOfRangeException.ThrowIfZero(models.Count);
        ConfigEdits.EnsureWritable(provider);
        ConfigEdits.ProviderConnection(editor, provider.Name, provider);
        var owned = models.Select(m =>
        {
            var owner = OwnerOf(editor, m.Model.Alias);
            return owner is null || owner == provider.Name ? m.Model : m.Model with { Alias = provider.Name + "-api-key/" + m.Model.Model };
        }).ToList();
        var aliases = MergeModels(editor, provider.Name, owned);
        editor.Set(["default_model"], aliases[0]);
        return aliases[0];
    }

    /// <summary>
    /// Logout of the managed provider <paramref name="providerName"/>: removes it, its models, <c>default_model</c> and
    /// <c>default_provider</c> when they named them, and the web services whose OAuth credential is one of
    /// <paramref name="credentialKeys"/> (<c>oauth/&lt;slot&gt;</c>). Everything else stays. True when anything changed.
    /// </summary>
    public static bool ManagedLogout(TomlEditor editor, string providerName, IReadOnlyCollection<string> credentialKeys)
    {
        ArgumentNullException.ThrowIfNull(editor);
        ArgumentNullException.ThrowIfNull(credentialKeys);
        var before = editor.Text;
        editor.RemoveTable(["providers", providerName]);
        var removedModels = ConfigEdits.RemoveModelsOf(editor, providerName);
        if (editor.Document.TryGet<string>("default_model", out var defaultModel) && removedModels.Contains(defaultModel))
        {
            editor.Remove(["default_model"]);
        }

        if (editor.Document.TryGet<string>("default_provider", out var defaultProvider) && defaultProvider == providerName)
        {
            editor.Remove(["default_provider"]);
        }

        foreach (var service in ServiceNames)
        {
            if (editor.Document.TryGet<TomlTable>("services", out var services)
                && services.TryGet<TomlTable>(service, out var table)
                && table.TryGet<TomlTable>("oauth", out var oauth)
                && oauth.TryGet<string>("key", out var key)
                && credentialKeys.Contains(key))
            {
                editor.RemoveTable(["services", service]);
            }
        }

        return !string.Equals(before, editor.Text, StringComparison.Ordinal);
    }

    /// <summary>
    /// A model's <c>capabilities</c> as the official client derives them from <c>/models</c>, in its order:
    /// <c>supports_thinking_type</c> (<paramref name="thinkingType"/>) wins over the older <c>supports_reasoning</c>
    /// (<c>only</c> also adds <c>always_thinking</c>), then <c>image_in</c>, <c>video_in</c>, <c>tool_use</c>.
    /// </summary>
    public static IReadOnlyList<string> Capabilities(string? thinkingType, bool reasoning, bool imageIn, bool videoIn, bool toolUse)
    {
        var thinking = thinkingType switch
        {
            "only" or "both" => true,
            "no" => false,
            _ => reasoning,
        };
        var capabilities = new List<string>();
        AddIf(capabilities, thinking, "thinking");
        AddIf(capabilities, thinkingType == "only", "always_thinking");
        AddIf(capabilities, imageIn, "image_in");
        AddIf(capabilities, videoIn, "video_in");
        AddIf(capabilities, toolUse, "tool_use");
        return capabilities;
    }

    private static void AddIf(List<string> list, bool condition, string item)
    {
        if (condition)
        {
            list.Add(item);
        }
    }

    /// <summary>
    /// Writes the upstream-owned keys of each model into its table (created when missing, merged in place when present)
    /// and removes this provider's models that are no longer listed. Returns the aliases in listed order.
    /// </summary>
    private static List<string> MergeModels(TomlEditor editor, string providerName, IReadOnlyList<ModelConfig> models)
    {
        var aliases = models.Select(m => m.Alias).ToList();
        if (editor.Document.TryGet<TomlTable>("models", out var table))
        {
            var stale = table
                .Where(m => !aliases.Contains(m.Key) && m.Value is TomlTable t && t.TryGet<string>("provider", out var p) && p == providerName)
                .Select(m => m.Key)
                .ToList();
            foreach (var alias in stale)
            {
                editor.RemoveTable(["models", alias]);
            }
        }

        foreach (var model in models)
        {
            ConfigEdits.Model(editor, model.Alias, model with { Provider = providerName }, keepDisplayName: true);
        }

        return aliases;
    }

    /// <summary>The provider of model <paramref name="alias"/>, or null when there is no such model table.</summary>
    private static string? OwnerOf(TomlEditor editor, string alias)
        => editor.Document.TryGet<TomlTable>("models", out var models) && models.TryGet<TomlTable>(alias, out var model)
            ? model.TryGet<string>("provider", out var provider) ? provider : string.Empty
            : null;
}
