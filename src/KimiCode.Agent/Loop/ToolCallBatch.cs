using System.Globalization;
using System.Threading.Channels;
using KimiCode.Agent.Hooks;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Secrets;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;

namespace KimiCode.Agent.Loop;

/// <summary>What the tool calls of one model request share: the tool registry, the permission gate and the event channel.</summary>
internal sealed record ToolRuntime
{
    public required ToolRegistry Tools { get; init; }

    public required PermissionGate Permissions { get; init; }

    public required ToolContext Context { get; init; }

    public required ChannelWriter<AgentEvent> Events { get; init; }

    public required ILogger Logger { get; init; }

    /// <summary>The session's hooks (PreToolUse, PostToolUse, PostToolUseFailure, PermissionRequest, PermissionResult).</summary>
    public HookDispatcher Hooks { get; init; } = HookDispatcher.None;

    /// <summary>The base of every hook payload (session id and title).</summary>
    public HookInput HookBase { get; init; } = new();

    public void Emit(AgentEvent agentEvent) => Events.TryWrite(agentEvent);
}

/// <summary>A call of one model answer, with the task that yields its result (it never throws).</summary>
internal sealed record ScheduledCall(FunctionCallContent Call, Task<ToolResult> Result);

/// <summary>
/// Starts the tool calls of one model answer as they arrive. Read-only calls the policy allows run in
/// parallel; a call that asks or changes something waits for every earlier call and runs alone, in call
/// order (and later reads wait for it). Every outcome (invalid call, refusal, failure, cancellation) is a
/// <see cref="ToolResult"/> the model sees.
/// </summary>
internal sealed class ToolCallBatch : IDisposable
{
    public const string CancelledMessage = "The tool call was cancelled by the user.";

    private readonly ToolRuntime _runtime;
    private readonly CancellationTokenSource _cancellation;
    private readonly List<ScheduledCall> _calls = [];
    private Task _lastExclusive = Task.CompletedTask;
    private volatile string _cancelMessage = CancelledMessage;

    public ToolCallBatch(ToolRuntime runtime, CancellationToken turnToken)
    {
        _runtime = runtime;
        _cancellation = CancellationTokenSource.CreateLinkedTokenSource(turnToken);
    }

    public IReadOnlyList<ScheduledCall> Calls => _calls;

    /// <summary>Stops running and waiting calls; they finish with <paramref name="message"/>.</summary>
    public void Cancel(string message)
    {
        _cancelMessage = message;
        _cancellation.Cancel();
    }

    public void Dispose() => _cancellation.Dispose();

    public void Schedule(FunctionCallContent call, RepeatVerdict verdict, int repeatCount)
    {
        string name = call.Name;
        string argumentsJson = HistoryContent.ArgumentsJson(call);
        if (call.Exception is { } argumentsError)
        {
            Immediate(call, argumentsJson, ToolResult.Error(
                $"The arguments of this {name} call are not valid JSON ({argumentsError.Message}). Call the tool again with the arguments as one JSON object that matches its parameter schema."));
            return;
        }

        if (!_runtime.Tools.TryGet(name, out IAgentTool? tool))
        {
            Immediate(call, argumentsJson, ToolResult.Error(_runtime.Tools.UnknownToolMessage(name)));
            return;
        }

        ToolPreparation preparation;
        try
        {
            preparation = tool.Prepare(HistoryContent.ArgumentsElement(call), _runtime.Context);
        }
        catch (Exception ex)
        {
            preparation = ToolPreparation.Fail($"The {name} call could not be prepared: {ex.Message}");
        }

        if (preparation.Call is not { } prepared)
        {
            Immediate(call, argumentsJson, ToolResult.Error(preparation.Error ?? $"The {name} call is invalid."));
            return;
        }

        prepared.CallId = call.CallId;
        HistoryContent.SetCallInfo(call, prepared.Title, prepared.Kind, prepared.Locations);
        _runtime.Emit(new ToolCallStarted(call.CallId, name, prepared.Title, prepared.Kind, prepared.Locations, argumentsJson));
        switch (verdict)
        {
            case RepeatVerdict.Refuse:
                Finish(call, Task.FromResult(ToolResult.Error(string.Create(CultureInfo.InvariantCulture,
                    $"This {name} call is identical to the previous {repeatCount - 1} calls, so it was not run again. Repeating it will not give a different result: try something else (other arguments or another tool), or answer with what you have."))));
                return;
            case RepeatVerdict.Stop:
                Finish(call, Task.FromResult(ToolResult.Error(string.Create(CultureInfo.InvariantCulture,
                    $"Not run: the turn was stopped because {name} was called with the same arguments {RepeatedCallGuard.StopAt} times in a row."))));
                return;
        }

        bool free = prepared.Action is PermissionAction.Read or PermissionAction.None && _runtime.Permissions.Allows(name, prepared);
        if (free)
        {
            Task barrier = _lastExclusive;
            Finish(call, Task.Run(() => RunAsync(call, prepared, barrier, exclusive: false)));
        }
        else
        {
            Task barrier = Task.WhenAll(_calls.Select(c => c.Result));
            Task<ToolResult> task = Task.Run(() => RunAsync(call, prepared, barrier, exclusive: true));
            Finish(call, task);
            _lastExclusive = task;
        }
    }

    private void Immediate(FunctionCallContent call, string argumentsJson, ToolResult error)
    {
        HistoryContent.SetCallInfo(call, call.Name, ToolKind.Other, []);
        _runtime.Emit(new ToolCallStarted(call.CallId, call.Name, call.Name, ToolKind.Other, [], argumentsJson));
        Finish(call, Task.FromResult(error));
    }

    private void Finish(FunctionCallContent call, Task<ToolResult> execution) =>
        _calls.Add(new ScheduledCall(call, ReportAsync(call, execution)));

    private async Task<ToolResult> ReportAsync(FunctionCallContent call, Task<ToolResult> execution)
    {
        ToolResult result;
        long started = System.Diagnostics.Stopwatch.GetTimestamp();
        try
        {
            result = await execution;
        }
        catch (Exception ex)
        {
            // RunAsync handles every failure it knows of; this keeps a surprise from leaving a call without a result.
            result = ToolResult.Error($"The {call.Name} call failed: {ex.Message}");
        }

        // The one place every tool result (MCP included) passes before the model, the session file and the screen.
        result = Redact(result, _runtime.Context.Secrets);

        NotifyPostToolUse(call, result);
        double elapsedMs = System.Diagnostics.Stopwatch.GetElapsedTime(started).TotalMilliseconds;
        AgentLog.ToolCallFinished(_runtime.Logger, call.Name, call.CallId, result.IsError ? "error" : "ok", elapsedMs);
        _runtime.Emit(new ToolCallFinished(call.CallId, call.Name, result));
        if (!result.IsError && result.Display is PlanDisplay plan)
        {
            _runtime.Emit(new PlanUpdated(plan.Items));
        }

        return result;
    }

    private async Task<ToolResult> RunAsync(FunctionCallContent call, PreparedToolCall prepared, Task barrier, bool exclusive)
    {
        CancellationToken token = _cancellation.Token;
        await barrier.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        if (token.IsCancellationRequested)
        {
            return ToolResult.Error(_cancelMessage);
        }

        string name = call.Name;

        // PreToolUse runs before the permission check, as the official client does: a hook can refuse what a rule allows.
        if (await PreToolUseAsync(call, token).ConfigureAwait(false) is { } blocked)
        {
            return blocked;
        }

        // A read judged free when scheduled is judged again once the calls before it have run: one of them may have
        // made a symbolic link that now leads the read somewhere a rule denies.
        if (exclusive || !_runtime.Permissions.Allows(name, prepared))
        {
            // The change is worked out before anyone is asked, so the user approves exactly what runs. A call that
            // cannot be made fails with its reason, but only once the permission check lets it run: a denied call
            // must not tell the model anything about the file.
            ToolResult? unworkable;
            try
            {
                unworkable = await prepared.PreviewAsync(token).ConfigureAwait(false);
            }
            catch (OperationCanceledException) when (token.IsCancellationRequested)
            {
                return ToolResult.Error(_cancelMessage);
            }
            catch (Exception ex)
            {
                unworkable = ToolResult.Error($"The {name} tool failed: {ex.Message}");
            }

            if (unworkable is not null && _runtime.Permissions.Allows(name, prepared))
            {
                return unworkable;
            }

            PermissionOutcome permission = await _runtime.Permissions.AuthorizeAsync(
                call.CallId, name, prepared, HistoryContent.ArgumentsJson(call), e => EmitPermissionEvent(call, e), token);
            if (permission.IsCancelled)
            {
                return ToolResult.Error(_cancelMessage);
            }

            if (permission.Refusal is { } refusal)
            {
                return ToolResult.Error(refusal);
            }

            if (unworkable is not null)
            {
                return unworkable;
            }
        }

        var progress = new EventProgress(_runtime, call.CallId);
        _runtime.Emit(new ToolCallRunning(call.CallId));
        try
        {
            return await prepared.ExecuteAsync(progress, token) ?? ToolResult.Error($"The {name} tool returned nothing.");
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return ToolResult.Error(_cancelMessage);
        }
        catch (Exception ex)
        {
            return ToolResult.Error($"The {name} tool failed: {ex.Message}");
        }
        finally
        {
            progress.Flush();
        }
    }

    /// <summary>The PreToolUse hooks' refusal, phrased for the model; null when they let the call go on (or none matched).</summary>
    private async Task<ToolResult?> PreToolUseAsync(FunctionCallContent call, CancellationToken token)
    {
        const string Event = "PreToolUse";
        if (!_runtime.Hooks.Has(Event))
        {
            return null;
        }

        HookVerdict verdict;
        try
        {
            verdict = await _runtime.Hooks.RunAsync(Event, call.Name, ToolHookInput(call), token).ConfigureAwait(false);
        }
        catch (OperationCanceledException) when (token.IsCancellationRequested)
        {
            return ToolResult.Error(_cancelMessage);
        }

        if (token.IsCancellationRequested)
        {
            return ToolResult.Error(_cancelMessage);
        }

        return verdict.Blocked
            ? ToolResult.Error($"A PreToolUse hook blocked this {call.Name} call: {verdict.Reason} Do not repeat it; find another way, or ask the user.")
            : null;
    }

    private void NotifyPostToolUse(FunctionCallContent call, ToolResult result)
    {
        string eventName = result.IsError ? "PostToolUseFailure" : "PostToolUse";
        if (_runtime.Hooks.Has(eventName))
        {
            string text = result.Content.Length > 2000 ? result.Content[..2000] : result.Content;
            HookInput input = ToolHookInput(call) with { ToolOutput = result.IsError ? null : text, Error = result.IsError ? text : null };
            _runtime.Hooks.Fire(eventName, call.Name, input);
        }
    }

    private void EmitPermissionEvent(FunctionCallContent call, AgentEvent agentEvent)
    {
        switch (agentEvent)
        {
            case PermissionRequested requested:
                _runtime.Hooks.Fire("PermissionRequest", call.Name, ToolHookInput(call) with { Title = requested.Title, Reason = requested.Reason });
                _runtime.Hooks.Notify(HookDispatcher.ApprovalRequired, "Kimi Code approval required", requested.Title, ToolHookInput(call));
                break;
            case PermissionResolved resolved when _runtime.Hooks.Has("PermissionResult"):
                _runtime.Hooks.Fire("PermissionResult", call.Name, ToolHookInput(call) with { Decision = DecisionName(resolved.Answer) });
                break;
        }

        _runtime.Emit(agentEvent);
    }

    private static string DecisionName(PermissionAnswer answer) => answer switch
    {
        PermissionAnswer.AllowOnce => "allow_once",
        PermissionAnswer.AllowForSession => "allow_for_session",
        PermissionAnswer.Unattended => "unattended",
        _ => "reject",
    };

    private HookInput ToolHookInput(FunctionCallContent call) =>
        _runtime.HookBase with { ToolName = call.Name, ToolInput = HistoryContent.ArgumentsElement(call), ToolCallId = call.CallId };

    /// <summary><paramref name="result"/> with every live secret replaced, in the text the model sees and in what front ends show.</summary>
    internal static ToolResult Redact(ToolResult result, SecretRedactor secrets)
    {
        ToolDisplay? display = result.Display switch
        {
            TerminalDisplay terminal => terminal with { Command = secrets.Redact(terminal.Command), Output = secrets.Redact(terminal.Output) },
            DiffDisplay diff => diff with
            {
                OldText = secrets.RedactOrNull(diff.OldText),
                NewText = secrets.Redact(diff.NewText),
                UnifiedDiff = secrets.Redact(diff.UnifiedDiff),
            },
            PlanDisplay plan => plan with
            {
                Items = [.. plan.Items.Select(i => i with { Content = secrets.Redact(i.Content), ActiveForm = secrets.RedactOrNull(i.ActiveForm) })],
            },
            var other => other,
        };
        return result with { Content = secrets.Redact(result.Content), Display = display };
    }

    /// <summary>
    /// Turns a tool's progress reports into <see cref="ToolCallUpdated"/> events, on the caller's thread, with live
    /// secrets redacted (a secret split across two reports is held back until it is whole).
    /// </summary>
    private sealed class EventProgress(ToolRuntime runtime, string callId) : IProgress<ToolProgress>
    {
        private readonly Lock _gate = new();
        private readonly StreamRedaction _redaction = runtime.Context.Secrets.BeginStream();

        public void Report(ToolProgress value)
        {
            if (value is null)
            {
                return;
            }

            lock (_gate)
            {
                // A front end's marker (ACP's terminal id starts with NUL) is one whole report: nothing to hold back.
                if (value.Text.StartsWith('\0'))
                {
                    FlushLocked();
                    runtime.Emit(new ToolCallUpdated(callId, runtime.Context.Secrets.Redact(value.Text)));
                    return;
                }

                string text = _redaction.Push(value.Text);
                if (text.Length > 0 || value.Text.Length == 0)
                {
                    runtime.Emit(new ToolCallUpdated(callId, text));
                }
            }
        }

        public void Flush()
        {
            lock (_gate)
            {
                FlushLocked();
            }
        }

        private void FlushLocked()
        {
            string rest = _redaction.Flush();
            if (rest.Length > 0)
            {
                runtime.Emit(new ToolCallUpdated(callId, rest));
            }
        }
    }
}
