using System.Collections.Concurrent;
using System.Globalization;
using System.Text;
using System.Text.Json;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Agent;
using KimiCode.Agent.Compaction;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Plans;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Skills;
using KimiCode.Agent.Tools;
using KimiCode.Hosting;
using KimiCode.Mcp;

namespace KimiCode.Acp;

/// <summary>
/// One ACP session: an <see cref="AgentSession"/> plus what the editor chose (model, mode, thinking), the running
/// prompt, and the mapping of agent events to <c>session/update</c>. It is also the session's permission
/// prompter (<c>session/request_permission</c>).
/// </summary>
[System.Diagnostics.CodeAnalysis.SuppressMessage("Design", "CA1001", Justification = "The SemaphoreSlim never allocates a wait handle (only WaitAsync/Wait(0) are used), so it holds nothing to dispose; a late request must not hit a disposed gate.")]
internal sealed class AcpSession : IPermissionPrompter, IUserQuestions
{
    /// <summary>The slash command that compacts the conversation.</summary>
    public const string CompactCommand = "compact";

    private const int MaxRunningOutputChars = 16 * 1024;
    private const string AllowOnceOptionId = "allow_once";
    private const string AllowAlwaysOptionId = "allow_always";

    // Plan review options, named as the official adapter names them (plus approve-with-accept-edits and a plain reject).
    private const string PlanApproveOptionId = "plan_approve";
    private const string PlanApproveEditsOptionId = "plan_approve_accept_edits";
    private const string PlanOptionPrefix = "plan_opt_";
    private const string PlanReviseOptionId = "plan_revise";
    private const string PlanRejectOptionId = "plan_reject";

    private static readonly IReadOnlyList<PermissionOption> PermissionChoices =
    [
        new() { OptionId = AllowOnceOptionId, Name = "Allow once", Kind = PermissionOptionKind.AllowOnce },
        new() { OptionId = AllowAlwaysOptionId, Name = "Allow for this session", Kind = PermissionOptionKind.AllowAlways },
        new() { OptionId = "reject_once", Name = "Reject", Kind = PermissionOptionKind.RejectOnce },
    ];

    private readonly AcpServer _server;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _announced = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<string, CallState> _calls = new(StringComparer.Ordinal);
    private readonly Lock _turnsGate = new();
    private readonly List<PromptTurn> _turns = [];
    private readonly Lock _noticeGate = new();
    private List<string>? _heldNotices = [];
    private volatile bool _rebuildPending;
    private bool _closed;

    public AcpSession(AcpServer server, string workingDirectory, IReadOnlyList<string> additionalDirectories, SessionSettings settings)
    {
        _server = server;
        WorkingDirectory = workingDirectory;
        AdditionalDirectories = additionalDirectories;
        Settings = settings;
    }

    /// <summary>The session id (the agent session's id once attached).</summary>
    public string Id { get; private set; } = "";

    public string WorkingDirectory { get; }

    public IReadOnlyList<string> AdditionalDirectories { get; }

    /// <summary>Model, mode and thinking as the editor last chose them.</summary>
    public SessionSettings Settings { get; private set; }

    public AgentSession Agent { get; private set; } = null!;

    /// <summary>The editor's MCP servers (<c>mcpServers</c>), started again whenever the agent session is rebuilt.</summary>
    public IReadOnlyList<McpServerConfig> McpServers { get; init; } = [];

    public string? Title { get; set; }

    /// <summary>What to ask the factory for: this session (resumed when it already exists) with the current settings.</summary>
    public AgentLaunch Launch(string? resumeSessionId)
    {
        ClientCapabilities? client = _server.Client;
        bool read = client?.Fs?.ReadTextFile == true;
        bool write = client?.Fs?.WriteTextFile == true;
        return new AgentLaunch
        {
            WorkingDirectory = WorkingDirectory,
            AdditionalDirectories = AdditionalDirectories,
            ModelAlias = Settings.ModelAlias,
            Mode = Settings.Mode,
            // What the thinking option shows, never "whatever the server does": the request states it either way.
            Thinking = Settings.Thinking,
            Prompter = this,
            Files = read || write ? new ClientFileSystem(_server.Connection, () => Id, read, write, new LocalWorkspaceFileSystem()) : null,
            Commands = client?.Terminal == true ? new ClientTerminalRunner(_server.Connection, () => Id, _server.Time) : null,
            ResumeSessionId = resumeSessionId,
            EditorMcpServers = McpServers,
            McpNotice = McpNotice,
        };
    }

    /// <summary>
    /// An MCP server's trouble (failed, not started, late), said as an agent message when it happens; held until the
    /// session has been announced, so the editor knows the session id by then.
    /// </summary>
    public void McpNotice(string text)
    {
        lock (_noticeGate)
        {
            if (_heldNotices is not null)
            {
                _heldNotices.Add(text);
                return;
            }
        }

        _ = SendNoticeAsync(text);
    }

    private async Task SendNoticeAsync(string text)
    {
        try
        {
            await SendAsync(new AgentMessageChunk { Content = new TextBlock { Text = text + ".\n" } }).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or InvalidOperationException)
        {
            // The editor is gone: nobody to tell.
        }
    }

    public void Attach(AgentSession agent)
    {
        Agent = agent;
        Id = agent.Id;
    }

    /// <summary>The <c>modes</c> of a session response.</summary>
    public SessionModeState Modes => SessionSettings.ModeState(Settings.Mode);

    /// <summary>The <c>configOptions</c> of a session response.</summary>
    public IReadOnlyList<SessionConfigOption> ConfigOptions => Settings.Options(_server.Config, _server.ClientSupportsBooleanOptions);

    /// <summary>What the editor learns right after the session opens: the slash commands and the title.</summary>
    public async Task AnnounceAsync()
    {
        await SendAsync(new AvailableCommandsUpdate
        {
            AvailableCommands =
            [
                new AvailableCommand { Name = CompactCommand, Description = "Summarise the conversation so far to free context space", Input = new AvailableCommandInput { Hint = "what the summary must keep (optional)" } },
                .. Agent.Skills.Commands().Select(c => new AvailableCommand
                {
                    Name = c.Command,
                    Description = c.Skill.Description,
                    Input = new AvailableCommandInput { Hint = c.Skill.Arguments.Count > 0 ? string.Join(' ', c.Skill.Arguments) : "text for the skill" },
                }),
            ],
        }).ConfigureAwait(false);
        if (Title is { Length: > 0 } title)
        {
            await SendAsync(new SessionInfoUpdate { Title = title }).ConfigureAwait(false);
        }

        // MCP trouble that came before the editor knew the session; later trouble is said as it happens.
        List<string> held;
        lock (_noticeGate)
        {
            held = _heldNotices ?? [];
            _heldNotices = null;
        }

        foreach (string text in held)
        {
            await SendNoticeAsync(text).ConfigureAwait(false);
        }
    }

    /// <summary>A prompt starting with <c>/skill:name</c> (or <c>/init</c>) as the skill's text, with any images kept; other prompts as sent.</summary>
    private IReadOnlyList<Microsoft.Extensions.AI.AIContent> ExpandSkill(string text, IReadOnlyList<Microsoft.Extensions.AI.AIContent> contents) =>
        Agent.Skills.ParseCommand(text) switch
        {
            null => contents,
            { Skill: { } skill, Arguments: var arguments } =>
                [new Microsoft.Extensions.AI.TextContent(SkillPrompt.ForUser(skill, arguments)), .. contents.Where(c => c is not Microsoft.Extensions.AI.TextContent)],
            { Error: var error } => throw AcpException.InvalidParams(error ?? "Unknown skill."),
        };

    /// <summary>Sends the recorded history as <c>session/update</c> notifications (<c>session/load</c>).</summary>
    public async Task ReplayAsync(CancellationToken cancellationToken)
    {
        await foreach (AgentEvent agentEvent in Agent.ReplayAsync(cancellationToken).ConfigureAwait(false))
        {
            if (agentEvent is TurnStarted { Contents: { } recorded })
            {
                // The prompt as the editor sent it: text, images and embedded resources, one chunk each.
                foreach (ContentBlock block in PromptContent.ToBlocks(recorded))
                {
                    await SendAsync(new UserMessageChunk { Content = block }).ConfigureAwait(false);
                }

                continue;
            }

            SessionUpdate? update = agentEvent switch
            {
                TurnStarted started => new UserMessageChunk { Content = new TextBlock { Text = started.Prompt } },
                ThinkingDelta thinking => new AgentThoughtChunk { Content = new TextBlock { Text = thinking.Text } },
                TextDelta text => new AgentMessageChunk { Content = new TextBlock { Text = text.Text } },
                ToolCallStarted started => ToolCallMapping.Start(started),
                ToolCallFinished finished => ToolCallMapping.Finish(finished, terminalId: null),
                PlanUpdated plan => ToolCallMapping.Plan(plan.Items),
                _ => null,
            };
            if (update is not null)
            {
                await SendAsync(update).ConfigureAwait(false);
            }
        }
    }

    /// <summary>
    /// Registers a prompt the moment its request is accepted (on the reading loop, before anything awaits), so a
    /// <c>session/cancel</c> that follows it on the wire always finds it. A prompt accepted while another one runs is
    /// refused, unless that one was cancelled: then it waits for the cancelled one to answer and runs after it.
    /// </summary>
    public PromptTurn Accept()
    {
        lock (_turnsGate)
        {
            bool busy = _turns.Exists(static t => !t.CancelRequested);
            var turn = new PromptTurn(this, refused: busy);
            if (!busy)
            {
                _turns.Add(turn);
            }

            return turn;
        }
    }

    /// <summary>Runs one accepted prompt to its end and answers with the stop reason.</summary>
    public async Task<PromptResponse> PromptAsync(PromptTurn turn, IReadOnlyList<ContentBlock> prompt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(turn);
        try
        {
            IReadOnlyList<Microsoft.Extensions.AI.AIContent> contents = PromptContent.ToAgentContent(prompt);
            if (turn.Refused)
            {
                throw AcpException.InvalidRequest($"Session {Id} is already answering a prompt; wait for its response or send session/cancel first.");
            }

            using var cancellation = CancellationTokenSource.CreateLinkedTokenSource(turn.Token, cancellationToken);
            try
            {
                // A cancelled predecessor still holds the turn until it has answered; this prompt runs after it.
                await _turn.WaitAsync(cancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return new PromptResponse { StopReason = PromptStopReason.Cancelled };
            }

            try
            {
                if (_closed)
                {
                    throw SessionNotFound(Id);
                }

                if (cancellation.IsCancellationRequested)
                {
                    // Cancelled before the turn began: nothing ran, nothing is recorded.
                    return new PromptResponse { StopReason = PromptStopReason.Cancelled };
                }

                string text = PromptContent.TextOf(prompt).Trim();
                if (text == "/" + CompactCommand || text.StartsWith("/" + CompactCommand + " ", StringComparison.Ordinal))
                {
                    return await CompactAsync(text[(CompactCommand.Length + 1)..], cancellation.Token).ConfigureAwait(false);
                }

                return await RunTurnAsync(ExpandSkill(text, contents), cancellation.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (cancellation.IsCancellationRequested)
            {
                return new PromptResponse { StopReason = PromptStopReason.Cancelled };
            }
            finally
            {
                _announced.Clear();
                _calls.Clear();
                try
                {
                    await RebuildIfPendingAsync(CancellationToken.None).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is AcpException or KimiCode.Protocol.KimiCodeException or OperationCanceledException)
                {
                    // Logged; the session keeps its previous agent and settings apply on a later change.
                }

                _turn.Release();
            }
        }
        finally
        {
            Finish(turn);
        }
    }

    /// <summary><c>session/cancel</c>: cancels every accepted prompt of this session, running or about to start (each then answers <c>cancelled</c>).</summary>
    public void Cancel()
    {
        PromptTurn[] turns;
        lock (_turnsGate)
        {
            turns = [.. _turns];
        }

        foreach (PromptTurn turn in turns)
        {
            turn.Cancel();
        }
    }

    /// <summary>Forgets a prompt that has answered (or never ran); idempotent.</summary>
    internal void Finish(PromptTurn turn)
    {
        lock (_turnsGate)
        {
            _turns.Remove(turn);
        }

        turn.Dispose();
    }

    /// <summary><c>session/close</c>: cancels the prompt and waits until it has ended.</summary>
    public async Task CloseAsync()
    {
        _closed = true;
        Cancel();
        await _turn.WaitAsync().ConfigureAwait(false);
        _turn.Release();
        if (Agent is { } agent)
        {
            await agent.EndAsync().ConfigureAwait(false);
        }
    }

    /// <summary>Changes the mode (legacy <c>session/set_mode</c> or the <c>mode</c> config option).</summary>
    public Task SetModeAsync(string modeId, CancellationToken cancellationToken)
    {
        PermissionMode mode = SessionSettings.ParseModeId(modeId);
        return ApplyAsync(Settings with { Mode = mode }, cancellationToken);
    }

    /// <summary><c>session/set_config_option</c>.</summary>
    public Task SetConfigOptionAsync(string configId, JsonElement value, CancellationToken cancellationToken)
    {
        SessionSettings next = configId switch
        {
            SessionSettings.ModelOptionId => Settings.WithModel(SessionSettings.ReadString(configId, value), _server.Config, _server.Resolve),
            SessionSettings.ModeOptionId => Settings with { Mode = SessionSettings.ParseModeId(SessionSettings.ReadString(configId, value)) },
            SessionSettings.ThinkingOptionId => Settings with { ThinkingChosen = SessionSettings.ReadBoolean(configId, value) },
            _ => throw AcpException.InvalidParams(
                $"Invalid params for session/set_config_option: unknown configId '{configId}'; use one of {SessionSettings.ModelOptionId}, {SessionSettings.ModeOptionId}, {SessionSettings.ThinkingOptionId}."),
        };
        return ApplyAsync(next, cancellationToken);
    }

    /// <summary>Tells the editor the mode changed.</summary>
    public Task SendModeAsync() => SendAsync(new CurrentModeUpdate { CurrentModeId = SessionSettings.ModeId(Settings.Mode) });

    /// <summary>Tells the editor the config options changed.</summary>
    public Task SendConfigOptionsAsync() => SendAsync(new ConfigOptionUpdate { ConfigOptions = ConfigOptions });

    /// <inheritdoc />
    public async Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);

        // The editor must know the tool call before it is asked about it, and see the change it is asked to approve.
        await Announcement(request.CallId).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ToolCallContent>? preview = ToolCallMapping.Preview(request.Preview);
        if (preview is not null)
        {
            await SendAsync(new ToolCallProgress { ToolCallId = request.CallId, Content = preview }).ConfigureAwait(false);
        }

        string? option = await AskEditorAsync(
            new PermissionToolCall
            {
                ToolCallId = request.CallId,
                Title = request.Reason is { Length: > 0 } reason ? $"{request.Title} ({reason})" : request.Title,
                Kind = ToolCallMapping.Kind(request.Kind),
                Status = ToolCallStatus.Pending,
                Content = preview,
                Locations = ToolCallMapping.Locations(request.Locations),
                RawInput = ToolCallMapping.RawInput(request.ArgumentsJson),
            },
            PermissionChoices,
            cancellationToken).ConfigureAwait(false);

        // A cancelled request, or an option we did not offer, never lets the call through.
        return option switch
        {
            AllowOnceOptionId => PermissionAnswer.AllowOnce,
            AllowAlwaysOptionId => PermissionAnswer.AllowForSession,
            _ => PermissionAnswer.Reject,
        };
    }

    /// <summary>
    /// <c>ExitPlanMode</c>: the plan is shown as the tool call's content, then <c>session/request_permission</c> offers
    /// Approve (or one option per approach), Approve and accept edits, Revise and Reject. The editor cannot send text
    /// back, so Revise carries no feedback (the model is told to ask what to change).
    /// </summary>
    public async Task<PlanReviewAnswer> ReviewPlanAsync(PlanReview review, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(review);
        await Announcement(review.CallId).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        IReadOnlyList<ToolCallContent> content = [new ToolCallContentBlock { Content = new TextBlock { Text = $"Plan saved to: {review.FilePath}\n\n{review.Plan}" } }];
        await SendAsync(new ToolCallProgress { ToolCallId = review.CallId, Content = content }).ConfigureAwait(false);
        List<PermissionOption> options = review.Options.Count >= 2
            ? [.. review.Options.Select((o, i) => new PermissionOption { OptionId = PlanOptionPrefix + i.ToString(CultureInfo.InvariantCulture), Name = o.Label, Kind = PermissionOptionKind.AllowOnce })]
            : [new() { OptionId = PlanApproveOptionId, Name = "Approve", Kind = PermissionOptionKind.AllowOnce }];
        options.Add(new() { OptionId = PlanApproveEditsOptionId, Name = "Approve and accept edits", Kind = PermissionOptionKind.AllowAlways });
        options.Add(new() { OptionId = PlanReviseOptionId, Name = "Revise", Kind = PermissionOptionKind.RejectOnce });
        options.Add(new() { OptionId = PlanRejectOptionId, Name = "Reject", Kind = PermissionOptionKind.RejectOnce });
        string? chosen = await AskEditorAsync(
            new PermissionToolCall { ToolCallId = review.CallId, Title = "Approve the plan?", Kind = ToolCallKind.Think, Status = ToolCallStatus.Pending, Content = content },
            options,
            cancellationToken).ConfigureAwait(false);
        return chosen switch
        {
            PlanApproveOptionId => new PlanReviewAnswer(PlanDecision.Approve),
            PlanApproveEditsOptionId => new PlanReviewAnswer(PlanDecision.ApproveAcceptEdits),
            PlanReviseOptionId => new PlanReviewAnswer(PlanDecision.Revise),
            PlanRejectOptionId => new PlanReviewAnswer(PlanDecision.Reject),
            { } id when id.StartsWith(PlanOptionPrefix, StringComparison.Ordinal)
                && int.TryParse(id.AsSpan(PlanOptionPrefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index)
                && index < review.Options.Count => new PlanReviewAnswer(PlanDecision.Approve, review.Options[index].Label),
            _ => new PlanReviewAnswer(PlanDecision.Dismissed),
        };
    }

    /// <summary>
    /// <c>AskUserQuestion</c>: one <c>session/request_permission</c> per question, its options plus Skip (as the official
    /// adapter does; the editor cannot send free text, and a multiple choice takes one pick). Skip or a cancelled request
    /// dismisses the whole call.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>?> AskAsync(string callId, IReadOnlyList<UserQuestion> questions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(questions);
        await Announcement(callId).Task.WaitAsync(cancellationToken).ConfigureAwait(false);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        for (int q = 0; q < questions.Count; q++)
        {
            UserQuestion question = questions[q];
            string prefix = string.Create(CultureInfo.InvariantCulture, $"q{q}_opt_");
            List<PermissionOption> options =
            [
                .. question.Options.Select((o, i) => new PermissionOption { OptionId = prefix + i.ToString(CultureInfo.InvariantCulture), Name = o.Label, Kind = PermissionOptionKind.AllowOnce }),
                new() { OptionId = string.Create(CultureInfo.InvariantCulture, $"q{q}_skip"), Name = "Skip", Kind = PermissionOptionKind.RejectOnce },
            ];
            string details = string.Join("\n", question.Options.Where(o => o.Description.Length > 0).Select(o => $"- {o.Label}: {o.Description}"));
            string? chosen = await AskEditorAsync(
                new PermissionToolCall
                {
                    ToolCallId = callId,
                    Title = question.Question,
                    Kind = ToolCallKind.Other,
                    Status = ToolCallStatus.Pending,
                    Content = details.Length > 0 ? [new ToolCallContentBlock { Content = new TextBlock { Text = details } }] : null,
                },
                options,
                cancellationToken).ConfigureAwait(false);
            if (chosen is null || !chosen.StartsWith(prefix, StringComparison.Ordinal)
                || !int.TryParse(chosen.AsSpan(prefix.Length), NumberStyles.None, CultureInfo.InvariantCulture, out int index) || index >= question.Options.Count)
            {
                return null;
            }

            answers[question.Question] = question.Options[index].Label;
        }

        return answers;
    }

    /// <summary>Sends <c>session/request_permission</c>; the option the user selected, or null when the request was cancelled.</summary>
    private async Task<string?> AskEditorAsync(PermissionToolCall toolCall, IReadOnlyList<PermissionOption> options, CancellationToken cancellationToken)
    {
        RequestPermissionResponse response = await _server.Connection.RequestAsync(
            AcpMethods.SessionRequestPermission,
            new RequestPermissionRequest { SessionId = Id, ToolCall = toolCall, Options = options },
            AcpJsonContext.Default.RequestPermissionRequest,
            AcpJsonContext.Default.RequestPermissionResponse,
            cancellationToken).ConfigureAwait(false);
        return response.Outcome is { Outcome: PermissionOutcomeKind.Selected, OptionId: { } option } ? option : null;
    }

    private async Task<PromptResponse> RunTurnAsync(IReadOnlyList<Microsoft.Extensions.AI.AIContent> contents, CancellationToken cancellationToken)
    {
        StopReason reason = StopReason.EndTurn;
        AgentError? error = null;
        await foreach (AgentEvent agentEvent in Agent.RunTurnAsync(contents, cancellationToken).ConfigureAwait(false))
        {
            switch (agentEvent)
            {
                case AgentError failed:
                    error = failed;
                    _server.LogLine($"session {Id}: {failed.Code}: {failed.Message}");
                    break;
                case TurnEnded ended:
                    reason = ended.Reason;
                    break;
                default:
                    await SendLiveAsync(agentEvent).ConfigureAwait(false);
                    break;
            }
        }

        if (reason == StopReason.Cancelled || cancellationToken.IsCancellationRequested)
        {
            return new PromptResponse { StopReason = PromptStopReason.Cancelled };
        }

        if (reason == StopReason.Error)
        {
            throw _server.TurnFailed(error);
        }

        if (reason == StopReason.RepeatedToolCall)
        {
            await SendAsync(new AgentMessageChunk
            {
                Content = new TextBlock { Text = "\n\n(Stopped: the model kept repeating the same tool call. Rephrase the request or give more detail.)" },
            }).ConfigureAwait(false);
        }

        return new PromptResponse { StopReason = PromptStopReasonFor(reason) };
    }

    /// <summary>The ACP stop reason of a turn that ended without failing or being cancelled.</summary>
    internal static PromptStopReason PromptStopReasonFor(StopReason reason) => reason switch
    {
        StopReason.MaxSteps => PromptStopReason.MaxTurnRequests,
        StopReason.MaxTokens => PromptStopReason.MaxTokens,
        StopReason.Refusal => PromptStopReason.Refusal,
        _ => PromptStopReason.EndTurn,
    };

    private async Task<PromptResponse> CompactAsync(string focus, CancellationToken cancellationToken)
    {
        CompactionResult result;
        try
        {
            result = await Agent.CompactAsync(focus, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return new PromptResponse { StopReason = PromptStopReason.Cancelled };
        }

        string message = result.Succeeded
            ? string.Create(CultureInfo.InvariantCulture, $"Compacted the conversation: {result.MessagesBefore} messages are now {result.MessagesAfter}.")
            : "Nothing was compacted: " + result.Error;
        await SendAsync(new AgentMessageChunk { Content = new TextBlock { Text = message } }).ConfigureAwait(false);
        return new PromptResponse { StopReason = PromptStopReason.EndTurn };
    }

    private async Task SendLiveAsync(AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case TurnStarted started when Title is null && SessionStore.TitleFor(started.Prompt) is { Length: > 0 } title:
                Title = title;
                await SendAsync(new SessionInfoUpdate { Title = title, UpdatedAt = _server.Time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture) }).ConfigureAwait(false);
                break;
            case ThinkingDelta thinking:
                await SendAsync(new AgentThoughtChunk { Content = new TextBlock { Text = thinking.Text } }).ConfigureAwait(false);
                break;
            case TextDelta text:
                await SendAsync(new AgentMessageChunk { Content = new TextBlock { Text = text.Text } }).ConfigureAwait(false);
                break;
            case ToolCallStarted started:
                await SendAsync(ToolCallMapping.Start(started)).ConfigureAwait(false);
                Announcement(started.CallId).TrySetResult();
                break;
            case ToolCallRunning running:
                // Approved or free: the call runs now (after its checks, so a refused call goes straight to failed).
                await SendAsync(new ToolCallProgress { ToolCallId = running.CallId, Status = ToolCallStatus.InProgress }).ConfigureAwait(false);
                break;
            case ToolCallUpdated progress when progress.Text.StartsWith(ClientTerminalRunner.TerminalMarker, StringComparison.Ordinal):
                string terminalId = progress.Text[ClientTerminalRunner.TerminalMarker.Length..];
                _calls.GetOrAdd(progress.CallId, static _ => new CallState()).TerminalId = terminalId;
                await SendAsync(new ToolCallProgress
                {
                    ToolCallId = progress.CallId,
                    Status = ToolCallStatus.InProgress,
                    Content = [new ToolCallTerminal { TerminalId = terminalId }],
                }).ConfigureAwait(false);
                break;
            case ToolCallUpdated progress:
                CallState state = _calls.GetOrAdd(progress.CallId, static _ => new CallState());
                state.Output.Append(progress.Text);
                if (state.Output.Length > MaxRunningOutputChars)
                {
                    state.Output.Remove(0, state.Output.Length - MaxRunningOutputChars);
                }

                await SendAsync(ToolCallMapping.Output(progress.CallId, state.Output.ToString())).ConfigureAwait(false);
                break;
            case ToolCallFinished finished:
                _calls.TryRemove(finished.CallId, out CallState? finishedState);
                await SendAsync(ToolCallMapping.Finish(finished, finishedState?.TerminalId)).ConfigureAwait(false);
                break;
            case PlanUpdated plan:
                await SendAsync(ToolCallMapping.Plan(plan.Items)).ConfigureAwait(false);
                break;
            case ModeChanged changed:
                // The model entered or left plan mode: the editor's mode selector follows.
                Settings = Settings with { Mode = changed.Mode };
                await SendModeAsync().ConfigureAwait(false);
                await SendConfigOptionsAsync().ConfigureAwait(false);
                break;
            case UsageReported usage:
                await SendAsync(new UsageUpdate { Used = usage.InputTokens + usage.OutputTokens, Size = Settings.ContextWindow }).ConfigureAwait(false);
                break;
            case CompactionStarted:
                await SendAsync(new AgentThoughtChunk { Content = new TextBlock { Text = "Compacting the conversation to free context space…\n" } }).ConfigureAwait(false);
                break;
            case CompactionFinished compaction:
                await SendAsync(new AgentThoughtChunk
                {
                    Content = new TextBlock
                    {
                        Text = compaction.Succeeded
                            ? string.Create(CultureInfo.InvariantCulture, $"Compacted: {compaction.MessagesBefore} messages are now {compaction.MessagesAfter}.\n")
                            : $"Compaction failed, the conversation is unchanged: {compaction.Error}\n",
                    },
                }).ConfigureAwait(false);
                break;
            case RetryScheduled retry:
                _server.LogLine(string.Create(CultureInfo.InvariantCulture, $"session {Id}: {retry.Code} ({retry.StatusCode}); retry {retry.Attempt} in {retry.Delay.TotalSeconds:0.#} s"));
                break;
        }
    }

    private async Task ApplyAsync(SessionSettings next, CancellationToken cancellationToken)
    {
        var onlyModeChanged = next with { Mode = Settings.Mode } == Settings;
        Settings = next;
        if (onlyModeChanged && Agent is { } agent)
        {
            // A mode switch applies in place, at once (even to the running prompt's next tool call), and keeps
            // the "allow for this session" answers.
            agent.Permissions.Mode = next.Mode;
            return;
        }

        if (!_turn.Wait(0, CancellationToken.None))
        {
            // A prompt is running: its agent keeps its settings; the next prompt gets the new ones.
            _rebuildPending = true;
            return;
        }

        try
        {
            _rebuildPending = true;
            await RebuildIfPendingAsync(cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>Reopens the agent session with the current settings (its history is on disk, so nothing is lost but "allow for this session" answers).</summary>
    private async Task RebuildIfPendingAsync(CancellationToken cancellationToken)
    {
        if (!_rebuildPending || _closed)
        {
            return;
        }

        _rebuildPending = false;
        try
        {
            Agent = await _server.CreateAgentAsync(Launch(Id), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is not OperationCanceledException)
        {
            _server.LogLine($"session {Id}: could not apply the new settings: {ex.Message}");
            throw;
        }
    }

    private Task SendAsync(SessionUpdate update) =>
        _server.Connection.NotifyAsync(AcpMethods.SessionUpdate, new SessionNotification { SessionId = Id, Update = update }, AcpJsonContext.Default.SessionNotification);

    private TaskCompletionSource Announcement(string callId) =>
        _announced.GetOrAdd(callId, static _ => new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously));

    private static AcpException SessionNotFound(string id) => new(
        JsonRpcErrorCodes.ResourceNotFound,
        $"Session {id} is closed; start a new one with session/new or load it with session/load.",
        JsonSerializer.SerializeToElement(new SessionNotFoundData { SessionId = id }, AcpJsonContext.Default.SessionNotFoundData));

    /// <summary>One accepted <c>session/prompt</c>: its cancellation exists from the moment the request was read.</summary>
    internal sealed class PromptTurn : IDisposable
    {
        private readonly CancellationTokenSource _cancellation = new();
        private int _state; // 0 live, 1 disposed

        public PromptTurn(AcpSession session, bool refused)
        {
            Session = session;
            Refused = refused;
            Token = _cancellation.Token;
        }

        public AcpSession Session { get; }

        /// <summary>Accepted while another prompt ran: answered with -32600.</summary>
        public bool Refused { get; }

        public CancellationToken Token { get; }

        public bool CancelRequested => Token.IsCancellationRequested;

        public void Cancel()
        {
            try
            {
                _cancellation.Cancel();
            }
            catch (ObjectDisposedException)
            {
                // It answered meanwhile.
            }
        }

        /// <summary>Drops a turn whose request never reached <see cref="PromptAsync"/> (bad params, unknown session).</summary>
        public void Abandon() => Session.Finish(this);

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _state, 1) == 0)
            {
                _cancellation.Dispose();
            }
        }
    }

    private sealed class CallState
    {
        public StringBuilder Output { get; } = new();

        public string? TerminalId { get; set; }
    }
}
