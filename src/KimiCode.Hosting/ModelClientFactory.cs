using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Hosting.Logging;
using Microsoft.Extensions.Logging;
using KimiCode.Protocol;
using KimiCode.Provider;

namespace KimiCode.Hosting;

/// <summary>
/// Builds the chat client for a resolved credential: OAuth through <see cref="OAuthTokenSource"/> (lazy refresh,
/// the shared cross-process lock), API keys as static tokens; identity headers only for <c>type = "kimi"</c>
/// providers, under the provider's <c>custom_headers</c> so config always wins.
/// </summary>
public sealed class ModelClientFactory : IDisposable
{
    private readonly HostEnvironment _env;
    private readonly List<IDisposable> _owned = [];
    private IReadOnlyList<KeyValuePair<string, string>>? _identityHeaders;

    private readonly ILogger _http;
    private readonly ILogger _log;

    public ModelClientFactory(HostEnvironment env)
    {
        _env = env;
        _http = env.Logging.CreateLogger("KimiCode.Http");
        _log = env.Logging.CreateLogger("KimiCode.Credentials");
    }

    public static string Version { get; } = typeof(ModelClientFactory).Assembly
        .GetCustomAttributes(typeof(System.Reflection.AssemblyInformationalVersionAttribute), false)
        .OfType<System.Reflection.AssemblyInformationalVersionAttribute>()
        .Select(a => a.InformationalVersion.Split('+')[0])
        .FirstOrDefault() ?? "0.0.0";

    /// <summary>The identity headers, built once per factory (they read <c>{home}/device_id</c>).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> IdentityHeaders() => _identityHeaders ??= Auth.IdentityHeaders.Create(_env.Home, Version);

    /// <summary>
    /// An OAuth client for <paramref name="oauthHost"/> carrying the identity headers and our User-Agent, bounded by
    /// <c>[network] token_timeout_s</c> and <c>connect_timeout_s</c> of <paramref name="config"/>.
    /// </summary>
    public OAuthClient CreateOAuthClient(KimiConfig config, string oauthHost)
    {
        var network = NetworkSettings.Resolve(config, _env.GetVariable);
        var http = Own(new HttpClient(CreateHandler(TimeSpan.FromSeconds(network.ConnectTimeoutSeconds)), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan });
        http.DefaultRequestHeaders.TryAddWithoutValidation("User-Agent", Auth.IdentityHeaders.UserAgent(Version));
        return new OAuthClient(http, oauthHost, IdentityHeaders(), _env.TimeProvider) { RequestTimeout = TimeSpan.FromSeconds(network.TokenTimeoutSeconds) };
    }

    public OAuthTokenSource CreateOAuthTokenSource(KimiConfig config, string oauthHost, string slot)
        => new(new CredentialStore(_env.Home), slot, Path.Combine(_env.Home.OAuthDir, slot), CreateOAuthClient(config, oauthHost), _env.TimeProvider)
        {
            Logger = _env.Logging.CreateLogger("KimiCode.Refresh"),
        };

    /// <summary>The headers of a call to one of the service's side endpoints (web tools, plan usage): config's env headers, identity, our User-Agent.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> ServiceHeaders(KimiConfig config) =>
    [
        .. config.EnvHeaders,
        .. IdentityHeaders(),
        new("User-Agent", Auth.IdentityHeaders.UserAgent(Version)),
    ];

    /// <summary>An HTTP client for the web services: the host's handler with request logging, no timeout of its own.</summary>
    public HttpClient CreateServiceHttpClient(KimiConfig config)
    {
        var network = NetworkSettings.Resolve(config, _env.GetVariable);
        return Own(new HttpClient(CreateHandler(TimeSpan.FromSeconds(network.ConnectTimeoutSeconds)), disposeHandler: true) { Timeout = Timeout.InfiniteTimeSpan });
    }

    /// <summary>A chat client for <paramref name="credential"/>'s provider and model.</summary>
    public KimiChatClient CreateChatClient(KimiConfig config, ResolvedCredential credential, Action<RetryNotice>? onRetry = null)
    {
        if (!credential.IsUsable || credential.Provider is null)
        {
            throw new KimiCodeException(AuthErrorCodes.LoginRequired, credential.Problem ?? "No usable credential. Run `kimi login`.");
        }

        var provider = credential.Provider;
        var kind = credential.Kind.ToString();
        HostingLog.CredentialChosen(_log, credential.ModelAlias ?? "(default)", provider.Name, kind, provider.BaseUrl ?? "(default)", credential.Slot ?? "-");
        return CreateChatClient(config, provider, credential.Model?.Model ?? ConfigStore.DefaultEnvModel, TokensFor(config, credential), onRetry, credential.Model);
    }

    public KimiChatClient CreateChatClient(KimiConfig config, ProviderConfig provider, string model, IAccessTokenSource tokens, Action<RetryNotice>? onRetry = null, ModelConfig? modelConfig = null)
    {
        var kind = provider.Type switch
        {
            "kimi" or null => ProviderKind.Kimi,
            "openai" => ProviderKind.OpenAI,
            _ => throw new KimiCodeException(ConfigErrorCodes.UnsupportedProvider,
                $"Provider \"{provider.Name}\" has type \"{provider.Type}\", which kimi for .NET does not support yet; use type \"kimi\" or \"openai\"."),
        };
        var baseUrl = BaseUrlOf(provider);
        if (!Uri.TryCreate(baseUrl, UriKind.Absolute, out var baseUri))
        {
            throw new KimiCodeException(ConfigErrorCodes.Invalid, $"Provider \"{provider.Name}\" has base_url \"{baseUrl}\", which is not an absolute URL; fix it in config.toml.");
        }

        var network = NetworkSettings.Resolve(config, _env.GetVariable);
        var agent = AgentSettings.Resolve(config, _env.GetVariable);
        bool kimi = kind == ProviderKind.Kimi;
        var options = new KimiProviderOptions
        {
            Kind = kind,
            BaseUrl = baseUri,
            Model = model,
            Tokens = tokens,
            EnvironmentHeaders = config.EnvHeaders,
            IdentityHeaders = kind == ProviderKind.Kimi ? IdentityHeaders() : [],
            // Other providers get the official [identity] product token; the provider's own custom_headers still win.
            CustomHeaders = !kimi && agent.IdentitySlug is { } slug ? [new("User-Agent", $"{slug}/{Version}"), .. provider.CustomHeaders] : [.. provider.CustomHeaders],
            UserAgent = kimi ? Auth.IdentityHeaders.UserAgent(Version) : null,
            Thinking = config.Thinking.Enabled,
            ThinkingEffort = kimi ? agent.EffortFor(modelConfig) : null,
            ThinkingKeep = kimi ? agent.ThinkingKeep : null,
            Temperature = kimi ? agent.Temperature : null,
            TopP = kimi ? agent.TopP : null,
            MaxCompletionTokens = kimi ? agent.MaxCompletionTokens : null,
            OnRetry = notice =>
            {
                var delay = notice.Delay.TotalSeconds;
                HostingLog.Retrying(_log, notice.Attempt, notice.Code, delay);
                onRetry?.Invoke(notice);
            },
            Retry = new RetryOptions
            {
                MaxAttempts = network.MaxAttemptsPerStep,
                MaxElapsed = TimeSpan.FromSeconds(network.RetryMaxSeconds),
                RetryAfterMax = TimeSpan.FromSeconds(network.RetryAfterMaxSeconds),
            },
            Timeouts = new TimeoutOptions
            {
                Connect = TimeSpan.FromSeconds(network.ConnectTimeoutSeconds),
                Headers = TimeSpan.FromSeconds(network.HeadersTimeoutSeconds),
                StreamIdle = TimeSpan.FromSeconds(network.StreamIdleTimeoutSeconds),
            },
            TimeProvider = _env.TimeProvider,
        };
        return Own(new KimiChatClient(options, Own(CreateHandler(options.Timeouts.Connect))));
    }

    /// <summary>The host's handler with every request logged (status, duration, trace id; never headers or bodies).</summary>
    private HttpLoggingHandler CreateHandler(TimeSpan? connectTimeout = null)
    {
        var inner = _env.CreateHttpHandler();
        if (connectTimeout is { } timeout && inner is SocketsHttpHandler sockets)
        {
            // [network] connect_timeout_s; the chat client reports it as a provider.timeout naming the key.
            sockets.ConnectTimeout = timeout;
        }

        return new HttpLoggingHandler(inner, _http);
    }

    private T Own<T>(T disposable)
        where T : IDisposable
    {
        _owned.Add(disposable);
        return disposable;
    }

    /// <summary>
    /// The base URL <paramref name="provider"/>'s requests go to: its <c>base_url</c>, else (as in the official client) a
    /// <c>*_BASE_URL</c> of its env table (docs/config.md, "Provider env"), else the Kimi Code service.
    /// </summary>
    public static string BaseUrlOf(ProviderConfig provider) =>
        !string.IsNullOrEmpty(provider.BaseUrl) ? provider.BaseUrl
            : provider.Env.FirstOrDefault(e => e.Key.EndsWith("_BASE_URL", StringComparison.Ordinal) && !string.IsNullOrWhiteSpace(e.Value)).Value?.Trim()
            ?? ConfigStore.DefaultCodingBaseUrl;

    /// <summary>The token source of <paramref name="credential"/>: its OAuth login (refreshed under the shared lock) or its API key.</summary>
    public IAccessTokenSource TokensFor(KimiConfig config, ResolvedCredential credential) =>
        credential.Kind == CredentialKind.OAuth
            ? CreateOAuthTokenSource(config, credential.Provider?.OAuth?.OAuthHost ?? KimiCodeEndpoints.DefaultOAuthHost, credential.Slot!)
            : new StaticTokenSource(credential.ApiKey!);

    public void Dispose()
    {
        for (var i = _owned.Count - 1; i >= 0; i--)
        {
            _owned[i].Dispose();
        }

        _owned.Clear();
    }
}
