using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tools;
using KimiCode.Config;
using KimiCode.Emulator;
using KimiCode.Provider;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Agent.Tests.Support;

/// <summary>
/// One test's world: an in-process emulator with a scripted model, a Kimi chat client pointed at it, a
/// temporary home and working directory (deleted at the end), fake tools, a fake permission policy and a
/// scripted prompter.
/// </summary>
internal sealed class AgentHarness : IAsyncDisposable
{
    public const string ApiKey = "sk-agent-tests";

    private readonly TempFolder _folder = new("kimi-agent-tests");

    private AgentHarness(KimiEmulator emulator, FakeTimeProvider time, RetryOptions retry, TimeProvider? providerTime)
    {
        Emulator = emulator;
        Time = time;
        WorkDir = _folder.Folder("work");
        Home = new KimiHome(Path.Combine(Root, "home"));
        Store = new SessionStore(Home);
        ClientOptions = new KimiProviderOptions
        {
            BaseUrl = new Uri(emulator.CodingBaseUrl),
            Model = "kimi-for-coding",
            Tokens = new StaticTokenSource(ApiKey),
            IdentityHeaders = [new("X-Msh-Platform", "kimi_cli")],
            Retry = retry,
            TimeProvider = providerTime ?? time,

            // A clock that fires every timer at once would fire the network timeouts at once too; those are the
            // provider's tests, so a harness with such a clock runs without them.
            Timeouts = providerTime is null
                ? new TimeoutOptions()
                : new TimeoutOptions { Connect = Timeout.InfiniteTimeSpan, Headers = Timeout.InfiniteTimeSpan, StreamIdle = Timeout.InfiniteTimeSpan },
        };
        Client = new KimiChatClient(ClientOptions);
        Files = new LocalFiles();
        Context = new ToolContext { WorkingDirectory = WorkDir, Files = Files, Commands = new NoCommands(), Time = time };
        Read = new FakeReadTool(Log);
        Edit = new FakeEditTool(Log);
        Bash = new FakeBashTool(Log);
        Todo = new FakeTodoTool();
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public KimiEmulator Emulator { get; }

    public EmulatorState State => Emulator.State;

    public string Root => _folder.Path;

    public string WorkDir { get; }

    public KimiHome Home { get; }

    public SessionStore Store { get; }

    public FakeTimeProvider Time { get; }

    public KimiProviderOptions ClientOptions { get; }

    public KimiChatClient Client { get; }

    public LocalFiles Files { get; }

    public ToolContext Context { get; }

    public ExecutionLog Log { get; } = new();

    public FakeReadTool Read { get; }

    public FakeEditTool Edit { get; }

    public FakeBashTool Bash { get; }

    public FakeTodoTool Todo { get; }

    public FakePermissionPolicy Policy { get; } = new();

    public ScriptedPrompter Prompter { get; } = new();

    /// <param name="providerTime">The chat client's clock (retry waits); the fake clock by default.</param>
    public static async Task<AgentHarness> StartAsync(RetryOptions? retry = null, TimeProvider? providerTime = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 3, 1, 9, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { TimeProvider = time };
        options.ApiKeys.Add(ApiKey);
        KimiEmulator emulator = await KimiEmulator.StartAsync(options, Ct);
        return new AgentHarness(emulator, time, retry ?? new RetryOptions { MaxAttempts = 1 }, providerTime);
    }

    public AgentSessionOptions Options(
        int contextWindowTokens = 262_144,
        int maxStepsPerTurn = 100,
        IReadOnlyList<IAgentTool>? tools = null,
        string? systemPrompt = "You are a test agent.",
        ToolContext? context = null,
        IToolSource? dynamicTools = null) => new()
    {
        DynamicTools = dynamicTools,
        ChatClient = Client,
        Model = "kimi-for-coding",
        ContextWindowTokens = contextWindowTokens,
        Tools = new ToolRegistry(tools ?? [Read, Edit, Bash, Todo]),
        ToolContext = context ?? Context,
        Permissions = Policy,
        Prompter = Prompter,
        Store = Store,
        MaxStepsPerTurn = maxStepsPerTurn,
        Time = Time,
        SystemPrompt = systemPrompt,
    };

    /// <summary>
    /// Options for a session with every built-in tool, the local file system and shell, and a real
    /// <see cref="PermissionPolicy"/>: the loop as kimi runs it, against the emulator.
    /// </summary>
    public AgentSessionOptions RealToolsOptions(PermissionPolicy policy, ToolContext? context = null, KimiCode.Agent.Hooks.HookDispatcher? hooks = null) => new()
    {
        Hooks = hooks ?? KimiCode.Agent.Hooks.HookDispatcher.None,
        ChatClient = Client,
        Model = "kimi-for-coding",
        ContextWindowTokens = 262_144,
        Tools = ToolRegistry.CreateDefault(new TodoList()),
        ToolContext = context ?? new ToolContext { WorkingDirectory = WorkDir, Files = new LocalWorkspaceFileSystem(), Commands = new LocalCommandRunner() },
        Permissions = policy,
        Prompter = Prompter,
        Store = Store,
        Time = Time,
    };

    public Task<AgentSession> CreateSessionAsync(AgentSessionOptions? options = null) =>
        AgentSession.CreateAsync(options ?? Options(), Ct);

    public void Script(string json) => State.LoadScript(json);

    /// <summary>Writes a file under the working directory; returns its absolute path.</summary>
    public string WriteFile(string relative, string content)
    {
        string path = Path.Combine(WorkDir, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        File.WriteAllText(path, content);
        return path;
    }

    public string ReadFile(string relative) => File.ReadAllText(Path.Combine(WorkDir, relative));

    /// <summary>Runs a whole turn and returns its events.</summary>
    public static Task<List<AgentEvent>> RunAsync(AgentSession session, string prompt) =>
        CollectAsync(session.RunTurnAsync(prompt, Ct));

    public static async Task<List<AgentEvent>> CollectAsync(IAsyncEnumerable<AgentEvent> events)
    {
        var list = new List<AgentEvent>();
        await foreach (AgentEvent agentEvent in events.WithCancellation(CancellationToken.None))
        {
            list.Add(agentEvent);
        }

        return list;
    }

    /// <summary>Bodies of the chat requests the emulator received, in order.</summary>
    public List<JsonElement> ChatRequests() =>
        State.Requests
            .Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))
            .Select(r =>
            {
                using JsonDocument document = JsonDocument.Parse(r.Body);
                return document.RootElement.Clone();
            })
            .ToList();

    /// <summary>Status codes of the chat requests, in order.</summary>
    public List<int> ChatStatuses() =>
        State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => r.StatusCode).ToList();

    /// <summary>The messages of a chat request as (role, text-or-tool-summary) pairs.</summary>
    public static List<JsonElement> Messages(JsonElement request) => [.. request.GetProperty("messages").EnumerateArray()];

    public async ValueTask DisposeAsync()
    {
        Client.Dispose();
        await Emulator.DisposeAsync();
        _folder.Dispose();
    }
}
