using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Provider;

namespace KimiCode.Hosting.Accounts;

/// <summary>
/// Login, logout and status: the one implementation behind <c>kimi login</c>/<c>logout</c>/<c>auth</c>, the shell's
/// <c>/login</c> and <c>/logout</c>, and ACP's <c>logout</c>, so each means the same everywhere. Front ends only
/// render: events and outcomes come back as values.
/// </summary>
public sealed class KimiAccount
{
    /// <summary>The API-key platforms <see cref="LogInWithApiKeyAsync"/> knows, the first being the default.</summary>
    public static readonly IReadOnlyList<string> ApiKeyPlatforms = ["kimi-code", "moonshot-cn", "moonshot-ai"];

    private readonly HostEnvironment _host;

    public KimiAccount(HostEnvironment host)
    {
        ArgumentNullException.ThrowIfNull(host);
        _host = host;
        host.OpenHome();
    }

    private ConfigStore Config => new(_host.Home, _host.GetVariable);

    /// <summary>The service a login in <paramref name="region"/> (<c>cn</c>, the default, or <c>global</c>) talks to.</summary>
    public ServiceEndpoints Endpoints(string? region) => ServiceEndpoints.Resolve(EndpointOverrides.Read(_host.GetVariable), region);

    /// <summary>
    /// The OAuth device flow: <paramref name="onEvent"/> gets the code to show, then waits and the approval; the
    /// credential is stored in the slot both clients share and the managed provider with its models is recorded.
    /// </summary>
    public async Task<LoginOutcome> LogInWithDeviceAsync(string? region, Action<DeviceLoginEvent> onEvent, CancellationToken cancellationToken)
    {
        var configStore = Config;
        var config = configStore.LoadEffective(); // a malformed config fails here, before anything is written
        var endpoints = Endpoints(region);
        using var factory = new ModelClientFactory(_host);
        var login = new DeviceCodeLogin(factory.CreateOAuthClient(config, endpoints.OAuthHost), _host.TimeProvider);
        var credential = await login.RunAsync(onEvent, cancellationToken).ConfigureAwait(false);

        var store = new CredentialStore(_host.Home);
        var relogin = HasLogin(store, endpoints.Slot);
        store.Write(endpoints.Slot, credential);
        return await ModelCatalog.RecordManagedAsync(factory, configStore, config, endpoints, store.PathFor(endpoints.Slot), relogin, cancellationToken).ConfigureAwait(false);
    }

    /// <summary>
    /// An API-key login: checks <paramref name="platform"/> and <paramref name="baseUrl"/> before asking for the key
    /// (<paramref name="readKey"/>), checks the key works by listing models, then records the provider and its models.
    /// Nothing is written when any step fails.
    /// </summary>
    public async Task<LoginOutcome> LogInWithApiKeyAsync(
        string platform, string? baseUrl, string? region, Func<CancellationToken, Task<string?>> readKey, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(readKey);
        if (!ApiKeyPlatforms.Contains(platform))
        {
            throw new KimiCode.Protocol.KimiCodeException(CliErrorCodes.Usage, $"Unknown platform \"{platform}\"; use one of {string.Join(", ", ApiKeyPlatforms)}.");
        }

        var configStore = Config;
        var config = configStore.LoadEffective();
        var url = baseUrl ?? platform switch
        {
            "moonshot-cn" => KimiCodeEndpoints.MoonshotCnBaseUrl,
            "moonshot-ai" => KimiCodeEndpoints.MoonshotAiBaseUrl,
            _ => Endpoints(region).CodingBaseUrl,
        };
        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https"))
        {
            throw new KimiCode.Protocol.KimiCodeException(CliErrorCodes.Usage, $"--base-url \"{url}\" is not an absolute http(s) URL; pass one like https://api.moonshot.ai/v1.");
        }

        var key = CheckKey(await readKey(cancellationToken).ConfigureAwait(false));
        config.Providers.TryGetValue(platform, out var existing);
        // Only the connection is written; the user's custom_headers and env stay in the file and apply to the check.
        var provider = new ProviderConfig
        {
            Name = platform,
            Type = "kimi",
            ApiKey = key,
            BaseUrl = url.TrimEnd('/'),
            CustomHeaders = existing?.CustomHeaders ?? new(StringComparer.Ordinal),
            Env = existing?.Env ?? new(StringComparer.Ordinal),
        };
        using var factory = new ModelClientFactory(_host);
        var chat = factory.CreateChatClient(config, provider, ConfigStore.DefaultEnvModel, new StaticTokenSource(key));
        try
        {
            return await ModelCatalog.RecordApiKeyProviderAsync(configStore, provider, chat, _host.Home.ConfigFile, cancellationToken).ConfigureAwait(false);
        }
        catch (ProviderException ex) when (ex.Code == ProviderErrorCodes.Auth)
        {
            throw new AuthException(AuthErrorCodes.LoginRequired, $"The API key was rejected by {provider.BaseUrl} (401); check the key and the --platform, then run `kimi login --api-key` again. Nothing was saved.", ex);
        }
    }

    /// <summary>
    /// Adopts the Python kimi-cli's login (<c>{from}/credentials/kimi-code.json</c>, default <c>~/.kimi</c>) under its
    /// lock, then records the managed provider and its models as a device login would.
    /// </summary>
    public async Task<ImportOutcome> ImportPythonLoginAsync(string? from, CancellationToken cancellationToken)
    {
        var configStore = Config;
        var config = configStore.LoadEffective();
        var pythonHome = from ?? Path.Combine(_host.GetVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile), ".kimi");
        var endpoints = Endpoints(region: null);
        var store = new CredentialStore(_host.Home);
        var relogin = HasLogin(store, endpoints.Slot);
        var imported = PythonCredentialImport.Import(pythonHome, store, endpoints.Slot, TimeSpan.FromSeconds(30));
        using var factory = new ModelClientFactory(_host);
        var login = await ModelCatalog.RecordManagedAsync(factory, configStore, config, endpoints, imported.DestinationPath, relogin, cancellationToken).ConfigureAwait(false);
        return new ImportOutcome(imported, login);
    }

    /// <summary>
    /// Logs out of the Kimi account: deletes the OAuth credential of <paramref name="region"/>'s endpoints and of the
    /// managed provider, and removes exactly what the login wrote (<see cref="AccountEdits.ManagedLogout"/>: the managed
    /// provider, its models, <c>default_model</c> when it named one of them, the web services using the deleted
    /// credential). API-key providers are left alone (they are not a login); so is everything else in config.toml.
    /// </summary>
    public LogoutOutcome LogOut(string? region)
    {
        var configStore = Config;
        var config = configStore.Load();
        var slots = new HashSet<string>(StringComparer.Ordinal) { Endpoints(region).Slot };
        if (config.Providers.TryGetValue(ConfigStore.ManagedProviderName, out var managed) && CredentialResolver.SlotOf(managed.OAuth?.Key) is { } configured)
        {
            slots.Add(configured);
        }

        var store = new CredentialStore(_host.Home);
        var deleted = slots.Count(store.Delete);
        var keys = slots.Select(slot => "oauth/" + slot).ToArray();
        var edited = false;
        configStore.Update(editor => edited = AccountEdits.ManagedLogout(editor, ConfigStore.ManagedProviderName, keys));
        return new LogoutOutcome(deleted > 0 || edited);
    }

    /// <summary>Every provider (environment ones included), how it authenticates and whether it is usable; reads only.</summary>
    public AccountStatus Status()
    {
        var config = Config.LoadEffective();
        var resolver = new CredentialResolver(_host.Home);
        var forDefault = resolver.Resolve(config);
        var providers = config.Providers.Values
            .Select(p => new ProviderStatus(resolver.ResolveProvider(p), config.Models.Values.Where(m => m.Provider == p.Name).Select(m => m.Alias).ToArray()))
            .ToArray();
        return new AccountStatus(_host.Home.Root, config.DefaultModel, forDefault, providers);
    }

    /// <summary>Whether <paramref name="slot"/> already holds a login (not a tombstone) before this one replaces it.</summary>
    private static bool HasLogin(CredentialStore store, string slot) => store.Read(slot) is { RefreshToken.Length: > 0 };

    private static string CheckKey(string? key)
    {
        key = key?.Trim();
        if (string.IsNullOrEmpty(key))
        {
            throw new KimiCode.Protocol.KimiCodeException(CliErrorCodes.Usage, "No API key given. Pipe it in (`kimi login --api-key < key.txt`) or type it at the prompt.");
        }

        if (key.Any(c => c < 0x21 || c > 0x7E))
        {
            throw new KimiCode.Protocol.KimiCodeException(CliErrorCodes.Usage, "The API key contains spaces or non-ASCII characters; paste exactly the key and nothing else.");
        }

        return key;
    }
}
