using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary>
/// The typed view of <c>config.toml</c>. Only the keys the client understands are mapped; the whole tree stays
/// in <see cref="Document"/>, and all writes go through <see cref="TomlEditor"/>, so unknown keys survive.
/// </summary>
public sealed class KimiConfig
{
    /// <summary>Provider types the client can talk to.</summary>
    public static readonly IReadOnlyList<string> KnownProviderTypes = ["kimi", "openai", "openai_responses", "anthropic", "google-genai", "vertexai"];

    /// <summary>The file the config came from (null when none).</summary>
    public string? SourcePath { get; init; }

    /// <summary><c>default_model</c>: a key of <see cref="Models"/>.</summary>
    public string? DefaultModel { get; init; }

    /// <summary>1-based line of <c>default_model</c> (0 when absent or not from the file).</summary>
    public int DefaultModelLine { get; init; }

    public IReadOnlyDictionary<string, ProviderConfig> Providers { get; init; } = new OrderedDictionary<string, ProviderConfig>(StringComparer.Ordinal);

    public IReadOnlyDictionary<string, ModelConfig> Models { get; init; } = new OrderedDictionary<string, ModelConfig>(StringComparer.Ordinal);

    public ThinkingConfig Thinking { get; init; } = new();

    public PermissionsConfig Permissions { get; init; } = new();

    public LoopControlConfig LoopControl { get; init; } = new();

    /// <summary><c>[network]</c> as written; <see cref="NetworkSettings.Resolve"/> adds defaults and environment overrides.</summary>
    public NetworkConfig Network { get; init; } = new();

    public ToolsConfig Tools { get; init; } = new();

    /// <summary><c>[identity]</c> as written; <see cref="AgentSettings.Resolve"/> applies <c>KIMI_CODE_IDENTITY_*</c>.</summary>
    public IdentityConfig Identity { get; init; } = new();

    /// <summary><c>[image]</c> as written.</summary>
    public ImageConfig Image { get; init; } = new();

    /// <summary><c>[services]</c>: the web search and fetch services (<see cref="ConfigStore.LoadEffective"/> applies <c>KIMI_WEB_*</c>).</summary>
    public ServicesConfig Services { get; init; } = new();

    /// <summary><c>[[hooks]]</c>: the usable entries, and a warning for each one skipped.</summary>
    public HooksConfig Hooks { get; init; } = new();

    /// <summary><c>extra_skill_dirs</c>: more skill folders as written (<c>~/</c> is the user's home; relative paths are from the project root).</summary>
    public IReadOnlyList<string> ExtraSkillDirs { get; init; } = [];

    /// <summary><c>extra_agent_dirs</c>: more agent-file folders, written like <see cref="ExtraSkillDirs"/>.</summary>
    public IReadOnlyList<string> ExtraAgentDirs { get; init; } = [];

    /// <summary>Headers from <c>KIMI_CODE_CUSTOM_HEADERS</c> (lowest precedence), in order; empty from <see cref="ConfigStore.Load"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> EnvHeaders { get; init; } = [];

    /// <summary>The parsed file, including keys this type does not map.</summary>
    public TomlTable Document { get; init; } = new();

    /// <summary>Maps a parsed document; values of the wrong TOML type are treated as absent.</summary>
    public static KimiConfig FromToml(TomlTable document, string? sourcePath = null)
        => FromToml(document, sourcePath, static _ => 0);

    internal static KimiConfig FromToml(TomlTable document, string? sourcePath, Func<string[], int> lineOfKey)
    {
        ArgumentNullException.ThrowIfNull(document);
        var providers = new OrderedDictionary<string, ProviderConfig>(StringComparer.Ordinal);
        if (document.TryGet<TomlTable>("providers", out var providerTables))
        {
            foreach (var (name, raw) in providerTables)
            {
                if (raw is TomlTable table)
                {
                    providers[name] = ReadProvider(name, table);
                }
            }
        }

        var models = new OrderedDictionary<string, ModelConfig>(StringComparer.Ordinal);
        if (document.TryGet<TomlTable>("models", out var modelTables))
        {
            foreach (var (alias, raw) in modelTables)
            {
                if (raw is TomlTable table)
                {
                    models[alias] = new ModelConfig
                    {
                        Alias = alias,
                        Provider = GetString(table, "provider"),
                        Model = GetString(table, "model"),
                        MaxContextSize = table.TryGet<long>("max_context_size", out var max) ? max : null,
                        Capabilities = GetStrings(table, "capabilities"),
                        DisplayName = GetString(table, "display_name"),
                        SupportEfforts = Overridden(table, "support_efforts", GetStrings),
                        DefaultEffort = Overridden(table, "default_effort", GetString),
                        Line = table.Line,
                    };
                }
            }
        }

        var thinking = ThinkingConfig.Read(document);

        var permissions = PermissionsConfigReader.Read(document, sourcePath, lineOfKey);

        var loopControl = new LoopControlConfig();
        if (document.TryGet<TomlTable>("loop_control", out var loopTable))
        {
            var values = new Dictionary<string, long>(StringComparer.Ordinal);
            foreach (var (key, raw) in loopTable)
            {
                if (raw is long number)
                {
                    values[key] = number;
                }
            }

            long? attempts = values.TryGetValue(NetworkSettings.MaxAttemptsKey, out var attemptValue) ? attemptValue : null;
            var loopProblems = new List<(int, string)>();
            if (loopTable.ContainsKey(NetworkSettings.MaxAttemptsKey) && attempts is not (>= 1 and <= NetworkSettings.MaxAttemptsLimit))
            {
                attempts = null;
                loopProblems.Add((lineOfKey(["loop_control", NetworkSettings.MaxAttemptsKey]),
                    $"[loop_control] {NetworkSettings.MaxAttemptsKey} must be a whole number from 1 to {NetworkSettings.MaxAttemptsLimit} (attempts per model call, the first included), e.g. {NetworkSettings.MaxAttemptsKey} = 10; fix it"));
            }

            foreach (var key in (ReadOnlySpan<string>)["max_steps_per_turn", "reserved_context_size"])
            {
                if (loopTable.ContainsKey(key) && !(values.TryGetValue(key, out var number) && number >= 0))
                {
                    loopProblems.Add((lineOfKey(["loop_control", key]), $"[loop_control] {key} must be a whole number of 0 or more, e.g. {key} = 50000; fix it"));
                }
            }

            loopControl = new LoopControlConfig
            {
                MaxStepsPerTurn = values.TryGetValue("max_steps_per_turn", out var steps) && steps >= 0 ? steps : null,
                ReservedContextSize = values.TryGetValue("reserved_context_size", out var reserved) && reserved >= 0 ? reserved : null,
                MaxRetriesPerStep = values.TryGetValue("max_retries_per_step", out var retries) ? retries : null,
                MaxAttemptsPerStep = attempts,
                Values = values,
                Problems = loopProblems,
            };
        }

        return new KimiConfig
        {
            Tools = ReadTools(document, lineOfKey),
            SourcePath = sourcePath,
            DefaultModel = GetString(document, "default_model"),
            DefaultModelLine = lineOfKey(["default_model"]),
            Providers = providers,
            Models = models,
            Thinking = thinking,
            Permissions = permissions,
            LoopControl = loopControl,
            Network = NetworkConfig.Read(document, lineOfKey),
            Identity = IdentityConfig.Read(document),
            Image = ImageConfig.Read(document),
            Services = ServicesConfig.Read(document, lineOfKey),
            Hooks = HooksConfig.Read(document, sourcePath),
            ExtraSkillDirs = GetStrings(document, "extra_skill_dirs"),
            ExtraAgentDirs = GetStrings(document, "extra_agent_dirs"),
            Document = document,
        };
    }

    /// <summary>
    /// Problems a user must fix, one line each, starting with <c>file:line:</c>: the default model must exist, each
    /// model's provider must exist, provider types must be known, and base URLs must be absolute http(s) URLs.
    /// </summary>
    public IReadOnlyList<string> Validate()
    {
        var problems = new List<string>();
        if (!string.IsNullOrEmpty(DefaultModel) && !Models.ContainsKey(DefaultModel))
        {
            problems.Add($"{Where(DefaultModelLine, false)}: default_model \"{DefaultModel}\" names no [models.\"{DefaultModel}\"] table; add it or change default_model");
        }

        foreach (var model in Models.Values)
        {
            var where = Where(model.Line, model.Line == 0 && model.Provider is not null && Providers.TryGetValue(model.Provider, out var owner) && owner.IsInMemory);
            if (string.IsNullOrEmpty(model.Provider))
            {
                problems.Add($"{where}: model \"{model.Alias}\" has no provider; set provider = \"<name of a [providers] table>\"");
            }
            else if (!Providers.ContainsKey(model.Provider))
            {
                problems.Add($"{where}: model \"{model.Alias}\" uses provider \"{model.Provider}\" but there is no [providers.\"{model.Provider}\"] table; add it or fix the model's provider");
            }

            if (string.IsNullOrEmpty(model.Model))
            {
                problems.Add($"{where}: model \"{model.Alias}\" has no model id; set model = \"<id the provider knows>\"");
            }
        }

        foreach (var provider in Providers.Values)
        {
            var where = Where(provider.Line, provider.IsInMemory);
            if (provider.Type is null || !KnownProviderTypes.Contains(provider.Type))
            {
                problems.Add(provider.Type is null
                    ? $"{where}: provider \"{provider.Name}\" has no type; set type to one of {string.Join(", ", KnownProviderTypes)}"
                    : $"{where}: provider \"{provider.Name}\" has type \"{provider.Type}\"; set type to one of {string.Join(", ", KnownProviderTypes)}");
            }

            if (!string.IsNullOrEmpty(provider.BaseUrl) && !IsHttpUrl(provider.BaseUrl))
            {
                problems.Add($"{where}: provider \"{provider.Name}\" has base_url \"{provider.BaseUrl}\", which is not an absolute http(s) URL; fix base_url");
            }
        }

        foreach (var problem in Tools.Problems)
        {
            problems.Add($"{Where(Tools.PassEnvLine, false)}: {problem}");
        }

        foreach (var (line, problem) in Network.Problems.Concat(LoopControl.Problems).Concat(Permissions.Problems).Concat(Services.Problems))
        {
            problems.Add(Located(line, problem));
        }

        problems.AddRange(Services.EnvironmentProblems);

        return problems;
    }

    internal KimiConfig With(
        IReadOnlyDictionary<string, ProviderConfig> providers,
        IReadOnlyDictionary<string, ModelConfig> models,
        string? defaultModel,
        IReadOnlyList<KeyValuePair<string, string>> envHeaders,
        ServicesConfig? services = null)
        => new()
        {
            SourcePath = SourcePath,
            DefaultModel = defaultModel,
            DefaultModelLine = defaultModel == DefaultModel ? DefaultModelLine : 0,
            Providers = providers,
            Models = models,
            Thinking = Thinking,
            Permissions = Permissions,
            LoopControl = LoopControl,
            Network = Network,
            Tools = Tools,
            Identity = Identity,
            Image = Image,
            Services = services ?? Services,
            Hooks = Hooks,
            ExtraSkillDirs = ExtraSkillDirs,
            ExtraAgentDirs = ExtraAgentDirs,
            EnvHeaders = envHeaders,
            Document = Document,
        };

    /// <summary><paramref name="problem"/> prefixed with <c>file:line</c>, the way <see cref="Validate"/> reports it.</summary>
    internal string Located(int line, string problem) => $"{Where(line, false)}: {problem}";

    private string Where(int line, bool fromEnvironment)
        => fromEnvironment ? "environment" : line > 0 ? $"{SourcePath ?? "config.toml"}:{line}" : SourcePath ?? "config.toml";

    private static bool IsHttpUrl(string value)
        => Uri.TryCreate(value, UriKind.Absolute, out var uri)
           && (uri.Scheme == Uri.UriSchemeHttp || uri.Scheme == Uri.UriSchemeHttps)
           && !string.IsNullOrEmpty(uri.Host);

    private static ProviderConfig ReadProvider(string name, TomlTable table)
    {
        OAuthConfig? oauth = null;
        if (table.TryGet<TomlTable>("oauth", out var oauthTable))
        {
            oauth = new OAuthConfig
            {
                Storage = GetString(oauthTable, "storage"),
                Key = GetString(oauthTable, "key"),
                OAuthHost = GetString(oauthTable, "oauth_host"),
            };
        }

        return new ProviderConfig
        {
            Name = name,
            Type = GetString(table, "type"),
            BaseUrl = GetString(table, "base_url"),
            ApiKey = GetString(table, "api_key"),
            OAuth = oauth,
            CustomHeaders = GetStringTable(table, "custom_headers", new OrderedDictionary<string, string>(StringComparer.Ordinal)),
            Env = GetStringTable(table, "env", new Dictionary<string, string>(StringComparer.Ordinal)),
            Line = table.Line,
        };
    }

    private static ToolsConfig ReadTools(TomlTable document, Func<string[], int> lineOfKey)
    {
        if (!document.TryGet<TomlTable>("tools", out var tools))
        {
            return new ToolsConfig();
        }

        var problems = new List<string>();
        var enabled = ReadToolNames(tools, "enabled", problems);
        var disabled = ReadToolNames(tools, "disabled", problems);
        if (!tools.TryGet<object>("pass_env", out var raw))
        {
            return new ToolsConfig { Enabled = enabled, Disabled = disabled, Problems = problems };
        }

        var line = lineOfKey(["tools", "pass_env"]);
        if (raw is not TomlArray array)
        {
            problems.Add("[tools] pass_env must be a list of variable names, e.g. pass_env = [\"GITHUB_TOKEN\"]; fix it");
            return new ToolsConfig { Enabled = enabled, Disabled = disabled, PassEnvLine = line, Problems = problems };
        }

        var names = new List<string>();
        foreach (var item in array)
        {
            if (item is string name && IsVariableName(name))
            {
                names.Add(name);
            }
            else
            {
                problems.Add($"[tools] pass_env has {(item is string text ? $"\"{text}\"" : "a value that is not a string")}, which is not an environment variable name (letters, digits and _, not starting with a digit); fix it");
            }
        }

        return new ToolsConfig { Enabled = enabled, Disabled = disabled, PassEnv = names, PassEnvLine = line, Problems = problems };
    }

    /// <summary><c>[tools] enabled</c> / <c>disabled</c>: a list of tool names; anything else is a problem to fix.</summary>
    private static List<string> ReadToolNames(TomlTable tools, string key, List<string> problems)
    {
        if (!tools.TryGet<object>(key, out var raw))
        {
            return [];
        }

        if (raw is TomlArray array && array.All(static item => item is string))
        {
            return [.. array.OfType<string>()];
        }

        problems.Add($"[tools] {key} must be a list of tool names, e.g. {key} = [\"Bash\", \"mcp__github__*\"]; fix it");
        return [];
    }

    /// <summary>A model key, taken from <c>[models."alias".overrides]</c> when set there (the official client's pinned value).</summary>
    private static T Overridden<T>(TomlTable model, string key, Func<TomlTable, string, T> read)
        => model.TryGet<TomlTable>("overrides", out var overrides) && overrides.ContainsKey(key) ? read(overrides, key) : read(model, key);

    private static bool IsVariableName(string name)
        => name.Length > 0 && !char.IsAsciiDigit(name[0]) && name.All(static c => char.IsAsciiLetterOrDigit(c) || c == '_');

    private static string? GetString(TomlTable table, string key) => table.TryGet<string>(key, out var value) ? value : null;

    private static List<string> GetStrings(TomlTable table, string key)
        => table.TryGet<TomlArray>(key, out var array) ? [.. array.OfType<string>()] : [];

    private static T GetStringTable<T>(TomlTable table, string key, T into)
        where T : IDictionary<string, string>
    {
        if (table.TryGet<TomlTable>(key, out var sub))
        {
            foreach (var (k, v) in sub)
            {
                if (v is string s)
                {
                    into[k] = s;
                }
            }
        }

        return into;
    }
}
