using KimiCode.Agent.Tools;
using KimiCode.Agent.Tools.Web;
using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Protocol;
using KimiCode.Provider;

namespace KimiCode.Hosting;

/// <summary>
/// The web tools of a session, from <c>[services]</c>: <c>WebSearch</c> only when the search service is configured;
/// <c>FetchURL</c> always (through the fetch service when configured, else directly). The services get the identity
/// headers of model calls and their own credential: an API key, or the OAuth login named by <c>oauth.key</c>, through a
/// token source like the chat client's (refresh under the shared lock).
/// </summary>
internal static class WebTools
{
    /// <summary>How long one call to a web service may take.</summary>
    private static readonly TimeSpan ServiceTimeout = TimeSpan.FromSeconds(40);

    public static IReadOnlyList<IAgentTool> Create(KimiConfig config, ModelClientFactory clients, Func<string, string?> environment)
    {
        var http = config.Services.Search is null && config.Services.Fetch is null ? null : clients.CreateServiceHttpClient(config);
        var tools = new List<IAgentTool>();
        if (config.Services.Search is { } search)
        {
            tools.Add(new WebSearchTool(Service("The search service", search, http!, config, clients, environment)));
        }

        var fetch = config.Services.Fetch is { } fetchConfig ? Service("The fetch service", fetchConfig, http!, config, clients, environment) : null;
        tools.Add(new FetchUrlTool(fetch));
        return tools;
    }

    private static WebService Service(string label, WebServiceConfig service, HttpClient http, KimiConfig config, ModelClientFactory clients, Func<string, string?> environment)
    {
        IAccessTokenSource? tokens = null;
        if (!string.IsNullOrEmpty(service.ApiKey))
        {
            tokens = new StaticTokenSource(service.ApiKey);
        }
        else if (service.OAuth is { } oauth && CredentialResolver.SlotOf(oauth.Key) is { } slot)
        {
            // The login's host: the environment's override, the service's own, the provider sharing this login's, the default.
            var host = EndpointOverrides.Read(environment).OAuthHost
                ?? oauth.OAuthHost
                ?? config.Providers.Values.FirstOrDefault(p => p.OAuth?.Key == oauth.Key)?.OAuth?.OAuthHost
                ?? KimiCodeEndpoints.DefaultOAuthHost;
            tokens = clients.CreateOAuthTokenSource(config, host, slot);
        }

        return new WebService(label, http, new Uri(service.BaseUrl), tokens, clients.ServiceHeaders(config), service.CustomHeaders, ServiceTimeout);
    }
}
