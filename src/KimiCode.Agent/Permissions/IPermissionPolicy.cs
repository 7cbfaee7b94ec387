using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Permissions;

/// <summary>Approval modes, as the official clients name them.</summary>
public enum PermissionMode
{
    /// <summary>Reads are free; writes and shell ask.</summary>
    Default,

    /// <summary>Edits are free; shell asks.</summary>
    AcceptEdits,

    /// <summary>Nothing asks (rules that deny still deny).</summary>
    Yolo,

    /// <summary>Read-only: edits and shell are refused.</summary>
    Plan,

    /// <summary>
    /// Never asks (the official <c>auto</c>): what Yolo allows is allowed, ask rules allow too, and what would still
    /// ask for safety (a write outside the workspace or to a sensitive path, links that cannot be resolved) is denied.
    /// </summary>
    Auto,
}

/// <summary>What to do with a call.</summary>
public enum PermissionDecision
{
    Allow,
    Ask,
    Deny,
}

/// <summary>A decision and, for Ask/Deny, why (shown to the user, and to the model on Deny).</summary>
public sealed record PermissionVerdict(PermissionDecision Decision, string? Reason = null);

/// <summary>
/// Decides whether a prepared call may run. One instance per session: it remembers the user's
/// "allow for this session" answers.
/// </summary>
public interface IPermissionPolicy
{
    /// <summary>The current mode.</summary>
    PermissionMode Mode { get; set; }

    /// <summary>The mode the session was in before it last entered plan mode: where approving a plan goes back to.</summary>
    PermissionMode ModeBeforePlan => PermissionMode.Default;

    /// <summary>Decides for one call of tool <paramref name="toolName"/>.</summary>
    PermissionVerdict Evaluate(string toolName, PreparedToolCall call);

    /// <summary>Remembers "allow for this session" for calls like this one (same tool; same command prefix or file).</summary>
    void GrantForSession(string toolName, PreparedToolCall call);
}
