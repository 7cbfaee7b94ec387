using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>
/// Reads and edits <c>{KIMI_CODE_HOME}/config.toml</c>. Reads never write. Every update is one in-place edit
/// through <see cref="TomlEditor"/> (comments, ordering and unknown keys survive) written atomically with mode
/// 0600; a malformed file throws <see cref="TomlException"/> before anything is written.
/// </summary>
public sealed class ConfigStore
{
    public const string ManagedProviderName = "managed:kimi-code";
    public const string EnvProviderName = "env:kimi";
    public const string DefaultCodingBaseUrl = "https://api.kimi.com/coding/v1";
    public const string DefaultEnvModel = "kimi-for-coding";

    private readonly Func<string, string?> _environment;

    public ConfigStore(KimiHome home, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(environment);
        Home = home;
        _environment = environment;
    }

    public KimiHome Home { get; }

    /// <summary>The file as written: a missing file is an empty config; a malformed one throws with file:line:col.</summary>
    public KimiConfig Load()
    {
        var path = Home.ConfigFile;
        var editor = OpenEditor(path);
        return KimiConfig.FromToml(editor.Document, path, editor.LineOfKey);
    }

    /// <summary>
    /// <see cref="Load"/> plus environment overrides, in memory only: <see cref="EndpointOverrides"/> for the managed provider, <c>KIMI_CODE_CUSTOM_HEADERS</c>,
    /// and <c>KIMI_API_KEY</c> (+ <c>KIMI_BASE_URL</c>, <c>KIMI_MODEL_NAME</c>) as the <c>env:kimi</c> provider.
    /// </summary>
    public KimiConfig LoadEffective()
    {
        var config = Load();
        var providers = new OrderedDictionary<string, ProviderConfig>(StringComparer.Ordinal);
        foreach (var (name, provider) in config.Providers)
        {
            providers[name] = provider;
        }

        var models = new OrderedDictionary<string, ModelConfig>(StringComparer.Ordinal);
        foreach (var (alias, model) in config.Models)
        {
            models[alias] = model;
        }

        var overrides = EndpointOverrides.Read(_environment);
        var codeBaseUrl = overrides.CodingBaseUrl;
        var oauthHost = overrides.OAuthHost;
        if (providers.TryGetValue(ManagedProviderName, out var managed))
        {
            if (codeBaseUrl is not null)
            {
                managed = managed with { BaseUrl = codeBaseUrl };
            }

            if (oauthHost is not null && managed.OAuth is not null)
            {
                managed = managed with { OAuth = managed.OAuth with { OAuthHost = oauthHost } };
            }

            providers[ManagedProviderName] = managed;
        }

        var defaultModel = config.DefaultModel;
        var apiKey = NonEmpty("KIMI_API_KEY");
        if (apiKey is not null)
        {
            var modelName = NonEmpty("KIMI_MODEL_NAME") ?? DefaultEnvModel;
            var alias = EnvProviderName + "/" + modelName;
            providers[EnvProviderName] = new ProviderConfig
            {
                Name = EnvProviderName,
                Type = "kimi",
                BaseUrl = NonEmpty("KIMI_BASE_URL") ?? codeBaseUrl ?? DefaultCodingBaseUrl,
                ApiKey = apiKey,
                IsInMemory = true,
            };
            models[alias] = new ModelConfig { Alias = alias, Provider = EnvProviderName, Model = modelName };
            if (string.IsNullOrEmpty(defaultModel))
            {
                defaultModel = alias;
            }
        }

        return config.With(providers, models, defaultModel, ParseHeaders(_environment("KIMI_CODE_CUSTOM_HEADERS")), config.Services.Resolve(_environment));
    }

    /// <summary>Parses newline-separated <c>Name: value</c> lines; lines without a name are ignored.</summary>
    public static IReadOnlyList<KeyValuePair<string, string>> ParseHeaders(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return [];
        }

        var headers = new List<KeyValuePair<string, string>>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            var colon = line.IndexOf(':');
            if (colon <= 0)
            {
                continue;
            }

            var name = line[..colon].Trim();
            if (name.Length > 0)
            {
                headers.Add(new(name, line[(colon + 1)..].Trim()));
            }
        }

        return headers;
    }

    public void SetDefaultModel(string alias)
    {
        ArgumentException.ThrowIfNullOrEmpty(alias);
        Update(editor => editor.Set(["default_model"], alias));
    }

    public void SetThinking(bool enabled) => Update(editor => editor.Set(["thinking", "enabled"], enabled));

    /// <summary>Writes a provider table; see <see cref="ConfigEdits.Provider"/>.</summary>
    public void UpsertProvider(string name, ProviderConfig provider)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(provider);
        ConfigEdits.EnsureWritable(provider);
        Update(editor => ConfigEdits.Provider(editor, name, provider));
    }

    /// <summary>Removes <c>[providers.X]</c> and its sub-tables; false when there was none.</summary>
    public bool RemoveProvider(string name)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var removed = false;
        Update(editor => removed = editor.RemoveTable(["providers", name]));
        return removed;
    }

    /// <summary>Writes a model table; see <see cref="ConfigEdits.Model"/>.</summary>
    public void UpsertModel(string alias, ModelConfig model)
    {
        ArgumentException.ThrowIfNullOrEmpty(alias);
        ArgumentNullException.ThrowIfNull(model);
        Update(editor => ConfigEdits.Model(editor, alias, model));
    }

    /// <summary>Removes every <c>[models.*]</c> whose provider is <paramref name="providerName"/>; returns how many.</summary>
    public int RemoveModelsOfProvider(string providerName)
    {
        ArgumentException.ThrowIfNullOrEmpty(providerName);
        var count = 0;
        Update(editor => count = ConfigEdits.RemoveModelsOf(editor, providerName).Count);
        return count;
    }

    /// <summary>How long <see cref="Update"/> waits for another process's config.toml edit to finish (default 10 s).</summary>
    public TimeSpan LockTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The lock file beside config.toml that serialises edits across processes (left in place, mode 0600).</summary>
    public string LockFile => Home.ConfigFile + ".lock";

    /// <summary>
    /// Applies <paramref name="edit"/> to the current text as one change: parse (throws on a malformed file before
    /// writing), edit in place, then write atomically with mode 0600 inside a 0700 home. The read, the edit and the
    /// write happen under <see cref="LockFile"/> (an exclusive lock every kimi process takes; see
    /// <see cref="ConfigFileLock"/>), so concurrent edits by several processes never lose one another's changes; waiting
    /// longer than <see cref="LockTimeout"/> throws <see cref="ConfigErrorCodes.Locked"/>. If the file still changed on
    /// disk while editing (a client that does not take the lock saved it), the edit is redone on the new text instead of
    /// overwriting it; <paramref name="edit"/> must therefore be safe to run more than once. An edit that changes nothing
    /// writes nothing and takes no lock.
    /// </summary>
    public void Update(Action<TomlEditor> edit)
    {
        ArgumentNullException.ThrowIfNull(edit);
        var path = Home.ConfigFile;
        var original = ReadBytes(path);
        if (Apply(original, path, edit) is null)
        {
            return;
        }

        KimiHome.EnsureSecretDirectory(Home.Root);
        using var held = ConfigFileLock.Acquire(LockFile, path, LockTimeout);
        original = ReadBytes(path);
        var edited = Apply(original, path, edit);
        for (var attempt = 1; edited is not null; attempt++)
        {
            var current = ReadBytes(path);
            if (attempt < MaxUpdateAttempts && !SameBytes(original, current))
            {
                original = current;
                edited = Apply(original, path, edit);
                continue;
            }

            AtomicFile.WriteAllText(path, edited);
            return;
        }
    }

    /// <summary>The text after <paramref name="edit"/>, or null when it changed nothing.</summary>
    private static string? Apply(byte[]? original, string path, Action<TomlEditor> edit)
    {
        var editor = original is null ? new TomlEditor(string.Empty, path) : new TomlEditor(TomlDocument.DecodeUtf8(original, path), path);
        var before = editor.Text;
        edit(editor);
        return string.Equals(before, editor.Text, StringComparison.Ordinal) ? null : editor.Text;
    }

    private const int MaxUpdateAttempts = 5;

    private static bool SameBytes(byte[]? a, byte[]? b)
        => a is null ? b is null : b is not null && a.AsSpan().SequenceEqual(b);

    private static byte[]? ReadBytes(string path)
    {
        try
        {
            return File.ReadAllBytes(path);
        }
        catch (FileNotFoundException)
        {
            return null;
        }
        catch (DirectoryNotFoundException)
        {
            return null;
        }
    }

    private static TomlEditor OpenEditor(string path)
    {
        var bytes = ReadBytes(path);
        return bytes is null ? new TomlEditor(string.Empty, path) : new TomlEditor(TomlDocument.DecodeUtf8(bytes, path), path);
    }

    private string? NonEmpty(string name)
    {
        var value = _environment(name);
        return string.IsNullOrWhiteSpace(value) ? null : value.Trim();
    }
}
