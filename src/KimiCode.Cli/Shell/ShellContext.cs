using KimiCode.Agent;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Sessions;
using KimiCode.Cli.Shell.Commands;
using KimiCode.Hosting;
using KimiCode.Protocol;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// What slash commands may use of the shell: the screen, the current session and how sessions are opened, the
/// mode, the model, thinking, pickers and the busy runner. Owned by <see cref="ShellApp"/>, which sets it up.
/// </summary>
internal sealed class ShellContext(
    CliEnvironment environment, ShellOptions options, ShellScreen screen, TurnRenderer renderer, WorkLoop loop,
    CommandSet commands, AgentSessionFactory factory, ShellPermissionPrompter prompter)
{
    private AgentSession? _session;

    /// <summary>The shell's environment (time, variables, browser); <c>/login</c> and <c>/logout</c> run the command line with it.</summary>
    public CliEnvironment Environment => environment;

    public ShellScreen Screen => screen;

    public TurnRenderer Renderer => renderer;

    public CommandSet Commands => commands;

    public AgentSessionFactory Factory => factory;

    public string WorkDir { get; private set; } = string.Empty;

    /// <summary>
    /// The current session (null before the first prompt of a new session). Replacing it with another session or
    /// null (<c>/new</c>, <c>/resume</c>, <c>/logout</c>) releases the old one's lock, so another kimi can open it.
    /// </summary>
    public AgentSession? Session
    {
        get => _session;
        set
        {
            if (_session is { } old && old.Id != value?.Id)
            {
                factory.Store.Release(old.Id);
                _ = factory.StopMcpServersAsync(old.Id).AsTask();
            }

            _session = value;
        }
    }

    /// <summary>The model chosen in the shell (or with <c>-m</c>); null for the configured default.</summary>
    public string? ModelAlias { get; set; }

    public string? CurrentModel => ModelAlias ?? factory.Config.DefaultModel;

    public PermissionMode Mode { get; private set; }

    /// <summary>The mode <c>/yolo</c> and <c>/plan</c> go back to.</summary>
    public PermissionMode BaseMode { get; private set; }

    public bool ShowThinking { get; private set; }

    /// <summary>More workspace roots (<c>--add-dir</c>, <c>/add-dir</c>), absolute.</summary>
    public List<string> AdditionalDirectories { get; private set; } = [];

    /// <summary>Thinking asked of the model (<c>--thinking</c>, <c>/thinking on|off</c>); null = <c>[thinking] enabled</c>.</summary>
    public bool? Thinking { get; set; }

    /// <summary>The sessions <c>/sessions</c> listed last, which <c>/resume n</c> numbers from.</summary>
    public IReadOnlyList<SessionInfo> LastListing { get; set; } = [];

    /// <summary>Sets the working folder, the modes and the model the shell starts with.</summary>
    /// <param name="baseMode">What <c>/plan</c> goes back to when the config starts in plan mode (<c>default_plan_mode</c>); null: default.</param>
    public void Start(string workDir, PermissionMode configured, PermissionMode? baseMode = null)
    {
        WorkDir = workDir;
        renderer.WorkingDirectory = workDir;
        BaseMode = baseMode ?? (configured is PermissionMode.Yolo or PermissionMode.Plan ? PermissionMode.Default : configured);
        Mode = options.StartMode ?? configured;
        ModelAlias = options.Model;
        Thinking = options.Thinking;
        AdditionalDirectories = [.. options.AdditionalDirectories];
    }

    public static string ModeName(PermissionMode mode) => mode switch
    {
        PermissionMode.Yolo => "yolo",
        PermissionMode.Auto => "auto",
        PermissionMode.Plan => "plan",
        PermissionMode.AcceptEdits => "accept-edits",
        _ => "default",
    };

    /// <summary>Shows <paramref name="picker"/> until the user picks (index), cancels (null) or presses Ctrl-C twice (exit).</summary>
    public Task<(int? Chosen, bool Exit)> PickAsync(Picker picker, CancellationToken cancellationToken) =>
        loop.PickAsync(picker, cancellationToken);

    /// <summary>Runs <paramref name="work"/> with the spinner; Ctrl-C cancels it (twice leaves the shell).</summary>
    public Task<WorkOutcome<T>> RunBusyAsync<T>(string activity, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken) =>
        loop.RunBusyAsync(activity, work, cancellationToken);

    public void ToggleThinking()
    {
        ShowThinking = !ShowThinking;
        screen.Gap();
        screen.Line(ShowThinking ? "Thinking is shown in full." : "Thinking is collapsed to one line.", ShellStyles.Dim);
        if (ShowThinking)
        {
            foreach (var thinking in renderer.LastThinking)
            {
                renderer.WriteThinkingInFull(thinking);
            }
        }
    }

    public async Task SetModeAsync(PermissionMode mode, CancellationToken cancellationToken)
    {
        Mode = mode;
        if (Session is { } session)
        {
            session.Permissions.Mode = mode; // in place: "allow for this session" answers are kept
        }
        else
        {
            await ReopenAsync(cancellationToken).ConfigureAwait(false);
        }

        screen.Line(mode switch
        {
            PermissionMode.Yolo => "Yolo mode: every tool call runs without asking (deny rules still apply). /yolo again to go back.",
            PermissionMode.Plan => "Plan mode: read-only except the plan file; the model plans and asks you to approve the plan. /plan again to go back.",
            PermissionMode.Auto => "Auto mode: nothing asks; deny rules still deny, and edits outside the workspace or to sensitive files are refused.",
            _ => $"{char.ToUpperInvariant(ModeName(mode)[0])}{ModeName(mode)[1..]} mode: edits and commands ask first.",
        }, mode == PermissionMode.Yolo ? ShellStyles.Warn : Style.Plain);
    }

    /// <summary>Takes the session's mode after a turn: the model may have entered or left plan mode (EnterPlanMode, ExitPlanMode).</summary>
    public void FollowSessionMode()
    {
        if (Session is { } session && session.Permissions.Mode != Mode)
        {
            Mode = session.Permissions.Mode;
        }
    }

    /// <summary>Runs one turn with <paramref name="prompt"/> (creating the session on the first one); Exit when the user asked to leave.</summary>
    public async Task<CommandResult> RunPromptAsync(string prompt, CancellationToken cancellationToken)
    {
        if (await EnsureSessionAsync(cancellationToken).ConfigureAwait(false) is not { } session)
        {
            return CommandResult.Continue;
        }

        var exit = await loop.RunTurnAsync(token => session.RunTurnAsync(prompt, token), prompter, cancellationToken).ConfigureAwait(false);
        FollowSessionMode();
        return exit ? CommandResult.Exit : CommandResult.Continue;
    }

    /// <summary>The current session, created on the first prompt; null when that failed (the error is shown).</summary>
    public async Task<AgentSession?> EnsureSessionAsync(CancellationToken cancellationToken) =>
        Session ??= await CreateSessionAsync(null, cancellationToken).ConfigureAwait(false);

    /// <summary>Resumes <paramref name="id"/> (and shows the conversation so far); false when it failed (the error is shown).</summary>
    public async Task<bool> OpenSessionAsync(string id, bool replay, CancellationToken cancellationToken)
    {
        if (await CreateSessionAsync(id, cancellationToken).ConfigureAwait(false) is not { } session)
        {
            return false;
        }

        Session = session;
        if (replay)
        {
            renderer.Replaying = true;
            try
            {
                await foreach (var e in session.ReplayAsync(cancellationToken).ConfigureAwait(false))
                {
                    renderer.OnEvent(e);
                }

                renderer.Flush();
            }
            finally
            {
                renderer.Replaying = false;
            }

            screen.Gap();
            screen.Line($"Resumed session {session.Id} ({session.History.Count} messages).", ShellStyles.Dim);
        }

        return true;
    }

    /// <summary>Re-opens the current session with the current model and mode (the conversation stays).</summary>
    public async Task ReopenAsync(CancellationToken cancellationToken)
    {
        if (_session is { } current)
        {
            _session = null; // stays null when re-opening fails (the error is shown); the lock is kept for the re-open
            if (!await OpenSessionAsync(current.Id, replay: false, cancellationToken).ConfigureAwait(false))
            {
                factory.Store.Release(current.Id);
            }
        }
    }

    /// <summary>A new session (or <paramref name="resumeId"/> again) with the current model and mode; null when that failed (the error is shown).</summary>
    private async Task<AgentSession?> CreateSessionAsync(string? resumeId, CancellationToken cancellationToken)
    {
        try
        {
            return await factory.CreateAsync(Launch(resumeId), cancellationToken).ConfigureAwait(false);
        }
        catch (KimiCodeException ex)
        {
            renderer.WriteError(ex.Code, ex.Message);
            return null;
        }
    }

    private AgentLaunch Launch(string? resumeId) => new()
    {
        WorkingDirectory = WorkDir,
        ModelAlias = ModelAlias,
        Mode = Mode,
        Prompter = prompter,
        ResumeSessionId = resumeId,
        MaxStepsPerTurn = options.MaxSteps,
        Thinking = Thinking,
        AdditionalDirectories = [.. AdditionalDirectories],
        TrustProjectMcp = options.TrustProjectMcp,
        ConfirmProjectMcp = ConfirmProjectMcpAsync,

        // Servers start in the background: their trouble is written above the live region when it happens, without tearing it.
        McpNotice = line => screen.Line(line, ShellStyles.Warn),
    };

    /// <summary>Asks before a project's stdio MCP server runs for the first time in this folder (the answer is remembered).</summary>
    private async Task<bool> ConfirmProjectMcpAsync(KimiCode.Mcp.McpServerConfig server, CancellationToken cancellationToken)
    {
        screen.Gap();
        screen.Line($"The project's .kimi-code/mcp.json wants to start the MCP server '{server.Name}':", ShellStyles.Warn);
        screen.Line("  $ " + server.Target);
        var picker = new Picker($"Start '{server.Name}'? It runs code from this folder.", ["Yes, and remember for this folder", "No"], 1);
        var (chosen, _) = await loop.PickAsync(picker, cancellationToken).ConfigureAwait(false);
        return chosen == 0;
    }
}
