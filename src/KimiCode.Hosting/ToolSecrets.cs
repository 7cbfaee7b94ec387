using KimiCode.Agent.Secrets;
using KimiCode.Auth;
using KimiCode.Config;

namespace KimiCode.Hosting;

/// <summary>
/// What tools must never see, computed from the config and the credentials in use: the environment their processes
/// get (<see cref="ChildEnvironment"/>: the fixed names, every name a provider's <c>env</c> table sets, minus
/// <c>[tools] pass_env</c>) and the live secret values their output is scrubbed of (<see cref="SecretRedactor"/>:
/// API keys, the values of those variables, custom header values, and the current OAuth tokens, re-read from the
/// credential files whenever they change, so rotated tokens are caught too).
/// </summary>
public sealed class ToolSecrets
{
    // Read by name (the host's environment cannot be listed); KIMI_CODE_* names not here are still removed, just not redacted by value.
    private static readonly string[] KnownVariables = ["KIMI_API_KEY", "KIMI_BASE_URL", "KIMI_CODE_BASE_URL", "KIMI_CODE_OAUTH_HOST", "KIMI_OAUTH_HOST", "KIMI_CODE_CUSTOM_HEADERS"];

    private readonly CredentialStore _store;
    private readonly string[] _slots;
    private readonly string[] _fixed;
    private readonly Lock _gate = new();
    private readonly Dictionary<string, (DateTime Written, string[] Tokens)> _tokens = new(StringComparer.Ordinal);

    public ToolSecrets(KimiHome home, KimiConfig config, Func<string, string?> environment)
    {
        ArgumentNullException.ThrowIfNull(home);
        ArgumentNullException.ThrowIfNull(config);
        ArgumentNullException.ThrowIfNull(environment);
        _store = new CredentialStore(home);
        var names = new SortedSet<string>(StringComparer.Ordinal);
        var values = new List<string?>();
        foreach (var provider in config.Providers.Values)
        {
            values.Add(provider.ApiKey);
            values.AddRange(provider.CustomHeaders.Values);
            foreach (var (name, value) in provider.Env)
            {
                names.Add(name);
                values.Add(value);
            }
        }

        WebServiceConfig[] services = [.. new[] { config.Services.Search, config.Services.Fetch }.OfType<WebServiceConfig>()];
        foreach (var service in services)
        {
            values.Add(service.ApiKey);
            values.AddRange(service.CustomHeaders.Select(h => h.Value));
        }

        values.AddRange(config.EnvHeaders.Select(h => h.Value));
        foreach (var name in KnownVariables.Concat(ChildEnvironment.AlwaysRemoved).Concat(names))
        {
            values.Add(environment(name));
        }

        Environment = new ChildEnvironment(names, config.Tools.PassEnv);
        _fixed = [.. values.Where(v => !string.IsNullOrWhiteSpace(v)).Select(v => v!).Distinct(StringComparer.Ordinal)];
        _slots = [.. config.Providers.Values.Select(p => p.OAuth).Concat(services.Select(s => s.OAuth))
            .Select(oauth => CredentialResolver.SlotOf(oauth?.Key))
            .Where(s => s is not null)
            .Select(s => s!)
            .Distinct(StringComparer.Ordinal)];
        Redactor = new SecretRedactor(Current);
    }

    /// <summary>The environment of every tool process.</summary>
    public ChildEnvironment Environment { get; }

    /// <summary>Scrubs live secrets from tool output.</summary>
    public SecretRedactor Redactor { get; }

    /// <summary>The secrets right now: the fixed values plus the OAuth tokens in the credential files.</summary>
    public IEnumerable<string?> Current()
    {
        var current = new List<string?>(_fixed);
        foreach (var slot in _slots)
        {
            current.AddRange(TokensOf(slot));
        }

        return current;
    }

    private string[] TokensOf(string slot)
    {
        string path;
        DateTime written;
        try
        {
            path = _store.PathFor(slot);
            written = File.GetLastWriteTimeUtc(path);
        }
        catch (Exception ex) when (ex is ArgumentException or IOException or UnauthorizedAccessException)
        {
            return [];
        }

        lock (_gate)
        {
            if (_tokens.TryGetValue(slot, out var cached) && cached.Written == written)
            {
                return cached.Tokens;
            }
        }

        string[] tokens;
        try
        {
            tokens = _store.Read(slot) is { } credential ? [credential.AccessToken, credential.RefreshToken] : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            tokens = [];
        }

        lock (_gate)
        {
            _tokens[slot] = (written, tokens);
        }

        return tokens;
    }
}
