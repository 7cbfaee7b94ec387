using KimiCode.Agent;
using KimiCode.Agent.Mentions;
using KimiCode.Agent.Permissions;
using KimiCode.Cli.Shell.Commands;
using KimiCode.Config;
using KimiCode.Cli.Shell.Mentions;
using KimiCode.Hosting;
using KimiCode.Protocol;
using Microsoft.Extensions.AI;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The interactive shell: reads prompts and slash commands, runs agent turns and renders them. One instance per
/// run; everything outside (console, keys, time, environment) comes in through the constructor. Turns and long
/// commands run in the <see cref="WorkLoop"/>; commands come from the <see cref="CommandSet"/> and see the shell
/// through the <see cref="ShellContext"/>.
/// </summary>
internal sealed class ShellApp : IDisposable, IAsyncDisposable
{
    private readonly CliEnvironment _env;
    private readonly ShellOptions _options;
    private readonly ShellScreen _screen;
    private readonly InputHistory _history;
    private readonly LineEditor _editor;
    private readonly TurnRenderer _renderer;
    private readonly WorkLoop _loop;
    private readonly ShellPermissionPrompter _prompter = new();
    private readonly AgentSessionFactory _factory;
    private readonly ShellContext _context;
    private readonly TuiConfig _tui;

    public ShellApp(CliEnvironment env, IShellTerminal terminal, ShellOptions options, TimeProvider uiTime)
    {
        _env = env;
        _options = options;
        _screen = new ShellScreen(terminal.Console);
        var keys = new KeyQueue(terminal.Keys, terminal.ResumeKeys);
        var ctrlC = new CtrlCGate(uiTime);
        _history = InputHistory.Load(Path.Combine(env.Home.Root, InputHistory.FileName));
        _editor = new LineEditor(_screen, keys, _history, ctrlC, Commands.Completions,
            new MentionCompleter(() => _context?.WorkDir), new ExternalEditor(env.GetVariable, raw => _screen.WriteRaw(raw), keys.ResumeReading));
        _renderer = new TurnRenderer(_screen, uiTime, () => _context!.ShowThinking);
        _tui = TuiConfig.Load(env.Home);
        _loop = new WorkLoop(_screen, keys, ctrlC, _renderer, uiTime) { Notifier = new TerminalNotifier(_screen, _tui, env.GetVariable) };
        _factory = new AgentSessionFactory(env.Host);
        _context = new ShellContext(env, options, _screen, _renderer, _loop, Commands, _factory, _prompter);
    }

    /// <summary>Raised each time the shell starts waiting for the next input line (tests wait on it).</summary>
    public event Action? WaitingForInput;

    /// <summary>The slash commands; add one to have it listed by /help, completed and run.</summary>
    public CommandSet Commands { get; } = CommandSet.CreateBuiltIn();

    /// <summary>The current session (null before the first prompt of a new session).</summary>
    public AgentSession? Session => _context.Session;

    public PermissionMode Mode => _context.Mode;

    public string? CurrentModel => _context.CurrentModel;

    public async Task<int> RunAsync(CancellationToken cancellationToken)
    {
        var workDir = Path.GetFullPath(_options.WorkDir ?? _env.CurrentDirectory);
        if (!Directory.Exists(workDir))
        {
            throw new KimiCodeException(CliErrorCodes.Usage, $"The working directory {workDir} does not exist; pass an existing folder with -w.");
        }

        var config = _factory.Config; // a malformed config.toml fails here with its one-line message
        var configured = PermissionPolicy.FromConfig(config.Permissions, workDir, []).Mode; // a bad rule fails here too
        _context.Start(workDir, configured, configured == PermissionMode.Plan ? PermissionPolicy.BaseMode(config.Permissions) : null);
        foreach (var skillCommand in SkillCommand.For(_factory.LoadSkills(workDir)).Where(c => Commands.Find(c.Name) is null))
        {
            Commands.Add(skillCommand);
        }

        var resume = Cli.Commands.SessionsCommand.ResumeTarget(_factory.Store, _options.SessionId, _options.Continue, workDir);

        try
        {
            WriteBanner();
            if (_tui.Problem is { } tuiProblem)
            {
                _screen.Line("! " + tuiProblem, ShellStyles.Warn);
            }

            if (resume is not null)
            {
                await _context.OpenSessionAsync(resume, replay: true, cancellationToken).ConfigureAwait(false);
            }
            else if (_options.PickSession)
            {
                // The /resume picker; cancelling it (or no sessions yet) leaves a new session.
                _screen.Gap();
                if (await new ResumeCommand().ExecuteAsync(_context, string.Empty, cancellationToken).ConfigureAwait(false) == CommandResult.Exit)
                {
                    return ExitCodes.Success;
                }
            }
            else if (_factory.Resolve(_context.ModelAlias) is { IsUsable: false } credential)
            {
                _screen.Gap();
                _screen.Line($"! {credential.Problem}", ShellStyles.Warn);
                _screen.Line("  Type /login to log in with your Kimi account.", ShellStyles.Dim);
            }

            var leaving = _options.InitialPrompt is { } first && first.Trim().Length > 0
                && !await RunInitialPromptAsync(first, cancellationToken).ConfigureAwait(false);
            while (!leaving && !cancellationToken.IsCancellationRequested)
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
                    _context.ToggleThinking();
                    continue;
                }

                var text = input.Text;
                if (text.Trim().Length == 0)
                {
                    continue;
                }

                _history.Add(text);
                var keepGoing = text.StartsWith('!')
                    ? await RunShellCommandAsync(text[1..], cancellationToken).ConfigureAwait(false)
                    : Commands.TryParse(text, out var command)
                    ? await RunCommandAsync(command, cancellationToken).ConfigureAwait(false)
                    : await RunTurnAsync(text, cancellationToken).ConfigureAwait(false);
                if (!keepGoing)
                {
                    break;
                }
            }

            _screen.ClearLive();
            if (_context.Session is { } session && session.History.Count > 0)
            {
                _screen.Gap();
                _screen.Line(ExitHint(session.Id), ShellStyles.Dim);
            }
        }
        finally
        {
            // Another kimi may open the session as soon as this shell is done with it (process exit would release it too).
            if (_context.Session is { } open)
            {
                await open.EndAsync().ConfigureAwait(false);
                _factory.Store.Release(open.Id);
            }
        }

        return ExitCodes.Success;
    }

    /// <summary>
    /// How to open the session again: <c>kimi --continue</c> only when that is what it would open (the newest session
    /// of the folder it is started in; another kimi, /fork or /resume may have made another one newer), otherwise
    /// <c>kimi -r</c> with the shortest start of the id that names it alone.
    /// </summary>
    private string ExitHint(string sessionId)
    {
        var store = _factory.Store;
        var here = Path.TrimEndingDirectorySeparator(Path.GetFullPath(_env.CurrentDirectory));
        if (string.Equals(here, Path.TrimEndingDirectorySeparator(_context.WorkDir), StringComparison.Ordinal) && store.Latest(here)?.Id == sessionId)
        {
            return "Session saved; `kimi --continue` picks it up again.";
        }

        var shortId = Cli.Commands.SessionsCommand.ShortId(store, sessionId);
        return $"Session saved; resume it with `kimi -r {shortId}`.";
    }

    private void WriteBanner()
    {
        var version = typeof(ShellApp).Assembly.GetName().Version ?? new Version(0, 0, 0);
        var header = new Paragraph();
        header.Append("kimi", new Style(Color.Aqua, decoration: Decoration.Bold));
        header.Append($" {version.Major}.{version.Minor}.{version.Build}", ShellStyles.Dim);
        header.Append(" · ", ShellStyles.Dim);
        header.Append(CurrentModel ?? "no model configured", ShellStyles.Bold);
        header.Append(" · ", ShellStyles.Dim);
        header.Append(ShellContext.ModeName(_context.Mode) + " mode", ShellStyles.Dim);
        header.Append("\n" + _context.WorkDir, ShellStyles.Dim);
        header.Append("\nEnter sends; Ctrl-J, Alt-Enter or a trailing \\ adds a line. /help lists commands; Ctrl-C cancels, twice exits.", ShellStyles.Dim);
        _screen.Write(header);
    }

    private StyledLine PromptLine() => _context.Mode switch
    {
        PermissionMode.Yolo => new StyledLine().Add("yolo ", Tone.Warn).Add("› ", Tone.Selected),
        PermissionMode.Plan => new StyledLine().Add("plan ", Tone.Accent).Add("› ", Tone.Selected),
        PermissionMode.AcceptEdits => new StyledLine().Add("edits ", Tone.Good).Add("› ", Tone.Selected),
        _ => new StyledLine().Add("› ", Tone.Selected),
    };

    /// <summary>The prompt given on the command line: echoed after the prompt sign as if typed, then run as a turn (never as a slash command).</summary>
    private Task<bool> RunInitialPromptAsync(string prompt, CancellationToken cancellationToken)
    {
        _screen.Gap();
        _screen.WriteRaw(_screen.Format(PromptLine()) + prompt.ReplaceLineEndings("\r\n  ") + "\r\n");
        _history.Add(prompt);
        return RunTurnAsync(prompt, cancellationToken);
    }

    /// <summary>Runs one turn; false when the user asked to leave (Ctrl-C twice, or the terminal closed).</summary>
    private async Task<bool> RunTurnAsync(string prompt, CancellationToken cancellationToken)
    {
        // Pictures first: a refused one sends nothing and opens no session.
        if (PromptContents(prompt) is not { } contents
            || await _context.EnsureSessionAsync(cancellationToken).ConfigureAwait(false) is not { } session)
        {
            return true;
        }

        _renderer.WriteImages(contents.OfType<DataContent>());
        AttachMentionedFiles(prompt, session, contents);
        var exit = await _loop.RunTurnAsync(token => session.RunTurnAsync(contents, token), _prompter, cancellationToken).ConfigureAwait(false);
        _context.FollowSessionMode();
        return !exit;
    }

    /// <summary>Adds the text files the prompt's <c>@path</c> words name (<see cref="FileMentions"/>), each shown as one dim line; notices in yellow.</summary>
    private void AttachMentionedFiles(string prompt, AgentSession session, List<AIContent> contents)
    {
        var mentions = session.ReadMentionedFiles(PromptImages.Mentioned(prompt, _context.WorkDir, _env.GetVariable("HOME")), _env.GetVariable("HOME"), _env.Home.Root);
        _renderer.WriteAttachedFiles(mentions.Files);
        foreach (var notice in mentions.Notices)
        {
            _screen.Line("! " + notice, ShellStyles.Warn);
        }

        contents.InsertRange(1, mentions.Files.Select(f => new TextContent(FileMentions.Part(f))));
    }

    /// <summary>
    /// <c>!command</c>: runs the command without the model, through the session's Bash permission path (deny rules,
    /// ask rules, plan mode); its output is shown and recorded for the next turn. False when the user asked to leave.
    /// </summary>
    private async Task<bool> RunShellCommandAsync(string command, CancellationToken cancellationToken)
    {
        if (command.Trim().Length == 0)
        {
            _screen.Line("Type a command after the ! (for example !git status); it runs without the model.", ShellStyles.Dim);
            return true;
        }

        if (await _context.EnsureSessionAsync(cancellationToken).ConfigureAwait(false) is not { } session)
        {
            return true;
        }

        var exit = await _loop.RunTurnAsync(token => session.RunShellCommandAsync(command, token), _prompter, cancellationToken, "Running").ConfigureAwait(false);
        return !exit;
    }

    /// <summary>
    /// The prompt with the pictures it names attached (<see cref="PromptImages"/>); null, with the reason shown, when
    /// one cannot be sent. For a model without <c>image_in</c>, an <c>@image</c> is refused, while a path merely
    /// mentioned goes as text with a notice.
    /// </summary>
    private List<AIContent>? PromptContents(string prompt)
    {
        var config = _factory.Config;
        var found = PromptImages.Find(prompt, _context.WorkDir, _env.GetVariable("HOME"), ImageInput.UserLimits(config, _env.GetVariable));
        if (found.None)
        {
            return [new TextContent(prompt)];
        }

        if (!ImageInput.SeesImages(config, _context.CurrentModel))
        {
            if (found.Explicit)
            {
                _renderer.WriteError(CliErrorCodes.Usage, ImageInput.CannotSeeImages(config, _context.CurrentModel) + " Switch with /model, or send the prompt without the @image.");
                return null;
            }

            _screen.Gap();
            _screen.Line("! " + ImageInput.CannotSeeImages(config, _context.CurrentModel) + " The path goes as text.", ShellStyles.Warn);
            return [new TextContent(prompt)];
        }

        if (found.Error is { } error)
        {
            _renderer.WriteError(CliErrorCodes.Usage, error);
            return null;
        }

        return [new TextContent(prompt), .. found.Images];
    }

    /// <summary>Runs a command; false when the shell should exit.</summary>
    private async Task<bool> RunCommandAsync(SlashCommand line, CancellationToken cancellationToken)
    {
        _screen.Gap();
        if (Commands.Find(line.Name) is not { } command)
        {
            _renderer.WriteError(CliErrorCodes.UnknownCommand, $"Unknown command /{line.Name}; type /help for the list (start the line with a space to send it as a prompt).");
            return true;
        }

        try
        {
            return await command.ExecuteAsync(_context, line.Arguments, cancellationToken).ConfigureAwait(false) == CommandResult.Continue;
        }
        catch (KimiCodeException ex)
        {
            _renderer.WriteError(ex.Code, ex.Message);
            return true;
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            // A defect in one command must not end the shell (the session is intact): say so, and go on.
            _renderer.WriteError(AgentErrorCodes.Internal, $"/{line.Name} failed unexpectedly ({ex.GetType().Name}: {ex.Message}); the session is intact. Please report it.");
            return true;
        }
    }

    public void Dispose() => _factory.Dispose();

    /// <summary>Like <see cref="Dispose"/>, and waits for the session's MCP servers to stop.</summary>
    public ValueTask DisposeAsync() => _factory.DisposeAsync();
}
