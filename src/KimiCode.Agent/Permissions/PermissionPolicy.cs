using KimiCode.Agent.Permissions.Shell;
using KimiCode.Agent.Tools;
using KimiCode.Config;
using KimiCode.Protocol;

namespace KimiCode.Agent.Permissions;

/// <summary>
/// The permission policy of one session. For each call, in order:
/// <list type="number">
/// <item>a matching deny rule denies (deny beats ask beats allow whatever the order of the rules, as in the official
/// client; among rules of one decision the first in file order is the one reported);</item>
/// <item>in <see cref="PermissionMode.Plan"/>, a <c>Write</c> or <c>Edit</c> of exactly the session's <see cref="PlanFile"/>
/// (as written and once resolved, so neither a <c>..</c> nor a symbolic link can stand in for it) is allowed; every
/// other edit and every command is denied ("plan mode is read-only"), whatever the allow rules and session grants say;</item>
/// <item>a call with a <see cref="PreparedToolCall.SafetyConcern"/> (FetchURL of a loopback, private or link-local
/// address) asks, in every mode, unless an allow rule with a pattern (<c>FetchURL(domain:intranet.example)</c>) matches
/// it: an allow rule for the bare tool, or a session grant, does not lift it;</item>
/// <item>a path whose symbolic links cannot be resolved (a loop) asks, in every mode;</item>
/// <item>a command line that cannot be fully classified (a computed program name, <c>eval</c>, control flow) asks
/// when a deny or ask command rule exists for the tool, since the rule cannot be shown not to match;</item>
/// <item>a write to a sensitive path (<see cref="SensitivePaths"/>: <c>.git/</c>, shell startup files, <c>~/.ssh/</c>,
/// the kimi data folder, ...) asks, in every mode but Yolo and whatever the allow rules and session grants say;</item>
/// <item>a write outside the working directory and the additional directories asks, in every mode and whatever
/// the allow rules and session grants say;</item>
/// <item>(in Auto, which never asks, these safety steps deny instead; an unclassifiable command under an ask rule only is allowed)</item>
/// <item>a matching ask rule asks (in Auto: allows);</item>
/// <item>a matching allow rule, or a session grant, allows;</item>
/// <item>otherwise the mode decides: <c>None</c>, <c>Network</c> and <c>Read</c> actions are allowed (a read outside the workspace
/// asks, except in Yolo and Auto); <c>Edit</c> asks in Default and is allowed in AcceptEdits, Yolo and Auto;
/// <c>Execute</c> asks except in Yolo and Auto.</item>
/// </list>
/// Paths are judged twice: as written (<see cref="PreparedToolCall.Subject"/>, <see cref="PreparedToolCall.Locations"/>)
/// and as resolved, with every symbolic link and <c>..</c> followed (<see cref="WorkspacePaths.RealPath"/>, computed
/// once per evaluation). Deny and ask rules and the sensitive-path check match when either form does; allow rules and
/// "inside the workspace" hold only when both forms do. Residual race: the tool opens the path as written when it
/// runs, so a link swapped in between this check and the run (by a process outside kimi, or one a command left
/// running in the background) is not seen.
/// Session grants (<see cref="GrantForSession"/>): for a command (<c>Execute</c>), that exact command line; for an
/// edit (<c>Edit</c>/<c>Write</c>), every edit inside the workspace; for anything else, every call of that tool.
/// </summary>
public sealed class PermissionPolicy : IPermissionPolicy
{
    private readonly Lock _gate = new();
    private readonly PermissionRule[] _deny;
    private readonly PermissionRule[] _ask;
    private readonly PermissionRule[] _allow;
    private readonly string[] _roots;
    private readonly string? _userHome;
    private readonly string? _kimiHome;
    private readonly HashSet<(string Tool, string Command)> _grantedCommands = [];
    private readonly HashSet<string> _grantedTools = new(StringComparer.Ordinal);
    private bool _grantedWorkspaceEdits;
    private PermissionMode _mode;
    private PermissionMode _modeBeforePlan;
    private string? _planFile;

    /// <summary>A policy for a session in <paramref name="workingDirectory"/> (plus <paramref name="additionalDirectories"/>).</summary>
    /// <param name="mode">The approval mode.</param>
    /// <param name="rules">Deny, ask and allow rules.</param>
    /// <param name="workingDirectory">The working directory.</param>
    /// <param name="additionalDirectories">Further workspace folders.</param>
    /// <param name="userHome">The user's home folder, for the sensitive paths in it (<c>~/.ssh</c>, ...); null: this process's user profile.</param>
    /// <param name="kimiHome">The kimi data folder (<c>KIMI_CODE_HOME</c>); null: <c>.kimi-code</c> in <paramref name="userHome"/>.</param>
    public PermissionPolicy(
        PermissionMode mode,
        IReadOnlyList<PermissionRule> rules,
        string workingDirectory,
        IReadOnlyList<string> additionalDirectories,
        string? userHome = null,
        string? kimiHome = null)
    {
        ArgumentNullException.ThrowIfNull(rules);
        ArgumentException.ThrowIfNullOrEmpty(workingDirectory);
        ArgumentNullException.ThrowIfNull(additionalDirectories);
        _mode = mode;
        _modeBeforePlan = mode == PermissionMode.Plan ? PermissionMode.Default : mode;
        Rules = rules.ToArray();
        _deny = rules.Where(static r => r.Decision == PermissionDecision.Deny).ToArray();
        _ask = rules.Where(static r => r.Decision == PermissionDecision.Ask).ToArray();
        _allow = rules.Where(static r => r.Decision == PermissionDecision.Allow).ToArray();
        WorkingDirectory = WorkspacePaths.Normalize(workingDirectory);
        AdditionalDirectories = additionalDirectories.Select(WorkspacePaths.Normalize).ToArray();
        _roots = [WorkingDirectory, .. AdditionalDirectories];
        userHome = string.IsNullOrWhiteSpace(userHome) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : userHome;
        _userHome = string.IsNullOrWhiteSpace(userHome) ? null : WorkspacePaths.Normalize(userHome);
        _kimiHome = !string.IsNullOrWhiteSpace(kimiHome) ? WorkspacePaths.Normalize(kimiHome)
            : _userHome is null ? null : Path.Combine(_userHome, ".kimi-code");
    }

    /// <inheritdoc />
    public PermissionMode Mode
    {
        get
        {
            lock (_gate)
            {
                return _mode;
            }
        }

        set
        {
            lock (_gate)
            {
                if (value == PermissionMode.Plan && _mode != PermissionMode.Plan)
                {
                    _modeBeforePlan = _mode;
                }

                _mode = value;
            }
        }
    }

    /// <inheritdoc />
    public PermissionMode ModeBeforePlan
    {
        get
        {
            lock (_gate)
            {
                return _modeBeforePlan;
            }
        }
    }

    /// <summary>
    /// The one file <c>Write</c> and <c>Edit</c> may change in plan mode (the session's plan file, absolute); null: none.
    /// Stored as it really is (its folder's links resolved), so a call must name the file itself, not a link to it.
    /// </summary>
    public string? PlanFile
    {
        get
        {
            lock (_gate)
            {
                return _planFile;
            }
        }

        set
        {
            var canonical = value is null ? null : WorkspacePaths.RealPath(WorkspacePaths.Normalize(value));
            lock (_gate)
            {
                _planFile = canonical;
            }
        }
    }

    /// <summary>The rules, as given.</summary>
    public IReadOnlyList<PermissionRule> Rules { get; }

    /// <summary>The working directory (absolute).</summary>
    public string WorkingDirectory { get; }

    /// <summary>Further workspace folders (absolute).</summary>
    public IReadOnlyList<string> AdditionalDirectories { get; }

    /// <summary>
    /// Builds a policy from config.toml's permission keys: the <c>[[permission.rules]]</c> in file order, then the
    /// <c>[permissions]</c> deny, ask and allow lists; the mode is <see cref="ConfiguredMode"/>. Throws
    /// <see cref="KimiCodeException"/> with code <see cref="ConfigErrorCodes.InvalidPermissionRule"/> for an unknown
    /// mode or a malformed rule (an official rule's message starts with its <c>file:line</c>).
    /// </summary>
    /// <param name="config">The permission keys.</param>
    /// <param name="workingDirectory">The working directory.</param>
    /// <param name="additionalDirectories">Further workspace folders.</param>
    /// <param name="userHome">The user's home folder (see the constructor).</param>
    /// <param name="kimiHome">The kimi data folder (see the constructor).</param>
    public static PermissionPolicy FromConfig(
        PermissionsConfig config, string workingDirectory, IReadOnlyList<string> additionalDirectories, string? userHome = null, string? kimiHome = null)
    {
        ArgumentNullException.ThrowIfNull(config);
        var mode = ConfiguredMode(config);
        userHome = string.IsNullOrWhiteSpace(userHome) ? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile) : userHome;
        var rules = new List<PermissionRule>();
        foreach (var rule in config.Rules)
        {
            try
            {
                rules.Add(PermissionRule.Parse(rule.Pattern, ParseDecision(rule.Decision), userHome, rule.Reason));
            }
            catch (KimiCodeException ex) when (ex.Code == ConfigErrorCodes.InvalidPermissionRule)
            {
                throw new KimiCodeException(ex.Code, $"{rule.Location}: {ex.Message}");
            }
        }

        rules.AddRange(config.Deny.Select(text => PermissionRule.Parse(text, PermissionDecision.Deny, userHome)));
        rules.AddRange(config.Ask.Select(text => PermissionRule.Parse(text, PermissionDecision.Ask, userHome)));
        rules.AddRange(config.Allow.Select(text => PermissionRule.Parse(text, PermissionDecision.Allow, userHome)));
        var policy = new PermissionPolicy(mode, rules, workingDirectory, additionalDirectories, userHome, kimiHome);
        policy._modeBeforePlan = BaseMode(config);
        return policy;
    }

    /// <summary>
    /// The mode new sessions start in: plan when <c>default_plan_mode = true</c>; else <c>default_permission_mode</c>
    /// (<c>manual</c> = Default, <c>yolo</c>, <c>auto</c>), which wins over our <c>[permissions] mode</c>; else that.
    /// </summary>
    public static PermissionMode ConfiguredMode(PermissionsConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        return config.DefaultPlanMode == true ? PermissionMode.Plan : BaseMode(config);
    }

    /// <summary>The mode of <paramref name="config"/> without plan mode: what leaving plan mode goes back to.</summary>
    public static PermissionMode BaseMode(PermissionsConfig config)
    {
        ArgumentNullException.ThrowIfNull(config);
        var mode = ParseMode(config.DefaultPermissionMode ?? config.Mode);
        return mode == PermissionMode.Plan ? PermissionMode.Default : mode;
    }

    /// <summary>Parses <c>default</c> (or <c>manual</c>), <c>accept-edits</c>, <c>yolo</c>, <c>auto</c> or <c>plan</c> (null or empty: default).</summary>
    public static PermissionMode ParseMode(string? text) => text?.Trim().ToLowerInvariant() switch
    {
        null or "" or "default" or "manual" => PermissionMode.Default,
        "accept-edits" => PermissionMode.AcceptEdits,
        "yolo" => PermissionMode.Yolo,
        "auto" => PermissionMode.Auto,
        "plan" => PermissionMode.Plan,
        _ => throw new KimiCodeException(
            ConfigErrorCodes.InvalidPermissionRule,
            $"Invalid permission mode '{text}' in [permissions] mode: use \"default\", \"accept-edits\", \"yolo\", \"auto\" or \"plan\"."),
    };

    /// <summary>The configuration name of <paramref name="mode"/>.</summary>
    public static string FormatMode(PermissionMode mode) => mode switch
    {
        PermissionMode.AcceptEdits => "accept-edits",
        PermissionMode.Yolo => "yolo",
        PermissionMode.Auto => "auto",
        PermissionMode.Plan => "plan",
        _ => "default",
    };

    private static PermissionDecision ParseDecision(string decision) => decision switch
    {
        "allow" => PermissionDecision.Allow,
        "ask" => PermissionDecision.Ask,
        _ => PermissionDecision.Deny,
    };

    /// <summary>
    /// True when a deny rule keeps <c>Read</c> from the file at <paramref name="fullPath"/>, as written or where it
    /// really leads. Grep and Glob call it for every file of a folder search (<see cref="ToolContext.IsReadDenied"/>).
    /// </summary>
    public bool DeniesRead(string fullPath)
    {
        if (!_deny.Any(static rule => rule.IsPathRule) || string.IsNullOrEmpty(fullPath) || !Path.IsPathRooted(fullPath))
        {
            return false;
        }

        var lexical = WorkspacePaths.Normalize(fullPath);
        var real = WorkspacePaths.RealPath(lexical);
        var realWorkingDirectory = WorkspacePaths.RealPath(WorkingDirectory) ?? WorkingDirectory;
        string Subject(string path) => SubjectFor(path, WorkingDirectory, realWorkingDirectory);
        var subjects = real is null || real == lexical ? [Subject(lexical)] : new[] { Subject(lexical), Subject(real) };
        return _deny.Any(rule => rule.IsPathRule && subjects.Any(subject => rule.MatchesPathSubject("Read", subject)));
    }

    /// <inheritdoc />
    public PermissionVerdict Evaluate(string toolName, PreparedToolCall call)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        ArgumentNullException.ThrowIfNull(call);
        var mode = Mode;
        var paths = CallPaths.Of(call, WorkingDirectory);

        if (_deny.FirstOrDefault(rule => Matches(rule, toolName, call, paths)) is { } deny)
        {
            var link = deny.Matches(toolName, call) ? "" : LinkNote(call, paths);
            var because = string.IsNullOrWhiteSpace(deny.Reason) ? "" : $" (reason: {deny.Reason.Trim()})";
            return new PermissionVerdict(PermissionDecision.Deny, $"denied by the permission rule '{deny.Text}'{because}{link}");
        }

        if (mode == PermissionMode.Plan && call.Action is PermissionAction.Edit or PermissionAction.Execute)
        {
            var planFile = PlanFile;
            return call.Action == PermissionAction.Edit && IsPlanFileWrite(toolName, paths, planFile)
                ? new PermissionVerdict(PermissionDecision.Allow)
                : new PermissionVerdict(PermissionDecision.Deny, planFile is null
                    ? "plan mode is read-only"
                    : $"plan mode is read-only except the plan file {planFile}; write the plan there, then call ExitPlanMode to leave plan mode");
        }

        if (call.SafetyConcern is { } concern && !_allow.Any(rule => rule.Pattern is not null && rule.Matches(toolName, call)))
        {
            return Safety(mode, concern);
        }

        if (paths.Unresolvable is { } unresolvable)
        {
            return Safety(mode, $"the symbolic links in {Display(unresolvable)} cannot be resolved (a link loop?): check the path before allowing");
        }

        if (call.Action == PermissionAction.Execute && UncheckableCommand(toolName, call, mode) is { } uncheckable)
        {
            return uncheckable;
        }

        if (call.Action == PermissionAction.Edit && mode != PermissionMode.Yolo && SensitiveLocation(paths) is { } sensitive)
        {
            return Safety(mode, $"edits {Display(sensitive.Path)}: {sensitive.Why}");
        }

        var outside = OutsideLocation(paths);
        if (call.Action == PermissionAction.Edit && outside is not null)
        {
            return Safety(mode, $"writes outside the workspace: {outside}");
        }

        if (_ask.FirstOrDefault(rule => Matches(rule, toolName, call, paths)) is { } ask)
        {
            if (mode == PermissionMode.Auto)
            {
                return new PermissionVerdict(PermissionDecision.Allow); // auto never asks; the official client allows too
            }

            var link = ask.Matches(toolName, call) ? "" : LinkNote(call, paths);
            return new PermissionVerdict(PermissionDecision.Ask, $"the permission rule '{ask.Text}' asks{link}");
        }

        if ((AllowRulesCover(toolName, call) && AllowRulesCoverRealPaths(toolName, call, paths)) || IsGranted(toolName, call, outside))
        {
            return new PermissionVerdict(PermissionDecision.Allow);
        }

        return call.Action switch
        {
            PermissionAction.None or PermissionAction.Network => new PermissionVerdict(PermissionDecision.Allow),
            PermissionAction.Read when outside is null || mode is PermissionMode.Yolo or PermissionMode.Auto => new PermissionVerdict(PermissionDecision.Allow),
            PermissionAction.Read => new PermissionVerdict(PermissionDecision.Ask, $"reads outside the workspace: {outside}"),
            PermissionAction.Edit when mode is PermissionMode.AcceptEdits or PermissionMode.Yolo or PermissionMode.Auto => new PermissionVerdict(PermissionDecision.Allow),
            PermissionAction.Edit => new PermissionVerdict(PermissionDecision.Ask, "edits need approval in default mode"),
            _ when mode is PermissionMode.Yolo or PermissionMode.Auto => new PermissionVerdict(PermissionDecision.Allow),
            _ => new PermissionVerdict(PermissionDecision.Ask, toolName.StartsWith("mcp__", StringComparison.Ordinal) ? "MCP tools need approval" : "shell commands need approval"),
        };
    }

    /// <summary>
    /// True when the call is a <c>Write</c> or <c>Edit</c> of the plan file and nothing else: its one location is the
    /// plan file as written (after <c>..</c> is applied) and where it really leads, so a link planted at that name or on
    /// the way to it, or a path that only resolves there, does not qualify.
    /// </summary>
    private static bool IsPlanFileWrite(string toolName, CallPaths paths, string? planFile)
        => planFile is not null
            && toolName is "Write" or "Edit"
            && paths.Locations.Count == 1
            && string.Equals(paths.Locations[0].Lexical, planFile, StringComparison.Ordinal)
            && string.Equals(paths.Locations[0].Real, planFile, StringComparison.Ordinal);

    /// <summary>
    /// A command line that cannot be fully classified (<c>$(echo rm) -rf x</c>, <c>eval</c>, control flow) while a deny
    /// or ask command rule exists for the tool: a rule cannot be shown not to match, so it asks (a deny rule: denies in
    /// Auto), whatever the allow rules, session grants and mode say. Null when there is no such rule or the line parsed.
    /// </summary>
    private PermissionVerdict? UncheckableCommand(string toolName, PreparedToolCall call, PermissionMode mode)
    {
        var deny = _deny.FirstOrDefault(rule => rule.IsCommandRule && rule.AppliesTo(toolName));
        var rule = deny ?? (mode == PermissionMode.Auto ? null : _ask.FirstOrDefault(rule => rule.IsCommandRule && rule.AppliesTo(toolName)));
        if (rule is null || ShellParser.Parse(call.Subject) is not { Complete: false } parsed)
        {
            return null;
        }

        var why = $"the command cannot be checked against the permission rule '{rule.Text}' ({parsed.Problem}): check it before allowing";
        return deny is not null ? Safety(mode, why) : new PermissionVerdict(PermissionDecision.Ask, why);
    }

    /// <summary>A safety step's verdict: ask, or in Auto (nobody is asked) deny, telling the model why.</summary>
    private static PermissionVerdict Safety(PermissionMode mode, string reason)
        => mode == PermissionMode.Auto
            ? new PermissionVerdict(PermissionDecision.Deny, $"{reason}; auto mode never asks, and this needs a person to approve it")
            : new PermissionVerdict(PermissionDecision.Ask, reason);

    /// <inheritdoc />
    public void GrantForSession(string toolName, PreparedToolCall call)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        ArgumentNullException.ThrowIfNull(call);
        lock (_gate)
        {
            switch (call.Action)
            {
                case PermissionAction.Execute:
                    _grantedCommands.Add((toolName, call.Subject.Trim()));
                    break;
                case PermissionAction.Edit:
                    _grantedWorkspaceEdits = true;
                    break;
                default:
                    _grantedTools.Add(toolName);
                    break;
            }
        }
    }

    private bool IsGranted(string toolName, PreparedToolCall call, string? outside)
    {
        lock (_gate)
        {
            return call.Action switch
            {
                PermissionAction.Execute => _grantedCommands.Contains((toolName, call.Subject.Trim())),
                PermissionAction.Edit => _grantedWorkspaceEdits && outside is null,
                _ => _grantedTools.Contains(toolName),
            };
        }
    }

    /// <summary>
    /// True when the allow rules cover the call. For a command: an allow rule without a pattern (<c>Bash</c>) covers
    /// every command; otherwise the command line must parse fully (<see cref="ShellParser"/>), every simple command in
    /// it (nested ones, <c>bash -c</c> strings, <c>xargs</c> and <c>find -exec</c> commands included) must be matched by
    /// some allow rule (<c>Bash(git status*)</c> and <c>Bash(ls*)</c> together allow <c>git status &amp;&amp; ls</c>),
    /// and no redirection may write outside the workspace (<see cref="RedirectionsStayInside"/>).
    /// </summary>
    private bool AllowRulesCover(string toolName, PreparedToolCall call)
    {
        if (_allow.Any(rule => !rule.IsCommandRule && rule.Matches(toolName, call)))
        {
            return true;
        }

        if (!_allow.Any(rule => rule.IsCommandRule))
        {
            return false;
        }

        if (call.Action != PermissionAction.Execute)
        {
            return _allow.Any(rule => rule.Matches(toolName, call));
        }

        var parsed = ShellParser.Parse(call.Subject);
        return parsed.Complete
            && parsed.Commands.Count > 0
            && parsed.Commands.All(command => _allow.Any(rule => rule.AllowsCommand(toolName, command)))
            && RedirectionsStayInside(parsed);
    }

    /// <summary>
    /// True when every redirection of <paramref name="parsed"/> that writes targets <c>/dev/null</c>,
    /// <c>/dev/stdout</c>, <c>/dev/stderr</c>, <c>/dev/tty</c> or a path inside the workspace. Relative targets resolve
    /// against the working directory, except after a <c>cd</c>; a target with an expansion, a substitution, a glob or a
    /// leading <c>~</c> counts as outside; so does a target in <c>.git/</c> and other configuration that runs commands
    /// (<see cref="IsSensitiveRedirectTarget"/>).
    /// </summary>
    private bool RedirectionsStayInside(ShellParse parsed)
    {
        foreach (var redirect in parsed.Redirects)
        {
            if (!redirect.Writes || redirect.Target is "/dev/null" or "/dev/stdout" or "/dev/stderr" or "/dev/tty")
            {
                continue;
            }

            var target = redirect.Target;
            if (!redirect.Literal || target.Length == 0 || target.Contains('\0', StringComparison.Ordinal))
            {
                return false;
            }

            if (!Path.IsPathRooted(target))
            {
                if (parsed.ChangesDirectory)
                {
                    return false;
                }

                target = Path.Combine(WorkingDirectory, target);
            }

            // The target as written and where it really leads (a workspace link to /etc is outside) must both qualify.
            target = WorkspacePaths.Normalize(target);
            var real = WorkspacePaths.RealPath(target);
            if (real is null || !WorkspacePaths.IsInside(target, real, _roots)
                || IsSensitiveRedirectTarget(target) || IsSensitiveRedirectTarget(real))
            {
                return false;
            }
        }

        return true;
    }

    /// <summary>
    /// True for a redirection target an allow rule must not cover even inside the workspace: the sensitive paths
    /// (<see cref="SensitivePaths"/>: <c>.git/</c>, tool and editor configuration, shell startup files, the kimi data
    /// folder) and any <c>.ssh</c> folder.
    /// </summary>
    private bool IsSensitiveRedirectTarget(string path)
        => SensitivePaths.IsSensitive(path, _userHome, _kimiHome)
            || path.Split('/', StringSplitOptions.RemoveEmptyEntries).Any(static s => s.Equals(".ssh", StringComparison.OrdinalIgnoreCase));

    /// <summary>A deny or ask rule matches the path as written or the resolved real path.</summary>
    private static bool Matches(PermissionRule rule, string toolName, PreparedToolCall call, CallPaths paths)
        => rule.Matches(toolName, call)
            || (rule.IsPathRule && call.Action != PermissionAction.Execute && paths.RealSubjects.Any(real => rule.MatchesPathSubject(toolName, real)));

    /// <summary>An allow rule that covers a path as written must also cover where it really leads (some allow rule for each real path).</summary>
    private bool AllowRulesCoverRealPaths(string toolName, PreparedToolCall call, CallPaths paths)
        => call.Action == PermissionAction.Execute
            || paths.RealSubjects.All(real => real == call.Subject || _allow.Any(rule => rule.MatchesPathSubject(toolName, real)));

    private (string Path, string Why)? SensitiveLocation(CallPaths paths)
    {
        foreach (var (lexical, real) in paths.Locations)
        {
            if (SensitivePaths.Why(lexical, _userHome, _kimiHome) is { } why)
            {
                return (lexical, why);
            }

            if (real is not null && SensitivePaths.Why(real, _userHome, _kimiHome) is { } realWhy)
            {
                return (real, realWhy);
            }
        }

        return null;
    }

    /// <summary>" (a is a link to b)" for the first location whose real path differs from the path as written.</summary>
    private static string LinkNote(PreparedToolCall call, CallPaths paths)
    {
        var index = 0;
        foreach (var (lexical, real) in paths.Locations)
        {
            if (real is not null && real != lexical && index < paths.RealSubjects.Count)
            {
                return $" ({(call.Subject.Length > 0 ? call.Subject : lexical)} leads to {paths.RealSubjects[index]} through a symbolic link)";
            }

            if (real is not null)
            {
                index++;
            }
        }

        return "";
    }

    private string Display(string fullPath) => WorkspacePaths.Display(fullPath, WorkingDirectory);

    /// <summary>The first location outside every workspace folder (as written or once resolved), or null.</summary>
    private string? OutsideLocation(CallPaths paths)
    {
        foreach (var (lexical, real) in paths.Locations)
        {
            if (string.IsNullOrEmpty(lexical) || !Path.IsPathRooted(lexical) || real is null || !WorkspacePaths.IsInside(lexical, real, _roots))
            {
                return real is not null && real != lexical && WorkspacePaths.IsInside(lexical, lexical, _roots) ? $"{lexical} (a link to {real})" : lexical;
            }
        }

        return null;
    }

    /// <summary>A call's locations as written and resolved (each resolved once per evaluation), and the resolved paths as rule subjects.</summary>
    /// <summary>
    /// What path rules match for <paramref name="path"/>: relative to the working directory when the path is inside it
    /// (as written or resolved), else the absolute path.
    /// </summary>
    private static string SubjectFor(string path, string workingDirectory, string realWorkingDirectory)
        => WorkspacePaths.IsUnder(path, workingDirectory) ? WorkspacePaths.SubjectOf(path, workingDirectory)
            : WorkspacePaths.IsUnder(path, realWorkingDirectory) ? WorkspacePaths.SubjectOf(path, realWorkingDirectory)
            : path;

    private sealed record CallPaths(IReadOnlyList<(string Lexical, string? Real)> Locations, IReadOnlyList<string> RealSubjects, string? Unresolvable)
    {
        public static CallPaths Of(PreparedToolCall call, string workingDirectory)
        {
            if (call.Locations.Count == 0)
            {
                return new CallPaths([], [], null);
            }

            var realWorkingDirectory = WorkspacePaths.RealPath(workingDirectory) ?? workingDirectory;
            var locations = new List<(string, string?)>(call.Locations.Count);
            var subjects = new List<string>(call.Locations.Count);
            string? unresolvable = null;
            foreach (var location in call.Locations)
            {
                if (string.IsNullOrEmpty(location) || !Path.IsPathRooted(location))
                {
                    locations.Add((location ?? "", null));
                    continue;
                }

                var lexical = WorkspacePaths.Normalize(location);
                var real = WorkspacePaths.RealPath(lexical);
                locations.Add((lexical, real));
                if (real is null)
                {
                    unresolvable ??= lexical;
                    continue;
                }

                subjects.Add(SubjectFor(real, workingDirectory, realWorkingDirectory));
            }

            return new CallPaths(locations, subjects, unresolvable);
        }
    }
}
