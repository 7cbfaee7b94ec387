using KimiCode.Agent.Permissions;
using System.Runtime.CompilerServices;
using System.Text;
using System.Threading.Channels;
using KimiCode.Agent.Compaction;
using KimiCode.Agent.Hooks;
using KimiCode.Agent.Loop;
using KimiCode.Agent.Prompts;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tools;
using KimiCode.Protocol;
using KimiCode.Provider;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent;

/// <summary>
/// One conversation with the model: runs turns (model → tools → model … until an answer without tool
/// calls), records every message in the session store, compacts the history when the context fills up,
/// and reports everything as <see cref="AgentEvent"/>s. One turn at a time.
/// </summary>
public sealed partial class AgentSession
{
    private readonly AgentSessionOptions _options;
    private readonly SessionLog _log;
    private readonly long _fixedPromptChars;
    private readonly Lock _historyGate = new();
    private readonly PermissionGate _permissionGate;
    private List<ChatMessage> _history;
    private long? _lastInputTokens;
    private int _usageMessageCount;
    private bool _hasTitle;
    private readonly Subagents.SubagentScope _subagents;
    private int _busy;
    private Exception? _writeFailure;
    private IReadOnlyList<IAgentTool>? _dynamicTools;
    private ToolRegistry _stepTools;

    private AgentSession(AgentSessionOptions options, string id, SessionLog log, List<ChatMessage> history, bool hasTitle, Subagents.SubagentScope? subagentScope = null)
    {
        _options = options;
        Id = id;
        _log = log;
        _history = history;
        _hasTitle = hasTitle;
        _permissionGate = new PermissionGate(options.Permissions, options.Prompter);
        _stepTools = options.Tools;
        Plan = new Plans.PlanMode(options.Permissions, Path.Combine(Path.GetDirectoryName(log.Path) ?? options.Store.Home.SessionsDir, "plans", "plan.md"));
        SystemPromptText = options.SystemPrompt ?? Prompts.SystemPrompt.ForWorkingDirectory(options.ToolContext.WorkingDirectory, options.Time);
        _fixedPromptChars = SystemPromptText.Length + options.Tools.All.Sum(t => t.Name.Length + t.Description.Length + t.ParametersSchema.GetRawText().Length);
        _subagents = subagentScope ?? Subagents.SubagentScope.ForMainSession(options, id, SystemPromptText, log.Path);
    }

    /// <summary>
    /// A subagent's session (the <c>Agent</c> tool): recorded in its own transcript, titled by its caller, and without
    /// the session-level hooks (SessionStart, UserPromptSubmit, Stop, Interrupt): SubagentStart and SubagentStop stand for them.
    /// </summary>
    internal static AgentSession StartSubagent(AgentSessionOptions options, string id, SessionLog log, List<ChatMessage> history, Subagents.SubagentScope scope)
    {
        Validate(options);
        return new AgentSession(options, id, log, history, hasTitle: true, scope);
    }

    private bool IsSubagent => _subagents.Depth > 0;

    /// <summary>The session id (a version-7 GUID); also the model's prompt-cache key.</summary>
    public string Id { get; }

    /// <summary>The title a resumed session was recorded with (its first prompt, shortened); null for a new one.</summary>
    public string? ResumedTitle { get; private init; }

    /// <summary>The session's title: the one it was resumed with, its first prompt's first line or a <see cref="Rename"/>; null before any.</summary>
    public string? Title { get; private set; }

    /// <summary>
    /// The session's permission policy: front ends switch its <see cref="IPermissionPolicy.Mode"/> in place, so
    /// "allow for this session" answers survive a mode change.
    /// </summary>
    public IPermissionPolicy Permissions => _options.Permissions;

    /// <summary>The session's plan mode: on while <see cref="Permissions"/> is in plan mode, with the plan file the model may write.</summary>
    public Plans.PlanMode Plan { get; }

    /// <summary>The skills of this session: front ends turn a <c>/skill:name args</c> prompt into the skill's text with it.</summary>
    public Skills.SkillCatalog Skills => _options.Skills;

    /// <summary>The system prompt sent with every model call.</summary>
    public string SystemPromptText { get; }

    /// <summary>A snapshot of the conversation (without the system prompt).</summary>
    public IReadOnlyList<ChatMessage> History
    {
        get
        {
            lock (_historyGate)
            {
                return [.. _history];
            }
        }
    }

    /// <summary>How many messages <see cref="History"/> holds, without copying it (for consumers that poll it per event).</summary>
    public int HistoryCount
    {
        get
        {
            lock (_historyGate)
            {
                return _history.Count;
            }
        }
    }

    /// <summary>Estimated tokens of the next request: the last prompt count the server reported plus characters/4 of what came after.</summary>
    public long EstimatedContextTokens
    {
        get
        {
            lock (_historyGate)
            {
                return EstimateTokensLocked();
            }
        }
    }

    /// <summary>Starts a new session, recorded in <see cref="AgentSessionOptions.Store"/>.</summary>
    public static async Task<AgentSession> CreateAsync(AgentSessionOptions options, CancellationToken cancellationToken)
    {
        Validate(options);
        cancellationToken.ThrowIfCancellationRequested();
        string id = Guid.CreateVersion7(options.Time.GetUtcNow()).ToString();
        SessionLog log = options.Store.Create(id, options.ToolContext.WorkingDirectory, options.Model, options.Time.GetUtcNow(), options.ToolContext.AdditionalDirectories);
        var session = new AgentSession(options, id, log, [], hasTitle: false);
        await session.StartHooksAsync("startup", cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <summary>
    /// Continues a recorded session. A torn last record is dropped and tool calls that never got a result
    /// (the process died mid-turn) get an "interrupted" result, so the next turn is valid.
    /// </summary>
    /// <exception cref="KimiCodeException"><c>session.not_found</c> or <c>session.corrupt</c>.</exception>
    public static async Task<AgentSession> ResumeAsync(AgentSessionOptions options, string sessionId, CancellationToken cancellationToken)
    {
        Validate(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(sessionId);
        cancellationToken.ThrowIfCancellationRequested();
        DateTimeOffset now = options.Time.GetUtcNow();
        (LoadedSession loaded, SessionLog log) = options.Store.Open(sessionId, options.ToolContext.AdditionalDirectories, now);
        foreach (ChatMessage repaired in loaded.RepairedTail)
        {
            log.Append(new SessionRecord { Type = SessionRecord.MessageType, Time = now, Message = MessageCodec.ToRecord(repaired) });
        }

        var session = new AgentSession(options, loaded.Id, log, loaded.Messages, hasTitle: loaded.Title.Length > 0)
        {
            _lastInputTokens = loaded.InputTokens,
            _usageMessageCount = loaded.UsageMessageCount,
            ResumedTitle = loaded.Title.Length > 0 ? loaded.Title : null,
            Title = loaded.Title.Length > 0 ? loaded.Title : null,
        };
        await session.StartHooksAsync("resume", cancellationToken).ConfigureAwait(false);
        return session;
    }

    /// <summary>
    /// Ends the session for its hooks: waits for the observe-only hooks still running, then runs <c>SessionEnd</c>
    /// (<paramref name="reason"/> <c>exit</c>). Front ends call it once when they are done with the session.
    /// </summary>
    public async Task EndAsync(string reason = "exit")
    {
        await _options.Hooks.DrainAsync().ConfigureAwait(false);
        await _options.Hooks.RunAsync("SessionEnd", reason, HookBase() with { Reason = reason }, CancellationToken.None).ConfigureAwait(false);
    }

    private Task<HookVerdict> StartHooksAsync(string source, CancellationToken cancellationToken) =>
        _options.Hooks.RunAsync("SessionStart", source, HookBase() with { Source = source, Model = _options.Model }, cancellationToken);

    private HookInput HookBase() => new() { SessionId = _subagents.SessionId, SessionTitle = ResumedTitle, Cwd = _options.ToolContext.WorkingDirectory };

    /// <summary>Runs one turn for a text prompt.</summary>
    public IAsyncEnumerable<AgentEvent> RunTurnAsync(string prompt, CancellationToken cancellationToken) =>
        RunTurnAsync([new TextContent(prompt)], cancellationToken);

    /// <summary>
    /// Runs one turn and streams its events; the last one is always <see cref="TurnEnded"/>. Cancelling
    /// <paramref name="cancellationToken"/> stops the model and running tools, keeps the history valid and
    /// ends the enumeration normally with <see cref="StopReason.Cancelled"/> (it does not throw).
    /// </summary>
    public IAsyncEnumerable<AgentEvent> RunTurnAsync(IReadOnlyList<AIContent> prompt, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(prompt);
        return RunExclusiveAsync((events, token) => RunTurnCoreAsync(prompt, events, token), cancellationToken);
    }

    /// <summary>
    /// Runs <paramref name="produce"/> as the session's one piece of work and streams what it writes; the producer
    /// must always end with <see cref="TurnEnded"/> and complete the writer, also when cancelled.
    /// </summary>
    private async IAsyncEnumerable<AgentEvent> RunExclusiveAsync(Func<ChannelWriter<AgentEvent>, CancellationToken, Task> produce, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        EnterTurn();
        try
        {
            var channel = Channel.CreateUnbounded<AgentEvent>(new UnboundedChannelOptions { SingleReader = true });
            using var turn = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            Task producer = Task.Run(() => produce(channel.Writer, turn.Token), CancellationToken.None);
            try
            {
                // Read without the token: the producer always finishes with TurnEnded, also when cancelled.
                while (await channel.Reader.WaitToReadAsync(CancellationToken.None))
                {
                    while (channel.Reader.TryRead(out AgentEvent? agentEvent))
                    {
                        yield return agentEvent;
                    }
                }
            }
            finally
            {
                // The consumer may stop early: stop the turn and let it leave the history valid.
                await turn.CancelAsync();
                await producer;
            }
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>Summarises the older part of the history now (the <c>/compact</c> command).</summary>
    public Task<CompactionResult> CompactAsync(CancellationToken cancellationToken) => CompactAsync(null, cancellationToken);

    /// <summary>Summarises the older part of the history now (<c>/compact what to keep</c>): <paramref name="focus"/> tells the summary what matters most.</summary>
    public async Task<CompactionResult> CompactAsync(string? focus, CancellationToken cancellationToken)
    {
        EnterTurn();
        try
        {
            return await CompactCoreAsync(null, cancellationToken, string.IsNullOrWhiteSpace(focus) ? null : focus.Trim());
        }
        finally
        {
            Volatile.Write(ref _busy, 0);
        }
    }

    /// <summary>
    /// The history as events, for a front end that shows a resumed session (ACP <c>session/load</c>):
    /// each user prompt as <see cref="TurnStarted"/>, then the thinking, text, tool calls and results that followed.
    /// </summary>
    public async IAsyncEnumerable<AgentEvent> ReplayAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        await Task.Yield();
        foreach (AgentEvent e in SessionReplay.Events(Id, History))
        {
            cancellationToken.ThrowIfCancellationRequested();
            yield return e;
        }
    }

    /// <summary>
    /// Gives the session a title (listings show it instead of the first prompt's first line; a later first prompt no
    /// longer sets one). Written to the session file at once.
    /// </summary>
    /// <exception cref="IOException">The session file could not be written.</exception>
    public void Rename(string title)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(title);
        _log.Append(new SessionRecord { Type = SessionRecord.TitleType, Time = _options.Time.GetUtcNow(), Title = title });
        _hasTitle = true;
        Title = title;
    }

    private static void Validate(AgentSessionOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.ChatClient);
        ArgumentNullException.ThrowIfNull(options.Tools);
        ArgumentNullException.ThrowIfNull(options.ToolContext);
        ArgumentNullException.ThrowIfNull(options.Permissions);
        ArgumentNullException.ThrowIfNull(options.Prompter);
        ArgumentNullException.ThrowIfNull(options.Store);
        ArgumentNullException.ThrowIfNull(options.Time);
        ArgumentOutOfRangeException.ThrowIfLessThan(options.MaxStepsPerTurn, 1);
        ArgumentOutOfRangeException.ThrowIfNegative(options.ContextWindowTokens);
    }

    private void EnterTurn()
    {
        if (Interlocked.Exchange(ref _busy, 1) != 0)
        {
            throw new InvalidOperationException("This session is already running a turn or a compaction; wait for it to end (or cancel it) first.");
        }
    }

    private async Task RunTurnCoreAsync(IReadOnlyList<AIContent> prompt, ChannelWriter<AgentEvent> events, CancellationToken cancellationToken)
    {
        StopReason reason;
        try
        {
            reason = await RunStepsAsync(prompt, events, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            reason = StopReason.Cancelled;
        }
        catch (Exception ex)
        {
            // A bug or a disk failure must not kill the front end; the history stays as recorded so far.
            events.TryWrite(new AgentError(AgentErrorCodes.Internal, $"The agent failed unexpectedly ({ex.GetType().Name}: {ex.Message}). The conversation is kept; try again.", false));
            reason = StopReason.Error;
        }

        if (IsSubagent)
        {
            // A subagent's turn is a step of its caller's: SubagentStop tells its end, and the user is not waiting on it.
        }
        else if (reason == StopReason.Cancelled)
        {
            _options.Hooks.Fire("Interrupt", "", HookBase() with { Reason = "cancelled" });
        }
        else
        {
            // The agent waits for the user again (a cancelled turn: the user is there, they just cancelled it).
            _options.Hooks.Notify(HookDispatcher.TurnCompleted, "Kimi Code task complete", ResumedTitle, HookBase());
        }

        events.TryWrite(new TurnEnded(reason));
        events.TryComplete();
    }

    private async Task<StopReason> RunStepsAsync(IReadOnlyList<AIContent> prompt, ChannelWriter<AgentEvent> events, CancellationToken cancellationToken)
    {
        string promptText = string.Concat(prompt.OfType<TextContent>().Select(t => t.Text));
        events.TryWrite(new TurnStarted(Guid.CreateVersion7(_options.Time.GetUtcNow()).ToString(), promptText));
        HookVerdict submitted = IsSubagent ? HookVerdict.Allow
            : await _options.Hooks.RunAsync("UserPromptSubmit", promptText, HookBase() with { Prompt = promptText }, cancellationToken);
        if (submitted.Blocked)
        {
            // The prompt is not recorded: whatever the hook objected to must not reach the model later either.
            events.TryWrite(new AgentError(AgentErrorCodes.HookBlocked, $"A UserPromptSubmit hook blocked this prompt: {_options.ToolContext.Secrets.Redact(submitted.Reason ?? "")}", false));
            return StopReason.Refusal;
        }

        if (!_hasTitle && promptText.Trim().Length > 0)
        {
            _hasTitle = true;
            Title = SessionStore.TitleFor(promptText);
            Record(new SessionRecord { Type = SessionRecord.TitleType, Time = _options.Time.GetUtcNow(), Title = Title });
        }

        // Asked before the prompt is recorded: what the model must be told about tools that went away comes before the
        // user's words, not after them.
        ToolRegistry? stepTools = await StepToolsAsync(cancellationToken);
        Append(new ChatMessage(ChatRole.User, [.. prompt, .. submitted.Messages.Select(m => new TextContent(HookResultText("UserPromptSubmit", _options.ToolContext.Secrets.Redact(m))))]));
        ToolRuntime runtime = CreateRuntime(events);
        var guard = new RepeatedCallGuard();
        bool compactionFailed = false;
        bool stopHookUsed = false;
        for (int step = 0; ; step++)
        {
            if (cancellationToken.IsCancellationRequested)
            {
                return StopReason.Cancelled;
            }

            if (step >= _options.MaxStepsPerTurn)
            {
                return StopReason.MaxSteps;
            }

            if (!compactionFailed && NeedsCompaction())
            {
                CompactionResult compaction = await CompactCoreAsync(events, cancellationToken);
                compactionFailed = !compaction.Succeeded;
            }

            ToolRegistry tools = stepTools ?? await StepToolsAsync(cancellationToken);
            stepTools = null;
            if (await RunStepAsync(runtime with { Tools = tools }, guard, step == 0, cancellationToken) is { } stop)
            {
                // A Stop hook may send the model on once per turn, with its reason as a new user message.
                if (stop == StopReason.EndTurn && !stopHookUsed && !IsSubagent
                    && await _options.Hooks.RunAsync("Stop", "", HookBase() with { StopHookActive = false }, cancellationToken) is { Blocked: true } verdict)
                {
                    stopHookUsed = true;
                    Append(new ChatMessage(ChatRole.User, [new TextContent(HookResultText("Stop", _options.ToolContext.Secrets.Redact(verdict.Reason ?? "")))]));
                    continue;
                }

                return stop;
            }
        }
    }

    /// <summary>What this turn's tool calls run with (a fresh skill count per turn).</summary>
    private ToolRuntime CreateRuntime(ChannelWriter<AgentEvent> events) => new()
    {
        Tools = _options.Tools,
        Permissions = _permissionGate,
        Context = ToolContextForTurn() with
        {
            SkillNesting = new Skills.SkillNesting(),
            Subagents = _subagents,
            Plan = Plan,
            Questions = _options.Prompter as Plans.IUserQuestions,
        },
        Events = events,
        Logger = _options.Logger,
        Hooks = _options.Hooks,
        HookBase = HookBase(),
    };

    /// <summary>The host's tool context, with the policy's read denials when the host gave none.</summary>
    private ToolContext ToolContextForTurn() =>
        _options.ToolContext.IsReadDenied is null && _options.Permissions is PermissionPolicy policy
            ? _options.ToolContext with { IsReadDenied = policy.DeniesRead }
            : _options.ToolContext;

    /// <summary>One model call and its tool calls; null when the turn goes on.</summary>
    /// <remarks>The request declares exactly the tools of <paramref name="runtime"/>, and its calls are dispatched to them alone.</remarks>
    private async Task<StopReason?> RunStepAsync(ToolRuntime runtime, RepeatedCallGuard guard, bool turnStart, CancellationToken cancellationToken)
    {
        List<ChatMessage> messages;
        lock (_historyGate)
        {
            messages = [.. _history];
        }

        // Plan mode's reminder rides on this request only (at the end, so the cached prefix stays the same).
        if (Plan.NextReminder(turnStart) is { } reminder)
        {
            messages.Add(new ChatMessage(ChatRole.User, $"<system-reminder>\n{reminder}\n</system-reminder>"));
        }

        PermissionMode modeBefore = _options.Permissions.Mode;

        var options = new ChatOptions
        {
            Instructions = SystemPromptText,
            Tools = runtime.Tools.All.Count > 0 ? [.. runtime.Tools.Declarations] : null,
            ConversationId = Id,
            AllowMultipleToolCalls = true,
            Reasoning = _options.Thinking switch
            {
                true => new ReasoningOptions { Effort = ReasoningEffort.High, Output = ReasoningOutput.Full },
                false => new ReasoningOptions { Effort = ReasoningEffort.None, Output = ReasoningOutput.None },
                null => null,
            },
        };

        using var batch = new ToolCallBatch(runtime, cancellationToken);
        var thinking = new StringBuilder();
        var text = new StringBuilder();
        var calls = new List<FunctionCallContent>();
        ChatFinishReason? finish = null;
        Exception? failure = null;
        bool cancelled = false;
        try
        {
            await foreach (ChatResponseUpdate update in _options.ChatClient.GetStreamingResponseAsync(messages, options, cancellationToken))
            {
                finish = update.FinishReason ?? finish;
                foreach (AIContent content in update.Contents)
                {
                    switch (content)
                    {
                        case TextReasoningContent reasoning when reasoning.Text.Length > 0:
                            thinking.Append(reasoning.Text);
                            runtime.Emit(new ThinkingDelta(reasoning.Text));
                            break;
                        case TextContent delta when delta.Text.Length > 0:
                            text.Append(delta.Text);
                            runtime.Emit(new TextDelta(delta.Text));
                            break;
                        case FunctionCallContent call when !call.InformationalOnly:
                            FunctionCallContent accepted = WithCallId(call);
                            calls.Add(accepted);
                            RepeatVerdict verdict = guard.Observe(accepted.Name, accepted.Exception is { } ex ? "!" + ex.Message : HistoryContent.ArgumentsJson(accepted, sortKeys: true));
                            batch.Schedule(accepted, verdict, guard.Count);
                            break;
                        case UsageContent usage:
                            RecordUsage(usage.Details, messages.Count, runtime);
                            break;
                        case RetryNotice retry:
                            runtime.Emit(new RetryScheduled(retry.Attempt, retry.Delay, retry.Code, retry.StatusCode, retry.Message, retry.MaxAttempts));
                            break;
                    }
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            cancelled = true;
        }
        catch (Exception ex)
        {
            failure = ex;
            batch.Cancel("The tool call was stopped because the model's answer failed before it was complete.");
        }

        // The assistant message (partial when cancelled or failed) and then one result per call, in call
        // order, so the history never holds a call without its result.
        var contents = new List<AIContent>();
        if (thinking.Length > 0)
        {
            contents.Add(new TextReasoningContent(thinking.ToString()));
        }

        if (text.Length > 0)
        {
            contents.Add(new TextContent(text.ToString()));
        }

        contents.AddRange(calls);
        if (contents.Count > 0)
        {
            Append(new ChatMessage(ChatRole.Assistant, contents));
        }

        foreach (ScheduledCall scheduled in batch.Calls)
        {
            ToolResult result = await scheduled.Result;
            Append(HistoryContent.ResultMessage(scheduled.Call.CallId, result));
        }

        if (_options.Permissions.Mode is var modeAfter && modeAfter != modeBefore)
        {
            runtime.Emit(new ModeChanged(modeAfter));
        }

        if (cancelled || cancellationToken.IsCancellationRequested)
        {
            return StopReason.Cancelled;
        }

        if (TakeWriteFailure() is { } writeFailure)
        {
            runtime.Emit(writeFailure);
            return StopReason.Error;
        }

        if (failure is not null)
        {
            runtime.Emit(failure switch
            {
                ProviderException provider => new AgentError(provider.Code, provider.Message, provider.IsRetryable),
                KimiCodeException known => new AgentError(known.Code, known.Message, known.IsRetryable),
                _ => new AgentError(AgentErrorCodes.Internal, $"The model call failed unexpectedly ({failure.GetType().Name}: {failure.Message}). Try again.", false),
            });
            return StopReason.Error;
        }

        if (guard.Stopped)
        {
            return StopReason.RepeatedToolCall;
        }

        // A cut or filtered answer ends the turn as the model said, even after its calls ran: going on would
        // build on an answer the model did not finish.
        if (finish == ChatFinishReason.Length)
        {
            return StopReason.MaxTokens;
        }

        if (finish == ChatFinishReason.ContentFilter)
        {
            return StopReason.Refusal;
        }

        return calls.Count == 0 ? StopReason.EndTurn : null;
    }

    /// <summary>
    /// The tools of the next request: the fixed ones plus what <see cref="AgentSessionOptions.DynamicTools"/> offers now
    /// (a name already taken is skipped). What the source says went away is told to the model once, as a user message.
    /// </summary>
    private async Task<ToolRegistry> StepToolsAsync(CancellationToken cancellationToken)
    {
        if (_options.DynamicTools is not { } source)
        {
            return _options.Tools;
        }

        ToolSourceSnapshot snapshot = await source.SnapshotAsync(cancellationToken);
        if (snapshot.Notices.Count > 0)
        {
            Append(new ChatMessage(ChatRole.User, [new TextContent($"<system>\n{string.Join('\n', snapshot.Notices)}\n</system>")]));
        }

        if (!ReferenceEquals(snapshot.Tools, _dynamicTools))
        {
            _dynamicTools = snapshot.Tools;
            var names = new HashSet<string>(_options.Tools.All.Select(t => t.Name), StringComparer.Ordinal);
            _stepTools = _options.Tools.With(snapshot.Tools.Where(t => names.Add(t.Name)));
        }

        return _stepTools;
    }

    /// <summary>What a hook said, as the official client shows it to the model.</summary>
    private static string HookResultText(string eventName, string message) => $"<hook_result hook_event=\"{eventName}\">\n{message}\n</hook_result>";

    private static FunctionCallContent WithCallId(FunctionCallContent call)
    {
        if (!string.IsNullOrEmpty(call.CallId))
        {
            return call;
        }

        // The server needs an id to pair the result with the call.
        return new FunctionCallContent("call_" + Guid.NewGuid().ToString("N"), call.Name, call.Arguments) { Exception = call.Exception };
    }

    private void RecordUsage(UsageDetails usage, int requestMessageCount, ToolRuntime runtime)
    {
        long input = usage.InputTokenCount ?? 0;
        runtime.Emit(new UsageReported(input, usage.OutputTokenCount ?? 0, usage.CachedInputTokenCount ?? 0));
        if (usage.InputTokenCount is null)
        {
            return;
        }

        lock (_historyGate)
        {
            _lastInputTokens = input;
            _usageMessageCount = requestMessageCount;
        }

        Record(new SessionRecord
        {
            Type = SessionRecord.UsageType,
            Time = _options.Time.GetUtcNow(),
            InputTokens = input,
            MessageCount = requestMessageCount,
        });
    }

    private void Append(ChatMessage message)
    {
        lock (_historyGate)
        {
            _history.Add(message);
        }

        Record(new SessionRecord { Type = SessionRecord.MessageType, Time = _options.Time.GetUtcNow(), Message = MessageCodec.ToRecord(message) });
    }

    /// <summary>
    /// Appends to the session file. A write failure must not leave the in-memory history half-updated,
    /// so it is remembered and reported once the step's messages are all in place.
    /// </summary>
    private void Record(SessionRecord record)
    {
        try
        {
            _log.Append(record);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _writeFailure ??= ex;
        }
    }

    private AgentError? TakeWriteFailure()
    {
        Exception? failure = Interlocked.Exchange(ref _writeFailure, null);
        return failure is null
            ? null
            : new AgentError(SessionErrorCodes.WriteFailed,
                $"Could not write the session file {_log.Path}: {failure.Message} The conversation goes on, but this session may not resume completely. Check the disk space and the permissions of {Path.GetDirectoryName(_log.Path)}.",
                false);
    }

    private long EstimateTokensLocked()
    {
        long tokens;
        int from;
        if (_lastInputTokens is { } reported && _usageMessageCount <= _history.Count)
        {
            tokens = reported;
            from = _usageMessageCount;
        }
        else
        {
            tokens = _fixedPromptChars / 4;
            from = 0;
        }

        long chars = 0;
        for (int i = from; i < _history.Count; i++)
        {
            chars += HistoryContent.CharacterCount(_history[i]);
        }

        return tokens + chars / 4;
    }

    private bool NeedsCompaction()
    {
        lock (_historyGate)
        {
            if (!Compactor.ShouldCompact(EstimateTokensLocked(), _options.ContextWindowTokens, _options.ReservedTokens))
            {
                return false;
            }

            int cut = Compactor.FindCut(_history);
            return cut > 0 && Compactor.HasNewMaterial(_history.Take(cut));
        }
    }

    private async Task<CompactionResult> CompactCoreAsync(ChannelWriter<AgentEvent>? events, CancellationToken cancellationToken, string? focus = null)
    {
        List<ChatMessage> snapshot;
        lock (_historyGate)
        {
            snapshot = [.. _history];
        }

        int before = snapshot.Count;
        int cut = Compactor.FindCut(snapshot);
        if (cut <= 0 || !Compactor.HasNewMaterial(snapshot.Take(cut)))
        {
            return new CompactionResult(false, before, before, null,
                "Nothing to compact yet: only the last two prompts are in the history, and they are always kept.");
        }

        string trigger = events is null ? "manual" : "auto";
        long tokensBefore = EstimatedContextTokens;
        await _options.Hooks.RunAsync("PreCompact", trigger, HookBase() with { Trigger = trigger, TokenCount = tokensBefore }, cancellationToken);
        events?.TryWrite(new CompactionStarted());
        string? error = null;
        string summary = "";
        try
        {
            summary = await Compactor.SummariseAsync(_options.ChatClient, snapshot[..cut], _options.ContextWindowTokens, cancellationToken, focus);
            if (summary.Length == 0)
            {
                error = "The model returned an empty summary, so the history was left unchanged.";
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            events?.TryWrite(new CompactionFinished(before, before, false, "Compaction was cancelled; the history is unchanged."));
            throw;
        }
        catch (Exception ex)
        {
            error = $"Summarising the conversation failed, so the history was left unchanged: {ex.Message}";
        }

        if (error is not null)
        {
            events?.TryWrite(new CompactionFinished(before, before, false, error));
            return new CompactionResult(false, before, before, null, error);
        }

        int after;
        lock (_historyGate)
        {
            // Nothing else changes the history while a turn or compaction runs (one at a time).
            _history = [HistoryContent.SummaryMessage(summary), .. _history.Skip(cut)];
            _lastInputTokens = null;
            _usageMessageCount = 0;
            after = _history.Count;
        }

        Record(new SessionRecord { Type = SessionRecord.CompactionType, Time = _options.Time.GetUtcNow(), Replaced = cut, Summary = summary });
        _options.Hooks.Fire("PostCompact", trigger, HookBase() with { Trigger = trigger, EstimatedTokenCount = EstimatedContextTokens });
        events?.TryWrite(new CompactionFinished(before, after, true, null));
        return new CompactionResult(true, before, after, summary, null);
    }
}
