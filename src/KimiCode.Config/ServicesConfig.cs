using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>
/// One built-in web service, <c>[services.moonshot_search]</c> or <c>[services.moonshot_fetch]</c>, after the official
/// environment overrides. <see cref="ToString"/> never shows the API key or header values.
/// </summary>
public sealed record WebServiceConfig
{
    /// <summary><c>moonshot_search</c> or <c>moonshot_fetch</c>.</summary>
    public required string Name { get; init; }

    /// <summary>The endpoint (absolute http(s) URL) the tool POSTs to.</summary>
    public required string BaseUrl { get; init; }

    /// <summary>The API key (from the file or the environment); null when the credential is OAuth or none. A secret.</summary>
    public string? ApiKey { get; init; }

    /// <summary><c>oauth</c>: the stored login whose access token is the bearer (null when none, or replaced by an env key).</summary>
    public OAuthConfig? OAuth { get; init; }

    /// <summary><c>custom_headers</c>, in file order (none for an endpoint chosen by environment variable).</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CustomHeaders { get; init; } = [];

    /// <summary>Where the endpoint came from: <c>config.toml:LINE</c> or the variable's name.</summary>
    public string Source { get; init; } = "config.toml";

    public override string ToString()
        => $"service {Name} ({BaseUrl}, api_key {(string.IsNullOrEmpty(ApiKey) ? "not set" : "set")}, oauth {(OAuth is null ? "no" : "yes")}, from {Source})";
}

/// <summary>
/// <c>[services]</c>: the web search and fetch services (the official client's two fixed keys; other keys are ignored).
/// <list type="bullet">
/// <item><c>KIMI_WEB_SEARCH_BASE_URL</c> / <c>KIMI_WEB_FETCH_BASE_URL</c> replace the endpoint and enable the service
/// without a table; an endpoint chosen this way gets neither the file's credential nor its custom headers (as in the
/// official client: a separate endpoint must not receive them).</item>
/// <item><c>KIMI_WEB_SEARCH_API_KEY</c> / <c>KIMI_WEB_FETCH_API_KEY</c> replace both the file's <c>api_key</c> and its
/// <c>oauth</c>.</item>
/// <item>Blank variables are ignored. A service without an endpoint is absent (its tool is not offered, or FetchURL
/// fetches pages directly).</item>
/// </list>
/// </summary>
public sealed record ServicesConfig
{
    public const string SearchName = "moonshot_search";
    public const string FetchName = "moonshot_fetch";

    /// <summary>The search service, or null when none is configured.</summary>
    public WebServiceConfig? Search { get; init; }

    /// <summary>The fetch service, or null when none is configured.</summary>
    public WebServiceConfig? Fetch { get; init; }

    /// <summary>What is wrong with the tables or variables as written (line 0 for a variable: the message names it).</summary>
    public IReadOnlyList<(int Line, string Problem)> Problems { get; init; } = [];

    /// <summary>The services as written in <paramref name="document"/> (no environment overrides: see <see cref="Resolve"/>).</summary>
    public static ServicesConfig Read(TomlTable document, Func<string[], int> lineOfKey)
    {
        ArgumentNullException.ThrowIfNull(document);
        ArgumentNullException.ThrowIfNull(lineOfKey);
        var problems = new List<(int, string)>();
        var tables = document.TryGet<TomlTable>("services", out var services) ? services : null;
        return new ServicesConfig
        {
            Search = ReadOne(tables, SearchName, lineOfKey, problems),
            Fetch = ReadOne(tables, FetchName, lineOfKey, problems),
            Problems = problems,
        };
    }

    /// <summary>These services with the official environment overrides applied (see the class comment).</summary>
    public ServicesConfig Resolve(Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(environment);
        var problems = new List<string>();
        return this with
        {
            Search = Override(Search, SearchName, "KIMI_WEB_SEARCH", environment, problems),
            Fetch = Override(Fetch, FetchName, "KIMI_WEB_FETCH", environment, problems),
            EnvironmentProblems = problems,
        };
    }

    /// <summary>What is wrong with the environment variables (each message names its variable).</summary>
    public IReadOnlyList<string> EnvironmentProblems { get; init; } = [];

    private static WebServiceConfig? Override(WebServiceConfig? file, string name, string prefix, Func<string, string?> environment, List<string> problems)
    {
        var urlName = prefix + "_BASE_URL";
        var envUrl = NonBlank(environment(urlName));
        var envKey = NonBlank(environment(prefix + "_API_KEY"));
        if (envUrl is not null)
        {
            if (!IsHttpUrl(envUrl))
            {
                problems.Add($"environment: {urlName}=\"{envUrl}\" is not an absolute http(s) URL; fix or unset it");
                return null;
            }

            // A separate endpoint: the file's credential and headers are not sent to it.
            return new WebServiceConfig { Name = name, BaseUrl = envUrl, ApiKey = envKey, Source = urlName };
        }

        return file is not null && envKey is not null ? file with { ApiKey = envKey, OAuth = null } : file;
    }

    private static WebServiceConfig? ReadOne(TomlTable? services, string name, Func<string[], int> lineOfKey, List<(int, string)> problems)
    {
        if (services is null || !services.TryGet<object>(name, out var raw))
        {
            return null;
        }

        if (raw is not TomlTable table)
        {
            problems.Add((lineOfKey(["services", name]), $"[services] {name} must be a table with base_url (and api_key or oauth), e.g. [services.{name}] base_url = \"https://…\"; fix it"));
            return null;
        }

        var url = NonBlank(String(table, [name], "base_url", lineOfKey, problems));
        var key = NonBlank(String(table, [name], "api_key", lineOfKey, problems));
        OAuthConfig? oauth = null;
        if (table.TryGet<object>("oauth", out var rawOAuth))
        {
            if (rawOAuth is TomlTable oauthTable)
            {
                oauth = new OAuthConfig
                {
                    Storage = String(oauthTable, [name, "oauth"], "storage", lineOfKey, problems),
                    Key = String(oauthTable, [name, "oauth"], "key", lineOfKey, problems),
                    OAuthHost = String(oauthTable, [name, "oauth"], "oauth_host", lineOfKey, problems),
                };
            }
            else
            {
                problems.Add((lineOfKey(["services", name, "oauth"]), $"[services.{name}] oauth must be a table with storage and key, as `kimi login` writes it; fix it or run `kimi login` again"));
            }
        }

        var headers = new List<KeyValuePair<string, string>>();
        if (table.TryGet<object>("custom_headers", out var rawHeaders))
        {
            if (rawHeaders is TomlTable headerTable && headerTable.All(static h => h.Value is string))
            {
                headers.AddRange(headerTable.Select(static h => new KeyValuePair<string, string>(h.Key, (string)h.Value)));
            }
            else
            {
                problems.Add((lineOfKey(["services", name, "custom_headers"]), $"[services.{name}] custom_headers must be a table of header names to text values, e.g. custom_headers = {{ \"X-Team\" = \"tools\" }}; fix it"));
            }
        }

        if (url is null)
        {
            return null;
        }

        if (!IsHttpUrl(url))
        {
            problems.Add((lineOfKey(["services", name, "base_url"]), $"[services.{name}] base_url \"{url}\" is not an absolute http(s) URL; fix it, or remove the table to turn the service off"));
            return null;
        }

        return new WebServiceConfig { Name = name, BaseUrl = url, ApiKey = key, OAuth = oauth, CustomHeaders = headers, Source = "config.toml" };
    }

    private static string? String(TomlTable table, string[] where, string key, Func<string[], int> lineOfKey, List<(int, string)> problems)
    {
        if (!table.TryGet<object>(key, out var raw))
        {
            return null;
        }

        if (raw is string text)
        {
            return text;
        }

        problems.Add((lineOfKey(["services", .. where, key]), $"[services.{string.Join('.', where)}] {key} must be a string in quotes; fix it"));
        return null;
    }

    private static string? NonBlank(string? value) => string.IsNullOrWhiteSpace(value) ? null : value.Trim();

    private static bool IsHttpUrl(string value)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri)
           && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
           && !string.IsNullOrEmpty(uri.Host);
}
