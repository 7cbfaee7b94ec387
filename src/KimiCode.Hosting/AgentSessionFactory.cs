using KimiCode.Agent;
using KimiCode.Agent.Hooks;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Plans;
using KimiCode.Agent.Prompts;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Skills;
using KimiCode.Agent.Subagents;
using KimiCode.Agent.Tools;
using KimiCode.Auth;
using KimiCode.Config;
using KimiCode.Hosting.Logging;
using KimiCode.Mcp;
using Microsoft.Extensions.Logging;
using KimiCode.Protocol;

namespace KimiCode.Hosting;

/// <summary>What a front end wants from a new or resumed agent session.</summary>
public sealed record AgentLaunch
{
    /// <summary>Absolute working directory.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Further absolute directories in the workspace.</summary>
    public IReadOnlyList<string> AdditionalDirectories { get; init; } = [];

    /// <summary>Model alias from config.toml; null = <c>default_model</c>.</summary>
    public string? ModelAlias { get; init; }

    /// <summary>Approval mode; null = the config's (<see cref="PermissionPolicy.ConfiguredMode"/>).</summary>
    public PermissionMode? Mode { get; init; }

    /// <summary>Who answers permission requests (print mode: always reject).</summary>
    public required IPermissionPrompter Prompter { get; init; }

    /// <summary>File access; null = the local disk.</summary>
    public IWorkspaceFileSystem? Files { get; init; }

    /// <summary>Shell; null = local processes.</summary>
    public ICommandRunner? Commands { get; init; }

    /// <summary>Resume this session instead of starting a new one.</summary>
    public string? ResumeSessionId { get; init; }

    /// <summary>Step limit per turn; null = <c>[loop_control] max_steps_per_turn</c> or 100.</summary>
    public int? MaxStepsPerTurn { get; init; }

    /// <summary>Thinking on/off; null = <c>[thinking] enabled</c>.</summary>
    public bool? Thinking { get; init; }

    /// <summary>MCP servers an editor passed (ACP <c>mcpServers</c>); they win by name over the mcp.json files.</summary>
    public IReadOnlyList<McpServerConfig> EditorMcpServers { get; init; } = [];

    /// <summary>Start the project's stdio MCP servers without asking (<c>--trust-project-mcp</c>).</summary>
    public bool TrustProjectMcp { get; init; }

    /// <summary>Asks whether a project stdio MCP server may start (the shell); null = never ask (untrusted servers stay off).</summary>
    public Func<McpServerConfig, CancellationToken, Task<bool>>? ConfirmProjectMcp { get; init; }

    /// <summary>
    /// Where this session's MCP notices go (a server failed, was not started, is late; a malformed entry), when they
    /// happen, on a background thread; null: the host's <see cref="HostEnvironment.Notice"/>.
    /// </summary>
    public Action<string>? McpNotice { get; init; }

    /// <summary>
    /// Opens an HTTP MCP server's OAuth login page (<c>kimi mcp login</c>); null: a server that needs a login fails with
    /// "run `kimi mcp login &lt;name&gt;`" (sessions never start a browser login mid-turn).
    /// </summary>
    public Func<Uri, Task>? McpOpenBrowser { get; init; }
}

/// <summary>The most one prompt may take with <paramref name="Model"/>: <paramref name="PromptTokens"/> of its <paramref name="ContextWindowTokens"/>.</summary>
public sealed record PromptLimit(string Model, long ContextWindowTokens, long PromptTokens);

/// <summary>
/// Builds ready agent sessions from config.toml and the stored credentials, the same way for every front end
/// (print mode, the shell, ACP), so identity headers, custom headers, permissions and limits never differ.
/// </summary>
public sealed class AgentSessionFactory : IDisposable, IAsyncDisposable
{
    private const int DefaultContextWindow = 262_144;
    private readonly HostEnvironment _env;
    private readonly ModelClientFactory _clients;
    private HttpClient? _usageHttp;
    private readonly CredentialResolver _resolver;
    private readonly ILogger _log;
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, McpServerSet> _mcp = new(StringComparer.Ordinal);
    private KimiConfig? _config;
    private bool _noticeGiven;
    private readonly HashSet<string> _warningsGiven = new(StringComparer.Ordinal);

    public AgentSessionFactory(HostEnvironment env)
    {
        _env = env ?? throw new ArgumentNullException(nameof(env));
        env.OpenHome();
        _clients = new ModelClientFactory(env);
        _resolver = new CredentialResolver(env.Home);
        _log = env.Logging.CreateLogger("KimiCode.Config");
        Store = new SessionStore(env.Home);
    }

    /// <summary>The effective config (file + environment), loaded once; a malformed or invalid file throws a one-line error.</summary>
    public KimiConfig Config => _config ??= LoadConfig();

    /// <summary>Where sessions live.</summary>
    public SessionStore Store { get; }

    /// <summary>Re-reads config.toml (after a login, or a model change made elsewhere).</summary>
    public void Reload() => _config = null;

    /// <summary>The one credential resolver: is there a usable credential for this model (default: default_model), and which.</summary>
    public ResolvedCredential Resolve(string? modelAlias = null) => _resolver.Resolve(Config, modelAlias);

    /// <summary>The plan's usage for <paramref name="modelAlias"/>'s provider (<see cref="PlanUsage"/>); a problem is a line in the report.</summary>
    public Task<PlanUsageReport> FetchPlanUsageAsync(string? modelAlias, CancellationToken cancellationToken)
    {
        var credential = Resolve(modelAlias);
        if (!credential.IsUsable || credential.Provider is null)
        {
            return Task.FromResult(new PlanUsageReport([], credential.Problem ?? "no usable credential; run `kimi login`"));
        }

        _usageHttp ??= _clients.CreateServiceHttpClient(Config);
        return PlanUsage.FetchAsync(_usageHttp, _clients.TokensFor(Config, credential), credential.Provider, _clients.ServiceHeaders(Config), cancellationToken);
    }

    /// <summary>The instruction files and <c>SYSTEM.md</c> a session in <paramref name="workingDirectory"/> reads (for <c>/status</c> and <c>kimi doctor</c>).</summary>
    public Instructions LoadInstructions(string workingDirectory) => Instructions.Load(workingDirectory, _env.Home.Root, UserHome());

    private string UserHome() => _env.GetVariable("HOME") is { Length: > 0 } home ? home : Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);

    /// <summary>Creates (or resumes) a session.</summary>
    public async Task<AgentSession> CreateAsync(AgentLaunch launch, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(launch);
        var config = Config;
        var credential = Resolve(launch.ModelAlias);
        if (!credential.IsUsable)
        {
            HostingLog.CredentialUnusable(_log, launch.ModelAlias ?? config.DefaultModel ?? "(default)", credential.Problem ?? "no credential");
            throw new KimiCodeException(AuthErrorCodes.LoginRequired, credential.Problem ?? "No usable credential. Run `kimi login`.");
        }

        if (!Directory.Exists(launch.WorkingDirectory))
        {
            throw new KimiCodeException(CliErrorCodes.Usage, $"The working directory {launch.WorkingDirectory} does not exist; pass an existing folder with -w.");
        }

        if (launch.ResumeSessionId is { } id && !Store.Exists(id))
        {
            throw new KimiCodeException(SessionErrorCodes.NotFound, $"No session {id} in {Store.Home.SessionsDir}; `kimi sessions list` shows this folder's sessions (--all: every folder's), `kimi --continue` picks the latest, or start a new one.");
        }

        var workingDirectory = Path.GetFullPath(launch.WorkingDirectory);
        var additional = launch.AdditionalDirectories.Select(Path.GetFullPath).ToList();
        var userHome = UserHome();
        var settings = AgentSettings.Resolve(config, _env.GetVariable);
        var policy = PermissionPolicy.FromConfig(config.Permissions, workingDirectory, additional, userHome, _env.Home.Root);
        if (launch.Mode is { } mode)
        {
            policy.Mode = mode;
        }

        var todos = new TodoList();
        var tools = ToolRegistry.CreateDefault(todos).With(WebTools.Create(config, _clients, _env.GetVariable));
        if (credential.Model?.SeesImages == true)
        {
            // Offered only to a model that can see the picture it returns.
            tools = tools.With([new ReadMediaFileTool(ImageLimits.ForModelReads(settings.ImageMaxEdgePx, settings.ImageReadByteBudget))]);
        }

        tools = tools.With([new EnterPlanModeTool(), new ExitPlanModeTool(), new AskUserQuestionTool()]);
        var skills = LoadSkills(workingDirectory);
        var skillTool = new SkillTool(skills);
        tools = tools.With(skillTool.HasSkills ? [skillTool] : []);
        var agents = LoadAgents(workingDirectory);
        tools = tools.With([new AgentTool(agents, agents.MainAllowlist)]);
        var secrets = new ToolSecrets(_env.Home, config, _env.GetVariable);
        var filter = new ToolFilter(config.Tools.Enabled, config.Tools.Disabled);

        // Started in the background: the session is ready at once, and its model requests take the servers' tools as they come.
        var mcp = await McpSessionServers.StartAsync(_env, config, launch, workingDirectory, secrets.Environment, credential.Model?.SeesImages == true, filter.Allows, reportServers: true, only: null, cancellationToken).ConfigureAwait(false);
        var registry = filter.Apply(tools);
        var chat = _clients.CreateChatClient(config, credential);
        var options = new AgentSessionOptions
        {
            ChatClient = chat,
            Model = credential.ModelAlias ?? credential.Model?.Model ?? "unknown",
            ContextWindowTokens = ContextWindow(credential),
            Tools = registry,
            DynamicTools = mcp.Servers.Count > 0 ? mcp : null,
            ToolContext = new ToolContext
            {
                WorkingDirectory = workingDirectory,
                AdditionalDirectories = additional,
                Files = launch.Files ?? new LocalWorkspaceFileSystem(),
                Commands = launch.Commands ?? new LocalCommandRunner(_env.TimeProvider),
                Time = _env.TimeProvider,
                ChildEnvironment = secrets.Environment,
                Secrets = secrets.Redactor,
            },
            Permissions = policy,
            Skills = skills,
            Hooks = new HookDispatcher(config.Hooks.Entries, workingDirectory, secrets.Environment, _env.TimeProvider, _env.Logging.CreateLogger("KimiCode.Hooks")),
            Prompter = launch.Prompter,
            Store = Store,
            MaxStepsPerTurn = launch.MaxStepsPerTurn ?? settings.MaxStepsPerTurn ?? int.MaxValue,
            ReservedTokens = settings.ReservedContextSize ?? AgentSessionOptions.DefaultReservedTokens,
            SystemPrompt = SystemPrompt.ForWorkingDirectory(workingDirectory, _env.TimeProvider, _env.Home.Root, userHome, settings.IdentityName),
            Thinking = launch.Thinking ?? config.Thinking.Enabled,
            Time = _env.TimeProvider,
            Logger = _env.Logging.CreateLogger("KimiCode.Tools"),
        };

        try
        {
            var session = launch.ResumeSessionId is { } resumeId
                ? await AgentSession.ResumeAsync(options, resumeId, cancellationToken).ConfigureAwait(false)
                : await AgentSession.CreateAsync(options, cancellationToken).ConfigureAwait(false);
            return Track(session, mcp);
        }
        catch
        {
            await mcp.DisposeAsync().ConfigureAwait(false); // no session owns the servers: stop them
            throw;
        }
    }

    /// <summary>The MCP servers of session <paramref name="sessionId"/> and their state (empty when it has none).</summary>
    public IReadOnlyList<McpServerStatus> McpStatuses(string sessionId)
        => _mcp.TryGetValue(sessionId, out var set) ? set.Statuses() : [];

    /// <summary>Stops the MCP servers of session <paramref name="sessionId"/> (the session ended or is replaced).</summary>
    public async ValueTask StopMcpServersAsync(string sessionId)
    {
        if (_mcp.TryRemove(sessionId, out var set))
        {
            await set.DisposeAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Connects the mcp.json servers of <paramref name="workingDirectory"/> (only <paramref name="only"/> when given) the way
    /// a session would, for <c>kimi mcp list</c> and <c>kimi mcp test</c>; the caller disposes the set. Nothing is asked.
    /// </summary>
    /// <param name="openBrowser">Opens an OAuth login page (<c>kimi mcp login</c>); null: no login flow.</param>
    public async Task<McpServerSet> ConnectMcpServersAsync(string workingDirectory, bool trustProject, string? only, CancellationToken cancellationToken, Func<Uri, Task>? openBrowser = null)
    {
        var launch = new AgentLaunch { WorkingDirectory = workingDirectory, Prompter = new RejectingPermissionPrompter(), TrustProjectMcp = trustProject, McpOpenBrowser = openBrowser };
        var secrets = new ToolSecrets(_env.Home, Config, _env.GetVariable).Environment;
        var set = await McpSessionServers.StartAsync(_env, Config, launch, Path.GetFullPath(workingDirectory), secrets, false, null, reportServers: false, only, cancellationToken).ConfigureAwait(false);
        try
        {
            await set.WaitForStartupAsync(cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await set.DisposeAsync().ConfigureAwait(false);
            throw;
        }

        return set;
    }

    /// <summary>The servers of the mcp.json files a new session in <paramref name="workingDirectory"/> gets, and the problems with them.</summary>
    public McpServerList ConfiguredMcpServers(string workingDirectory) => McpConfigFiles.Load(_env.Home.Root, workingDirectory);

    /// <summary>Keeps <paramref name="mcp"/> as the servers of <paramref name="session"/>; a re-opened session's old servers stop.</summary>
    private AgentSession Track(AgentSession session, McpServerSet mcp)
    {
        if (_mcp.TryRemove(session.Id, out var previous))
        {
            _ = previous.DisposeAsync().AsTask();
        }

        if (mcp.Servers.Count > 0)
        {
            _mcp[session.Id] = mcp;
        }

        return session;
    }

    /// <summary>
    /// How many tokens one prompt may take with this model (default: default_model): the context window
    /// (<c>max_context_size</c>) less the part compaction keeps free for the answer (<c>reserved_context_size</c>, at most a
    /// quarter of the window). A larger prompt can never be sent, so a front end refuses it before it is saved.
    /// </summary>
    public PromptLimit PromptLimit(string? modelAlias)
    {
        var credential = Resolve(modelAlias);
        var window = ContextWindow(credential);
        var reserved = AgentSettings.Resolve(Config, _env.GetVariable).ReservedContextSize ?? AgentSessionOptions.DefaultReservedTokens;
        return new PromptLimit(credential.ModelAlias ?? modelAlias ?? Config.DefaultModel ?? "the model", window, window - Math.Clamp(reserved, 0, window / 4));
    }

    /// <summary>The skills a session in <paramref name="workingDirectory"/> sees; each skipped skill file is reported once per process.</summary>
    public SkillCatalog LoadSkills(string workingDirectory)
    {
        var skills = SkillCatalog.Discover(new SkillFolders(workingDirectory, _env.Home.Root, UserHome(), Config.ExtraSkillDirs));
        NoticeOnce(skills.Warnings);
        return skills;
    }

    /// <summary>The agents (built-in and agent files) a session in <paramref name="workingDirectory"/> may start; each skipped file is reported once per process.</summary>
    public AgentCatalog LoadAgents(string workingDirectory)
    {
        var agents = AgentCatalog.Discover(new AgentFolders(workingDirectory, _env.Home.Root, UserHome(), Config.ExtraAgentDirs));
        NoticeOnce(agents.Warnings);
        return agents;
    }

    private void NoticeOnce(IEnumerable<string> warnings)
    {
        foreach (var warning in warnings)
        {
            if (_warningsGiven.Add(warning))
            {
                HostingLog.ConfigNotice(_log, warning);
                _env.Notice?.Invoke(warning);
            }
        }
    }

    private static int ContextWindow(ResolvedCredential credential) =>
        (int)Math.Clamp(credential.Model?.MaxContextSize ?? DefaultContextWindow, 8_192, int.MaxValue);

    private KimiConfig LoadConfig()
    {
        var config = new ConfigStore(_env.Home, _env.GetVariable).LoadEffective();
        var problems = config.Validate();
        if (problems.Count > 0)
        {
            throw new KimiCodeException(ConfigErrorCodes.Invalid, problems[0]);
        }

        HostingLog.ConfigLoaded(_log, config.SourcePath ?? _env.Home.ConfigFile, config.Providers.Count, config.Models.Count, config.DefaultModel ?? "(none)");
        if (!_noticeGiven)
        {
            // Once per process: a reload (after a login) must not repeat them.
            _noticeGiven = true;
            foreach (var notice in config.Hooks.Warnings.Prepend(config.Permissions.Notice).OfType<string>())
            {
                HostingLog.ConfigNotice(_log, notice);
                _env.Notice?.Invoke(notice);
            }
        }

        return config;
    }

    /// <summary>Stops every session's MCP servers (each: end of input, a short grace, then its process group is killed) and waits for them.</summary>
    public async ValueTask DisposeAsync()
    {
        await Task.WhenAll(TakeAllMcp().Select(set => set.DisposeAsync().AsTask())).ConfigureAwait(false);
        _clients.Dispose();
    }

    /// <summary>
    /// Starts stopping every session's MCP servers without waiting (prefer <see cref="DisposeAsync"/>): what is left when
    /// the process ends is killed by the watchdog that owns their process groups.
    /// </summary>
    public void Dispose()
    {
        foreach (var set in TakeAllMcp())
        {
            _ = set.DisposeAsync().AsTask();
        }

        _clients.Dispose();
    }

    private McpServerSet[] TakeAllMcp()
    {
        var sets = _mcp.Values.ToArray();
        _mcp.Clear();
        return sets;
    }
}
