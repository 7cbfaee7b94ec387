using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Permissions;

/// <summary>
/// Decides whether one prepared tool call may run. One per session, shared by the calls of every turn:
/// <list type="number">
/// <item>The policy gives its verdict, under a lock (parallel reads evaluate while a sequential call may grant);
/// a policy that throws denies.</item>
/// <item>Deny: the call is refused with the policy's reason; the user is not asked (and the model is not told they were).</item>
/// <item>Ask: <see cref="PermissionRequested"/>, then the prompter, then <see cref="PermissionResolved"/>. A prompter
/// that throws, is cancelled or gives an unknown answer rejects; <see cref="PermissionAnswer.Unattended"/> (print mode)
/// refuses with <see cref="UnattendedRefusal"/>. "Allow for this session" records a session grant, unless the turn
/// was cancelled meanwhile.</item>
/// <item>Allow: the call runs.</item>
/// </list>
/// </summary>
internal sealed class PermissionGate
{
    /// <summary>What the model is told when a call needs approval and nobody can give it (print mode).</summary>
    public static string UnattendedRefusal(string toolName, string title) =>
        $"The {toolName} call ({title}) was not run: it needs approval, and nobody can approve tool calls in print mode (kimi -p); it is not allowed without --yolo or an allow rule in config.toml. Do not repeat it; finish without it, and tell the user what you could not do and which permission it needs.";

    private readonly IPermissionPolicy _policy;
    private readonly IPermissionPrompter _prompter;
    private readonly Lock _policyLock = new();

    public PermissionGate(IPermissionPolicy policy, IPermissionPrompter prompter)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        _prompter = prompter ?? throw new ArgumentNullException(nameof(prompter));
    }

    /// <summary>True when the policy lets the call run without asking anyone.</summary>
    public bool Allows(string toolName, PreparedToolCall call) => Evaluate(toolName, call).Decision == PermissionDecision.Allow;

    /// <summary>Evaluates the policy, asks the user when it says so, and records a session grant.</summary>
    /// <param name="emit">Receives <see cref="PermissionRequested"/> and <see cref="PermissionResolved"/> when the user is asked.</param>
    public async Task<PermissionOutcome> AuthorizeAsync(
        string callId, string toolName, PreparedToolCall call, string argumentsJson, Action<AgentEvent> emit, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(call);
        ArgumentNullException.ThrowIfNull(emit);
        PermissionVerdict verdict = Evaluate(toolName, call);
        switch (verdict.Decision)
        {
            case PermissionDecision.Allow:
                return PermissionOutcome.Run;
            case PermissionDecision.Deny:
                return PermissionOutcome.Refused(
                    $"The permission rules deny the {toolName} call ({call.Title}): {verdict.Reason ?? "no rule allows it"}. Do not repeat it; find another way, or ask the user.");
        }

        PermissionAnswer answer = await AskAsync(callId, toolName, call, verdict.Reason, argumentsJson, emit, cancellationToken).ConfigureAwait(false);
        if (cancellationToken.IsCancellationRequested)
        {
            return PermissionOutcome.Cancelled;
        }

        if (answer == PermissionAnswer.Unattended)
        {
            return PermissionOutcome.Refused(call.SafetyConcern is { } concern
                ? $"The {toolName} call ({call.Title}) was not run: {concern}. Nobody can approve it in print mode (kimi -p), and --yolo does not lift this; only such an allow rule does. Do not repeat it; finish without it, and tell the user."
                : UnattendedRefusal(toolName, call.Title));
        }

        if (answer == PermissionAnswer.Reject)
        {
            return PermissionOutcome.Refused(
                $"The user denied the {toolName} call ({call.Title}) when asked for permission. Do not repeat it; try a different approach, or ask the user how to proceed.");
        }

        if (answer == PermissionAnswer.AllowForSession)
        {
            lock (_policyLock)
            {
                _policy.GrantForSession(toolName, call);
            }
        }

        return PermissionOutcome.Run;
    }

    private async Task<PermissionAnswer> AskAsync(
        string callId, string toolName, PreparedToolCall call, string? reason, string argumentsJson, Action<AgentEvent> emit, CancellationToken cancellationToken)
    {
        emit(new PermissionRequested(callId, toolName, call.Title, reason));
        var request = new PermissionRequest(callId, toolName, call.Title, call.Kind, call.Action, call.Subject, call.Locations, reason, argumentsJson, call.Preview);
        PermissionAnswer answer;
        try
        {
            answer = await _prompter.RequestAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception)
        {
            // A prompter that fails or is cancelled must never let the call through.
            answer = PermissionAnswer.Reject;
        }

        if (!Enum.IsDefined(answer))
        {
            answer = PermissionAnswer.Reject;
        }

        emit(new PermissionResolved(callId, answer));
        return answer;
    }

    private PermissionVerdict Evaluate(string toolName, PreparedToolCall call)
    {
        lock (_policyLock)
        {
            try
            {
                return _policy.Evaluate(toolName, call);
            }
            catch (Exception ex)
            {
                return new PermissionVerdict(PermissionDecision.Deny, "the permission check failed: " + ex.Message);
            }
        }
    }
}

/// <summary>What <see cref="PermissionGate.AuthorizeAsync"/> decided: run, refused (with the message the model sees), or cancelled.</summary>
internal sealed record PermissionOutcome
{
    private PermissionOutcome(bool cancelled, string? refusal)
    {
        IsCancelled = cancelled;
        Refusal = refusal;
    }

    /// <summary>The call may run.</summary>
    public static PermissionOutcome Run { get; } = new(false, null);

    /// <summary>The turn was cancelled while the user was being asked; nothing was granted.</summary>
    public static PermissionOutcome Cancelled { get; } = new(true, null);

    public bool IsCancelled { get; }

    /// <summary>Why the call may not run, phrased for the model; null when it may.</summary>
    public string? Refusal { get; }

    public static PermissionOutcome Refused(string message) => new(false, message);
}
