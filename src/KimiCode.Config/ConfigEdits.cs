using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>
/// The config writes every client makes, as edits on a <see cref="TomlEditor"/> so several of them can go into
/// one atomic <see cref="ConfigStore.Update"/> (a login writes provider, models and default model together).
/// </summary>
public static class ConfigEdits
{
    /// <summary>Throws for providers that exist only in memory (from the environment).</summary>
    public static void EnsureWritable(ProviderConfig provider)
    {
        ArgumentNullException.ThrowIfNull(provider);
        if (provider.IsInMemory)
        {
            throw new ArgumentException("In-memory providers come from the environment and are never written to config.toml.", nameof(provider));
        }
    }

    /// <summary>
    /// Writes <c>type</c>, <c>api_key</c>, <c>base_url</c> (in that order, like the official client), then
    /// <c>custom_headers</c>/<c>env</c> only when non-empty, then <c>[providers.X.oauth]</c> when set.
    /// </summary>
    public static void Provider(TomlEditor editor, string name, ProviderConfig provider)
    {
        ArgumentNullException.ThrowIfNull(editor);
        EnsureWritable(provider);
        string[] table = ["providers", name];
        ProviderConnection(editor, table, provider, isService: false, writeOAuth: false);
        SetOrRemoveTable(editor, [.. table, "custom_headers"], provider.CustomHeaders);
        SetOrRemoveTable(editor, [.. table, "env"], provider.Env);
        WriteOAuth(editor, table, provider.OAuth);
    }

    /// <summary>
    /// Writes only how <c>[providers.X]</c> connects (<c>type</c>, <c>api_key</c>, <c>base_url</c>, and the
    /// <c>oauth</c> sub-table, removed when <see cref="ProviderConfig.OAuth"/> is null), as a login does: the user's
    /// <c>custom_headers</c>, <c>env</c> and any other key stay as written.
    /// </summary>
    public static void ProviderConnection(TomlEditor editor, string name, ProviderConfig provider)
    {
        ArgumentNullException.ThrowIfNull(editor);
        EnsureWritable(provider);
        ProviderConnection(editor, ["providers", name], provider, isService: false);
    }

    /// <summary>
    /// The connection keys of a provider-shaped table at <paramref name="table"/> (providers and <c>[services.*]</c> share
    /// the shape). New keys come in the official client's order: a provider's <c>type</c>, <c>api_key</c>,
    /// <c>base_url</c>; a service's (<paramref name="isService"/>, no <c>type</c>) <c>base_url</c>, <c>api_key</c>.
    /// </summary>
    public static void ProviderConnection(TomlEditor editor, string[] table, ProviderConfig provider, bool isService, bool writeOAuth = true)
    {
        ArgumentNullException.ThrowIfNull(editor);
        ArgumentNullException.ThrowIfNull(table);
        ArgumentNullException.ThrowIfNull(provider);
        if (isService)
        {
            SetOrRemove(editor, [.. table, "base_url"], provider.BaseUrl);
            editor.Set([.. table, "api_key"], provider.ApiKey ?? string.Empty);
        }
        else
        {
            editor.Set([.. table, "type"], provider.Type ?? "kimi");
            editor.Set([.. table, "api_key"], provider.ApiKey ?? string.Empty);
            SetOrRemove(editor, [.. table, "base_url"], provider.BaseUrl);
        }

        if (writeOAuth)
        {
            WriteOAuth(editor, table, provider.OAuth);
        }
    }

    private static void WriteOAuth(TomlEditor editor, string[] table, OAuthConfig? oauth)
    {
        if (oauth is not null)
        {
            SetOrRemove(editor, [.. table, "oauth", "storage"], oauth.Storage);
            SetOrRemove(editor, [.. table, "oauth", "key"], oauth.Key);
            SetOrRemove(editor, [.. table, "oauth", "oauth_host"], oauth.OAuthHost);
        }
        else
        {
            editor.RemoveTable([.. table, "oauth"]);
        }
    }

    private static void SetOrRemoveTable<T>(TomlEditor editor, string[] path, IReadOnlyDictionary<string, T> value)
    {
        if (value.Count > 0)
        {
            editor.Set(path, value);
        }
        else
        {
            editor.Remove(path);
        }
    }

    /// <summary>
    /// Writes <c>provider</c>, <c>model</c>, <c>max_context_size</c>, <c>capabilities</c> and <c>display_name</c>; other keys
    /// in the table stay. A null display name removes the key, unless <paramref name="keepDisplayName"/> (a login whose
    /// service names no display name keeps the user's, as the official client does).
    /// </summary>
    public static void Model(TomlEditor editor, string alias, ModelConfig model, bool keepDisplayName = false)
    {
        ArgumentNullException.ThrowIfNull(editor);
        ArgumentNullException.ThrowIfNull(model);
        string[] table = ["models", alias];
        SetOrRemove(editor, [.. table, "provider"], model.Provider);
        SetOrRemove(editor, [.. table, "model"], model.Model);
        if (model.MaxContextSize is { } max)
        {
            editor.Set([.. table, "max_context_size"], max);
        }
        else
        {
            editor.Remove([.. table, "max_context_size"]);
        }

        if (model.Capabilities.Count > 0)
        {
            editor.Set([.. table, "capabilities"], model.Capabilities);
        }
        else
        {
            editor.Remove([.. table, "capabilities"]);
        }

        if (model.DisplayName is not null || !keepDisplayName)
        {
            SetOrRemove(editor, [.. table, "display_name"], model.DisplayName);
        }
    }

    /// <summary>Removes every <c>[models.*]</c> whose provider is <paramref name="providerName"/>; returns the aliases removed.</summary>
    public static IReadOnlyList<string> RemoveModelsOf(TomlEditor editor, string providerName)
    {
        ArgumentNullException.ThrowIfNull(editor);
        if (!editor.Document.TryGet<TomlTable>("models", out var models))
        {
            return [];
        }

        var aliases = models
            .Where(m => m.Value is TomlTable table && table.TryGet<string>("provider", out var p) && p == providerName)
            .Select(m => m.Key)
            .ToList();
        return [.. aliases.Where(alias => editor.RemoveTable(["models", alias]))];
    }

    private static void SetOrRemove(TomlEditor editor, string[] path, string? value)
    {
        if (value is null)
        {
            editor.Remove(path);
        }
        else
        {
            editor.Set(path, value);
        }
    }
}
