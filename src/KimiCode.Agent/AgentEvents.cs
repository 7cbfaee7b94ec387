using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent;

/// <summary>
/// Everything the agent reports while it works. The agent never prints: the terminal renderer,
/// print mode and the ACP server are three consumers of the same stream of events.
/// </summary>
public abstract record AgentEvent;

/// <summary>A turn began with the user's prompt (replays also use it for earlier prompts).</summary>
/// <param name="TurnId">Unique per turn.</param>
/// <param name="Prompt">The prompt's text (images are not included).</param>
/// <param name="Contents">The whole prompt as recorded (text and images), set by replays; null when not given.</param>
public sealed record TurnStarted(string TurnId, string Prompt, IReadOnlyList<AIContent>? Contents = null) : AgentEvent;

/// <summary>A piece of the model's thinking.</summary>
public sealed record ThinkingDelta(string Text) : AgentEvent;

/// <summary>A piece of the model's answer.</summary>
public sealed record TextDelta(string Text) : AgentEvent;

/// <summary>The model called a tool; the call is about to be checked and run (or refused).</summary>
/// <param name="Title">A short human title, e.g. <c>Read src/Program.cs</c>; the tool name when the call is invalid.</param>
/// <param name="Locations">Absolute paths the call touches.</param>
/// <param name="ArgumentsJson">The arguments as compact JSON (<c>{}</c> when they could not be parsed).</param>
public sealed record ToolCallStarted(
    string CallId,
    string ToolName,
    string Title,
    ToolKind Kind,
    IReadOnlyList<string> Locations,
    string ArgumentsJson) : AgentEvent;

/// <summary>The call passed its checks (and the user's approval, when asked) and starts running now.</summary>
public sealed record ToolCallRunning(string CallId) : AgentEvent;

/// <summary>Progress of a running call (e.g. shell output so far).</summary>
public sealed record ToolCallUpdated(string CallId, string Text) : AgentEvent;

/// <summary>A call finished (successfully, with an error, refused or cancelled); <paramref name="Result"/> is what the model sees.</summary>
public sealed record ToolCallFinished(string CallId, string ToolName, ToolResult Result) : AgentEvent;

/// <summary>The agent is asking the user (through <see cref="IPermissionPrompter"/>) whether a call may run.</summary>
public sealed record PermissionRequested(string CallId, string ToolName, string Title, string? Reason) : AgentEvent;

/// <summary>The user's answer to <see cref="PermissionRequested"/> (a failed or cancelled request is <see cref="PermissionAnswer.Reject"/>).</summary>
public sealed record PermissionResolved(string CallId, PermissionAnswer Answer) : AgentEvent;

/// <summary>A model call failed transiently and will be retried after <paramref name="Delay"/>.</summary>
/// <param name="Attempt">The attempt about to be made (2 for the first retry).</param>
/// <param name="MaxAttempts">The attempt budget ("attempt 3 of 10"); 0 when unknown.</param>
public sealed record RetryScheduled(int Attempt, TimeSpan Delay, string Code, int? StatusCode, string Message, int MaxAttempts = 0) : AgentEvent;

/// <summary>Token usage of one model response.</summary>
public sealed record UsageReported(long InputTokens, long OutputTokens, long CachedTokens) : AgentEvent;

/// <summary>The plan changed (a <c>TodoWrite</c> call).</summary>
public sealed record PlanUpdated(IReadOnlyList<TodoItem> Items) : AgentEvent;

/// <summary>
/// A tool call changed the session's permission mode (<c>EnterPlanMode</c> turned plan mode on, an approved
/// <c>ExitPlanMode</c> turned it off): front ends show the new mode (ACP: <c>current_mode_update</c>).
/// </summary>
public sealed record ModeChanged(PermissionMode Mode) : AgentEvent;

/// <summary>The agent started summarising older messages to free context room.</summary>
public sealed record CompactionStarted : AgentEvent;

/// <summary>Compaction ended. When it failed, the history is unchanged and <paramref name="Error"/> says why.</summary>
public sealed record CompactionFinished(int MessagesBefore, int MessagesAfter, bool Succeeded, string? Error) : AgentEvent;

/// <summary>The turn failed. <paramref name="Code"/> is stable (e.g. <c>provider.access_terminated</c>); the message says what to do.</summary>
public sealed record AgentError(string Code, string Message, bool Retryable) : AgentEvent;

/// <summary>The last event of every turn.</summary>
public sealed record TurnEnded(StopReason Reason) : AgentEvent;

/// <summary>Why a turn ended.</summary>
public enum StopReason
{
    /// <summary>The model answered without calling tools.</summary>
    EndTurn,

    /// <summary>The turn reached <see cref="AgentSessionOptions.MaxStepsPerTurn"/> model calls.</summary>
    MaxSteps,

    /// <summary>The caller cancelled.</summary>
    Cancelled,

    /// <summary>The model kept calling the same tool with the same arguments.</summary>
    RepeatedToolCall,

    /// <summary>A model call failed (see the preceding <see cref="AgentError"/>).</summary>
    Error,

    /// <summary>The model stopped at its output limit (<c>finish_reason: length</c>): the answer is cut short.</summary>
    MaxTokens,

    /// <summary>The model's answer was stopped by its content filter (<c>finish_reason: content_filter</c>).</summary>
    Refusal,
}
