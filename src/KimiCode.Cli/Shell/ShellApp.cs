using System.CommandLine;
using System.Globalization;
using KimiCode.Agent;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Sessions;
using KimiCode.Auth;
using KimiCode.Cli.Commands;
using KimiCode.Hosting;
using KimiCode.Protocol;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The interactive shell: reads prompts and slash commands, runs agent turns and renders them. One instance per
/// run; everything outside (console, keys, time, environment) comes in through the constructor.
/// </summary>
internal sealed class ShellApp : IDisposable
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);
    private static readonly Style DimStyle = new(decoration: Decoration.Dim);
    private static readonly Style GoodStyle = new(Color.Green);
    private static readonly Style WarnStyle = new(Color.Yellow);

    /// <summary>Waited on instead of the keys once the terminal has closed.</summary>
    private static readonly Task<bool> Never = new TaskCompletionSource<bool>().Task;

    private readonly CliEnvironment _env;
    private readonly ShellOptions _options;
    private readonly TimeProvider _uiTime;
    private readonly ShellScreen _screen;
    private readonly KeyQueue _keys;
    private readonly CtrlCGate _ctrlC;
    private readonly InputHistory _history;
    private readonly LineEditor _editor;
    private readonly TurnRenderer _renderer;
    private readonly ShellPermissionPrompter _prompter = new();
    private readonly AgentSessionFactory _factory;
    private AgentSession? _session;
    private string _workDir = string.Empty;
    private string? _modelAlias;
    private PermissionMode _mode;
    private PermissionMode _baseMode;
    private bool _showThinking;
    private List<SessionInfo> _lastListing = [];
    private bool _keysEnded;

    public ShellApp(CliEnvironment env, IShellTerminal terminal, ShellOptions options, TimeProvider uiTime)
    {
        _env = env;
        _options = options;
        _uiTime = uiTime;
        _screen = new ShellScreen(terminal.Console);
        _keys = new KeyQueue(terminal.Keys);
        _ctrlC = new CtrlCGate(uiTime);
        _history = InputHistory.Load(Path.Combine(env.Home.Root, InputHistory.FileName));
        _editor = new LineEditor(_screen, _keys, _history, _ctrlC, SlashCommand.Names);
        _renderer = new TurnRenderer(_screen, uiTime, () => _showThinking);
        _factory = new AgentSessionFactory(env.Host);
    }

    /// <summary>Raised each time the shell starts waiting for the next input line (tests wait on it).</summary>
    public event Action? WaitingForInput;

    /// <summary>The current session (null before the first prompt of a new session).</summary>
    public AgentSession? Session => _session;

    public PermissionMode Mode => _mode;

    public string? CurrentModel => _modelAlias ?? _factory.Config.DefaultModel;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        _workDir = Path.GetFullPath(_options.WorkDir ?? _env.CurrentDirectory);
        if (!Directory.Exists(_workDir))
        {
            throw new KimiCodeException("cli.usage", $"The working directory {_workDir} does not exist; pass an existing folder with -w.");
        }

        _renderer.WorkingDirectory = _workDir;
        var config = _factory.Config; // a malformed config.toml fails here with its one-line message
        _baseMode = PermissionPolicy.FromConfig(config.Permissions, _workDir, []).Mode;
        if (_baseMode is PermissionMode.Yolo or PermissionMode.Plan)
        {
            _baseMode = PermissionMode.Default;
        }

        _mode = _options.Yolo ? PermissionMode.Yolo : PermissionPolicy.FromConfig(config.Permissions, _workDir, []).Mode;
        _modelAlias = _options.Model;
        var resume = _options.SessionId;
        if (resume is null && _options.Continue)
        {
            resume = _factory.Store.Latest(_workDir)?.Id
                ?? throw new KimiCodeException("session.not_found", $"No earlier session in {_workDir} to continue; drop --continue to start one.");
        }

        WriteBanner();
        if (resume is not null)
        {
            await OpenSessionAsync(resume, replay: true, cancellationToken).ConfigureAwait(false);
        }
        else if (_factory.Resolve(_modelAlias) is { IsUsable: false } credential)
        {
            _screen.Gap();
            _screen.Line($"! {credential.Problem}", WarnStyle);
            _screen.Line("  Type /login to log in with your Kimi account.", DimStyle);
        }

        while (!cancellationToken.IsCancellationRequested)
        {
            _screen.Gap();
            WaitingForInput?.Invoke();
            var input = await _editor.ReadAsync(PromptLine(), cancellationToken).ConfigureAwait(false);
            if (input.Outcome == EditorOutcome.Exit)
            {
                break;
            }

            if (input.Outcome == EditorOutcome.ToggleThinking)
            {
                ToggleThinking();
                continue;
            }

            var text = input.Text;
            if (text.Trim().Length == 0)
            {
                continue;
            }

            _history.Add(text);
            var keepGoing = SlashCommand.TryParse(text, out var command)
                ? await RunCommandAsync(command!, cancellationToken).ConfigureAwait(false)
                : await RunTurnAsync(text, cancellationToken).ConfigureAwait(false);
            if (!keepGoing)
            {
                break;
            }
        }

        _screen.ClearLive();
        if (_session is not null && _session.History.Count > 0)
        {
            _screen.Gap();
            _screen.Line($"Saved session {_session.Id}; `kimi --continue` picks it up again.", DimStyle);
        }

        return ExitCodes.Success;
    }

    private void WriteBanner()
    {
        var version = typeof(ShellApp).Assembly.GetName().Version ?? new Version(0, 0, 0);
        var header = new Paragraph();
        header.Append("kimi", new Style(Color.Aqua, decoration: Decoration.Bold));
        header.Append($" {version.Major}.{version.Minor}.{version.Build}", DimStyle);
        header.Append(" · ", DimStyle);
        header.Append(CurrentModel ?? "no model configured", new Style(decoration: Decoration.Bold));
        header.Append(" · ", DimStyle);
        header.Append(ModeName(_mode) + " mode", DimStyle);
        header.Append("\n" + _workDir, DimStyle);
        header.Append("\nEnter sends; Ctrl-J, Alt-Enter or a trailing \\ adds a line. /help lists commands; Ctrl-C cancels, twice exits.", DimStyle);
        _screen.Write(header);
    }

    private StyledLine PromptLine() => _mode switch
    {
        PermissionMode.Yolo => new StyledLine().Add("yolo ", Tone.Warn).Add("› ", Tone.Selected),
        PermissionMode.Plan => new StyledLine().Add("plan ", Tone.Accent).Add("› ", Tone.Selected),
        PermissionMode.AcceptEdits => new StyledLine().Add("edits ", Tone.Good).Add("› ", Tone.Selected),
        _ => new StyledLine().Add("› ", Tone.Selected),
    };

    public static string ModeName(PermissionMode mode) => mode switch
    {
        PermissionMode.Yolo => "yolo",
        PermissionMode.Plan => "plan",
        PermissionMode.AcceptEdits => "accept-edits",
        _ => "default",
    };

    // ---- turns ----------------------------------------------------------------------------------------------

    /// <summary>Runs one turn; false when the user asked to leave (Ctrl-C twice).</summary>
    private async Task<bool> RunTurnAsync(string prompt, CancellationToken cancellationToken)
    {
        var session = await EnsureSessionAsync(cancellationToken).ConfigureAwait(false);
        if (session is null)
        {
            return true;
        }

        using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var exit = false;
        var waiting = new Queue<PendingPermission>();
        PendingPermission? asking = null;
        Picker? picker = null;
        _renderer.Begin("Thinking");
        var events = session.RunTurnAsync(prompt, turn.Token).GetAsyncEnumerator(turn.Token);
        var next = events.MoveNextAsync().AsTask();
        Task<bool>? permissionWait = null;
        Task? tick = null;
        try
        {
            while (true)
            {
                if (asking is not null && asking.Answer.Task.IsCompleted)
                {
                    asking = null; // cancelled with the turn
                    picker = null;
                    _renderer.SetOverlay(null);
                }

                if (asking is null && waiting.TryDequeue(out var nextRequest) && !nextRequest.Answer.Task.IsCompleted)
                {
                    asking = nextRequest;
                    picker = ShellPermissionPrompter.CreatePicker(nextRequest.Request);
                    _renderer.SetOverlay(picker.Lines(ShellPermissionPrompter.Hint));
                }

                permissionWait ??= _prompter.Requests.WaitToReadAsync(CancellationToken.None).AsTask();
                tick ??= Task.Delay(TickInterval, _uiTime, CancellationToken.None);
                var keyWait = _keysEnded ? Never : _keys.WaitAsync();
                var done = await Task.WhenAny(next, keyWait, permissionWait, tick).ConfigureAwait(false);
                if (done == next)
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        break;
                    }

                    _renderer.OnEvent(events.Current);
                    next = events.MoveNextAsync().AsTask();
                }
                else if (done == tick)
                {
                    tick = null;
                    _renderer.Tick();
                }
                else if (done == permissionWait)
                {
                    permissionWait = null;
                    while (_prompter.Requests.TryRead(out var request))
                    {
                        waiting.Enqueue(request);
                    }
                }
                else if (done == keyWait)
                {
                    if (!await keyWait.ConfigureAwait(false))
                    {
                        _keysEnded = true; // the terminal closed: stop the turn and leave
                        exit = true;
                        await turn.CancelAsync().ConfigureAwait(false);
                        continue;
                    }

                    while (_keys.TryRead(out var key))
                    {
                        if (KeyQueue.IsCtrlC(key))
                        {
                            if (_ctrlC.Press())
                            {
                                exit = true;
                            }

                            _renderer.SetActivity("Cancelling");
                            await turn.CancelAsync().ConfigureAwait(false);
                        }
                        else if (asking is not null && picker is not null)
                        {
                            var outcome = picker.Handle(key);
                            if (outcome == PickOutcome.Pending)
                            {
                                _renderer.SetOverlay(picker.Lines(ShellPermissionPrompter.Hint));
                                continue;
                            }

                            var answer = outcome == PickOutcome.Chosen ? ShellPermissionPrompter.Answers[picker.Selected] : PermissionAnswer.Reject;
                            _renderer.SetOverlay(null);
                            WritePermissionAnswer(asking.Request, answer);
                            asking.Answer.TrySetResult(answer);
                            asking = null;
                            picker = null;
                            break; // show the next request (if any) before reading more keys
                        }
                        else
                        {
                            _keys.HoldBack(key);
                        }
                    }
                }
            }
        }
        finally
        {
            if (!next.IsCompleted)
            {
                await turn.CancelAsync().ConfigureAwait(false);
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }

            await events.DisposeAsync().ConfigureAwait(false);
            if (_renderer.IsActive)
            {
                _renderer.End(null);
            }

            _keys.ReleaseHeldBack();
        }

        return !exit;
    }

    private void WritePermissionAnswer(PermissionRequest request, PermissionAnswer answer)
    {
        var (text, style) = answer switch
        {
            PermissionAnswer.AllowOnce => ($"✓ Allowed once: {request.Title}", GoodStyle),
            PermissionAnswer.AllowForSession => ($"✓ Allowed for this session: {request.Title}", GoodStyle),
            _ => ($"✗ Denied: {request.Title}", new Style(Color.Red)),
        };
        _screen.Gap();
        _screen.Line(text, style);
    }

    private async Task<AgentSession?> EnsureSessionAsync(CancellationToken cancellationToken)
    {
        if (_session is not null)
        {
            return _session;
        }

        try
        {
            _session = await _factory.CreateAsync(Launch(null), cancellationToken).ConfigureAwait(false);
        }
        catch (KimiCodeException ex)
        {
            _renderer.WriteError(ex.Code, ex.Message);
        }

        return _session;
    }

    private AgentLaunch Launch(string? resumeId) => new()
    {
        WorkingDirectory = _workDir,
        ModelAlias = _modelAlias,
        Mode = _mode,
        Prompter = _prompter,
        ResumeSessionId = resumeId,
        MaxStepsPerTurn = _options.MaxSteps,
    };

    /// <summary>Resumes <paramref name="id"/> (and shows the conversation so far); false when it failed (the error is shown).</summary>
    private async Task<bool> OpenSessionAsync(string id, bool replay, CancellationToken cancellationToken)
    {
        AgentSession session;
        try
        {
            session = await _factory.CreateAsync(Launch(id), cancellationToken).ConfigureAwait(false);
        }
        catch (KimiCodeException ex)
        {
            _renderer.WriteError(ex.Code, ex.Message);
            return false;
        }

        _session = session;
        if (replay)
        {
            _renderer.Replaying = true;
            try
            {
                await foreach (var e in session.ReplayAsync(cancellationToken).ConfigureAwait(false))
                {
                    _renderer.OnEvent(e);
                }

                _renderer.Flush();
            }
            finally
            {
                _renderer.Replaying = false;
            }

            _screen.Gap();
            _screen.Line($"Resumed session {session.Id} ({session.History.Count} messages).", DimStyle);
        }

        return true;
    }

    /// <summary>Re-opens the current session with the current model and mode (the conversation stays).</summary>
    private async Task ReopenAsync(CancellationToken cancellationToken)
    {
        if (_session is { } current)
        {
            _session = null;
            if (!await OpenSessionAsync(current.Id, replay: false, cancellationToken).ConfigureAwait(false))
            {
                _session = null;
            }
        }
    }

    // ---- slash commands -------------------------------------------------------------------------------------

    /// <summary>Runs a command; false when the shell should exit.</summary>
    private async Task<bool> RunCommandAsync(SlashCommand command, CancellationToken cancellationToken)
    {
        _screen.Gap();
        switch (command.Name)
        {
            case "help":
                WriteHelp();
                return true;
            case "exit":
                return false;
            case "clear":
                _screen.ClearScreen();
                return true;
            case "new":
                var previous = _session?.Id;
                _session = null;
                _screen.Line(previous is null
                    ? "New session: it starts with your next prompt."
                    : $"New session: it starts with your next prompt. (The previous one, {previous}, can be resumed with /resume.)");
                return true;
            case "thinking":
                ToggleThinking();
                return true;
            case "yolo":
                await SetModeAsync(_mode == PermissionMode.Yolo ? _baseMode : PermissionMode.Yolo, cancellationToken).ConfigureAwait(false);
                return true;
            case "plan":
                await SetModeAsync(_mode == PermissionMode.Plan ? _baseMode : PermissionMode.Plan, cancellationToken).ConfigureAwait(false);
                return true;
            case "status":
                WriteStatus();
                return true;
            case "sessions":
                WriteSessions();
                return true;
            case "resume":
                return await ResumeAsync(command.Arguments, cancellationToken).ConfigureAwait(false);
            case "model":
                return await ModelAsync(command.Arguments, cancellationToken).ConfigureAwait(false);
            case "compact":
                return await CompactAsync(cancellationToken).ConfigureAwait(false);
            case "login":
                return await LoginAsync(command.Arguments, cancellationToken).ConfigureAwait(false);
            case "logout":
                return await LogoutAsync(command.Arguments, cancellationToken).ConfigureAwait(false);
            default:
                _renderer.WriteError("cli.unknown_command", $"Unknown command /{command.Name}; type /help for the list (start the line with a space to send it as a prompt).");
                return true;
        }
    }

    private void WriteHelp()
    {
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        foreach (var (_, usage, help) in SlashCommand.All)
        {
            grid.AddRow(new Text(usage, new Style(Color.Aqua)), new Text(help));
        }

        _screen.Line("Commands", new Style(decoration: Decoration.Bold));
        _screen.Write(grid);
        _screen.Gap();
        _screen.Line("Keys", new Style(decoration: Decoration.Bold));
        var keys = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        keys.AddRow(new Text("Enter", new Style(Color.Aqua)), new Text("send the prompt"));
        keys.AddRow(new Text("Ctrl-J, Alt-Enter, \\ Enter", new Style(Color.Aqua)), new Text("new line"));
        keys.AddRow(new Text("Up / Down", new Style(Color.Aqua)), new Text("earlier prompts (kept across sessions)"));
        keys.AddRow(new Text("Tab", new Style(Color.Aqua)), new Text("complete a /command"));
        keys.AddRow(new Text("Ctrl-C", new Style(Color.Aqua)), new Text("cancel the running turn or clear the line; twice within 2 s exits"));
        keys.AddRow(new Text("Ctrl-T", new Style(Color.Aqua)), new Text("show or hide thinking"));
        keys.AddRow(new Text("Ctrl-D", new Style(Color.Aqua)), new Text("exit (on an empty line)"));
        _screen.Write(keys);
    }

    private void ToggleThinking()
    {
        _showThinking = !_showThinking;
        _screen.Gap();
        _screen.Line(_showThinking ? "Thinking is shown in full." : "Thinking is collapsed to one line.", DimStyle);
        if (_showThinking)
        {
            foreach (var thinking in _renderer.LastThinking)
            {
                _renderer.WriteThinkingInFull(thinking);
            }
        }
    }

    private async Task SetModeAsync(PermissionMode mode, CancellationToken cancellationToken)
    {
        _mode = mode;
        if (_session is { } session)
        {
            session.Permissions.Mode = mode; // in place: "allow for this session" answers are kept
        }
        else
        {
            await ReopenAsync(cancellationToken).ConfigureAwait(false);
        }

        _screen.Line(mode switch
        {
            PermissionMode.Yolo => "Yolo mode: every tool call runs without asking (deny rules still apply). /yolo again to go back.",
            PermissionMode.Plan => "Plan mode: read-only; edits and commands are refused. /plan again to go back.",
            _ => $"{char.ToUpperInvariant(ModeName(mode)[0])}{ModeName(mode)[1..]} mode: edits and commands ask first.",
        }, mode == PermissionMode.Yolo ? WarnStyle : Style.Plain);
    }

    private void WriteStatus()
    {
        var credential = _factory.Resolve(_modelAlias);
        var grid = new Grid().AddColumn(new GridColumn().NoWrap().PadRight(2)).AddColumn();
        void Row(string name, string value) => grid.AddRow(new Text(name, DimStyle), new Text(value));
        var model = credential.Model;
        Row("Model", CurrentModel is null ? "none configured" : model?.Model is { } wire && wire != CurrentModel ? $"{CurrentModel} ({wire})" : CurrentModel);
        Row("Mode", ModeName(_mode));
        Row("Session", _session?.Id ?? "new (starts with your next prompt)");
        Row("Directory", _workDir);
        var window = model?.MaxContextSize ?? 262_144;
        var used = _session?.EstimatedContextTokens ?? 0;
        Row("Context", $"{Tokens(used)} of {Tokens(window)} tokens ({Math.Round(100.0 * used / Math.Max(1, window), 1).ToString(CultureInfo.InvariantCulture)}%)");
        Row("Login", credential.IsUsable ? CredentialText(credential) : $"not usable: {credential.Problem}");
        Row("Thinking", _showThinking ? "shown in full" : "collapsed (/thinking shows it)");
        _screen.Write(grid);
    }

    private string CredentialText(ResolvedCredential credential)
    {
        var provider = credential.Provider?.Name ?? "?";
        return credential.Kind switch
        {
            CredentialKind.OAuth => credential.ExpiresAt is { } expires
                ? $"Kimi account (OAuth, provider {provider}); access token {(expires > _env.TimeProvider.GetUtcNow() ? "valid for " + TurnRenderer.Elapsed(expires - _env.TimeProvider.GetUtcNow()) : "expired, refreshed on the next request")}"
                : $"Kimi account (OAuth, provider {provider})",
            CredentialKind.ApiKey => $"API key in config.toml (provider {provider})",
            CredentialKind.ProviderEnv => $"API key from the provider's env table (provider {provider})",
            CredentialKind.Environment => "API key from KIMI_API_KEY",
            _ => "none",
        };
    }

    private static string Tokens(long tokens) => tokens >= 1000
        ? (tokens / 1000.0).ToString(tokens >= 100_000 ? "0" : "0.0", CultureInfo.InvariantCulture) + "k"
        : tokens.ToString(CultureInfo.InvariantCulture);

    private void WriteSessions()
    {
        _lastListing = _factory.Store.List(_workDir).Take(20).ToList();
        if (_lastListing.Count == 0)
        {
            _screen.Line($"No sessions in {_workDir} yet.", DimStyle);
            return;
        }

        var grid = new Grid()
            .AddColumn(new GridColumn().NoWrap().PadRight(1))
            .AddColumn(new GridColumn().NoWrap().PadRight(2))
            .AddColumn(new GridColumn().NoWrap().PadRight(2))
            .AddColumn(new GridColumn().NoWrap().PadRight(2))
            .AddColumn();
        for (var i = 0; i < _lastListing.Count; i++)
        {
            var s = _lastListing[i];
            var current = s.Id == _session?.Id;
            grid.AddRow(
                new Text((current ? "*" : " ") + (i + 1).ToString(CultureInfo.InvariantCulture), current ? new Style(Color.Aqua) : DimStyle),
                new Text(s.Id, DimStyle),
                new Text(Ago(s.Updated)),
                new Text(Messages(s.MessageCount), DimStyle),
                new Text(s.Title.Length > 0 ? s.Title : "(no prompt yet)"));
        }

        _screen.Write(grid);
        _screen.Line("Resume one with /resume <n> or /resume <id>.", DimStyle);
    }

    private static string Messages(int count) => count == 1 ? "1 message" : $"{count} messages";

    private string Ago(DateTimeOffset when)
    {
        var age = _env.TimeProvider.GetUtcNow() - when;
        return age.TotalMinutes < 1 ? "just now"
            : age.TotalHours < 1 ? $"{(int)age.TotalMinutes} min ago"
            : age.TotalDays < 1 ? $"{(int)age.TotalHours} h ago"
            : when.ToLocalTime().ToString("yyyy-MM-dd", CultureInfo.InvariantCulture);
    }

    private async Task<bool> ResumeAsync(string argument, CancellationToken cancellationToken)
    {
        var sessions = _factory.Store.List(_workDir).Take(20).ToList();
        string? id = null;
        if (argument.Length == 0)
        {
            if (sessions.Count == 0)
            {
                _screen.Line($"No sessions in {_workDir} to resume.", DimStyle);
                return true;
            }

            var picker = new Picker("Resume which session?", sessions.Select(s => $"{(s.Title.Length > 0 ? s.Title : "(no prompt yet)")} · {Ago(s.Updated)} · {Messages(s.MessageCount)}").ToList());
            var (chosen, exit) = await PickAsync(picker, cancellationToken).ConfigureAwait(false);
            if (exit)
            {
                return false;
            }

            id = chosen is { } index ? sessions[index].Id : null;
            if (id is null)
            {
                _screen.Line("Resume cancelled.", DimStyle);
                return true;
            }
        }
        else if (int.TryParse(argument, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            var listing = _lastListing.Count > 0 ? _lastListing : sessions;
            if (number < 1 || number > listing.Count)
            {
                _renderer.WriteError("session.not_found", $"There is no session number {number}; /sessions lists them.");
                return true;
            }

            id = listing[number - 1].Id;
        }
        else
        {
            var matches = sessions.Where(s => s.Id.StartsWith(argument, StringComparison.OrdinalIgnoreCase)).ToList();
            id = matches.Count == 1 ? matches[0].Id : SessionStore.IsSessionId(argument) ? argument : null;
            if (id is null)
            {
                _renderer.WriteError("session.not_found", matches.Count > 1
                    ? $"\"{argument}\" matches {matches.Count} sessions; type more of the id."
                    : $"No session \"{argument}\" in {_workDir}; /sessions lists them.");
                return true;
            }
        }

        if (id == _session?.Id)
        {
            _screen.Line("That is the current session.", DimStyle);
            return true;
        }

        await OpenSessionAsync(id, replay: true, cancellationToken).ConfigureAwait(false);
        return true;
    }

    private async Task<bool> ModelAsync(string argument, CancellationToken cancellationToken)
    {
        _factory.Reload();
        var models = _factory.Config.Models;
        if (models.Count == 0)
        {
            _renderer.WriteError("config.no_models", "No models are configured. Type /login (or run `kimi login --api-key`) to add some.");
            return true;
        }

        var aliases = models.Keys.ToList();
        string? alias;
        if (argument.Length == 0)
        {
            var current = Math.Max(0, aliases.IndexOf(CurrentModel ?? string.Empty));
            var picker = new Picker("Switch to which model?", aliases.Select(a => a == CurrentModel ? a + "  (current)" : a).ToList(), current);
            var (chosen, exit) = await PickAsync(picker, cancellationToken).ConfigureAwait(false);
            if (exit)
            {
                return false;
            }

            if (chosen is null)
            {
                _screen.Line("Model unchanged.", DimStyle);
                return true;
            }

            alias = aliases[chosen.Value];
        }
        else
        {
            alias = aliases.FirstOrDefault(a => a == argument)
                ?? aliases.FirstOrDefault(a => models[a].Model == argument || a.EndsWith("/" + argument, StringComparison.Ordinal));
            if (alias is null)
            {
                _renderer.WriteError("config.unknown_model", $"No model \"{argument}\" in config.toml; the configured ones are: {string.Join(", ", aliases)}.");
                return true;
            }
        }

        var credential = _factory.Resolve(alias);
        if (!credential.IsUsable)
        {
            _renderer.WriteError(AuthErrorCodes.LoginRequired, credential.Problem ?? $"No usable credential for {alias}. Type /login.");
            return true;
        }

        _modelAlias = alias;
        await ReopenAsync(cancellationToken).ConfigureAwait(false);
        _screen.Line($"Model: {alias}" + (_session is null ? string.Empty : " (the conversation goes on with it)"), GoodStyle);
        return true;
    }

    private async Task<bool> CompactAsync(CancellationToken cancellationToken)
    {
        if (_session is not { } session)
        {
            _screen.Line("Nothing to compact yet.", DimStyle);
            return true;
        }

        var (result, cancelled, exit) = await RunBusyAsync("Compacting the conversation", session.CompactAsync, cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            _screen.Line(result.Succeeded
                ? $"⇣ Compacted the conversation: {result.MessagesBefore} → {result.MessagesAfter} messages."
                : $"Not compacted: {result.Error}", result.Succeeded ? GoodStyle : WarnStyle);
        }
        else if (cancelled)
        {
            _screen.Line("■ Compaction cancelled; the conversation is unchanged.", WarnStyle);
        }

        return !exit;
    }

    private async Task<bool> LoginAsync(string arguments, CancellationToken cancellationToken)
    {
        var (code, _, exit) = await RunCommandLineAsync("Waiting for the login (approve it in the browser)", LoginCommand.Create, "login", arguments, cancellationToken).ConfigureAwait(false);
        if (code == ExitCodes.Success)
        {
            _factory.Reload();
            _modelAlias = _modelAlias is not null && _factory.Config.Models.ContainsKey(_modelAlias) ? _modelAlias : null;
            await ReopenAsync(cancellationToken).ConfigureAwait(false);
        }

        return !exit;
    }

    private async Task<bool> LogoutAsync(string arguments, CancellationToken cancellationToken)
    {
        var (code, _, exit) = await RunCommandLineAsync("Logging out", LogoutCommand.Create, "logout", arguments, cancellationToken).ConfigureAwait(false);
        if (code == ExitCodes.Success)
        {
            _factory.Reload();
            _session = null;
            _modelAlias = null;
        }

        return !exit;
    }

    /// <summary>Runs a command of the command line (login, logout) with its output on the screen.</summary>
    private async Task<(int? Code, bool Cancelled, bool Exit)> RunCommandLineAsync(
        string activity, Func<CliEnvironment, Command> create, string name, string arguments, CancellationToken cancellationToken)
    {
        using var writer = new ScreenWriter(_screen);
        var env = new CliEnvironment
        {
            GetVariable = _env.GetVariable,
            Out = writer,
            Error = writer,
            In = TextReader.Null,
            InputRedirected = false,
            CurrentDirectory = _env.CurrentDirectory,
            ErrorIsTerminal = false,
            TimeProvider = _env.TimeProvider,
            OpenBrowser = _env.OpenBrowser,
            ReadSecret = _ => throw new KimiCodeException("cli.usage", "An API key cannot be typed in the shell; run `kimi login --api-key` in a terminal instead."),
        };
        var root = new RootCommand { create(env) };
        string[] args = [name, .. arguments.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries)];
        var result = await RunBusyAsync(activity, token => root.Parse(args).InvokeAsync(new InvocationConfiguration { Output = writer, Error = writer }, token), cancellationToken).ConfigureAwait(false);
        writer.Complete();
        return (result.Result, result.Cancelled, result.Exit);
    }

    /// <summary>
    /// Runs <paramref name="work"/> with the spinner; Ctrl-C cancels it (twice exits the shell), other keys wait
    /// for the line editor.
    /// </summary>
    private async Task<(T? Result, bool Cancelled, bool Exit)> RunBusyAsync<T>(string activity, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var exit = false;
        _renderer.Begin(activity);
        var task = work(cancel.Token);
        Task? tick = null;
        try
        {
            while (!task.IsCompleted)
            {
                tick ??= Task.Delay(TickInterval, _uiTime, CancellationToken.None);
                var keyWait = _keysEnded ? Never : _keys.WaitAsync();
                var done = await Task.WhenAny(task, keyWait, tick).ConfigureAwait(false);
                if (done == tick)
                {
                    tick = null;
                    _renderer.Tick();
                }
                else if (done == keyWait)
                {
                    if (!await keyWait.ConfigureAwait(false))
                    {
                        _keysEnded = true;
                        exit = true;
                        await cancel.CancelAsync().ConfigureAwait(false);
                        continue;
                    }

                    while (_keys.TryRead(out var key))
                    {
                        if (KeyQueue.IsCtrlC(key))
                        {
                            exit |= _ctrlC.Press();
                            _renderer.SetActivity("Cancelling");
                            await cancel.CancelAsync().ConfigureAwait(false);
                        }
                        else
                        {
                            _keys.HoldBack(key);
                        }
                    }
                }
            }

            try
            {
                return (await task.ConfigureAwait(false), false, exit);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return (default, true, exit);
            }
            catch (KimiCodeException ex)
            {
                _renderer.End(null);
                _renderer.WriteError(ex.Code, ex.Message);
                return (default, false, exit);
            }
        }
        finally
        {
            if (_renderer.IsActive)
            {
                _renderer.End(null);
            }

            _keys.ReleaseHeldBack();
        }
    }

    /// <summary>Shows <paramref name="picker"/> until the user picks (index), cancels (null) or presses Ctrl-C twice (exit).</summary>
    private async Task<(int? Chosen, bool Exit)> PickAsync(Picker picker, CancellationToken cancellationToken)
    {
        _screen.SetLive(picker.Lines());
        try
        {
            while (true)
            {
                var next = await _keys.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (next is not { } key)
                {
                    _keysEnded = true;
                    return (null, true);
                }

                if (KeyQueue.IsCtrlC(key))
                {
                    return (null, _ctrlC.Press());
                }

                switch (picker.Handle(key))
                {
                    case PickOutcome.Chosen:
                        return (picker.Selected, false);
                    case PickOutcome.Cancelled:
                        return (null, false);
                    default:
                        _screen.SetLive(picker.Lines());
                        break;
                }
            }
        }
        finally
        {
            _screen.ClearLive();
        }
    }

    public void Dispose() => _factory.Dispose();
}
