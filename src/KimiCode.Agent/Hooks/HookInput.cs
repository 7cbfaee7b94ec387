using System.Text.Json;

namespace KimiCode.Agent.Hooks;

/// <summary>
/// The JSON a hook command reads on standard input, in the official field names (snake_case, absent fields left out):
/// every event carries <c>hook_event_name</c>, <c>session_id</c>, <c>cwd</c> and <c>client_type</c>; tool events add
/// <c>tool_name</c>, <c>tool_input</c> and <c>tool_call_id</c>, and so on per event.
/// </summary>
public sealed record HookInput
{
    public string HookEventName { get; init; } = "";

    public string SessionId { get; init; } = "";

    public string? SessionTitle { get; init; }

    public string ClientType { get; init; } = "kimi_code_cli";

    public string Cwd { get; init; } = "";

    public string? ToolName { get; init; }

    public JsonElement? ToolInput { get; init; }

    public string? ToolCallId { get; init; }

    /// <summary>PostToolUse: the start of the result the model sees (at most 2000 characters).</summary>
    public string? ToolOutput { get; init; }

    /// <summary>PostToolUseFailure: why the call failed or was refused.</summary>
    public string? Error { get; init; }

    /// <summary>PermissionRequest: the call's title; Notification: the notification's title.</summary>
    public string? Title { get; init; }

    /// <summary>Notification: what happened (<c>approval.required</c>, <c>turn.completed</c>); the matcher's target.</summary>
    public string? NotificationType { get; init; }

    /// <summary>Notification: the line under the title (the call awaiting approval, the session's title).</summary>
    public string? Body { get; init; }

    public string? Decision { get; init; }

    /// <summary>UserPromptSubmit: the prompt's text.</summary>
    public string? Prompt { get; init; }

    /// <summary>SessionStart: <c>startup</c> or <c>resume</c>.</summary>
    public string? Source { get; init; }

    public string? Model { get; init; }

    /// <summary>SessionEnd: <c>exit</c>; Interrupt: <c>cancelled</c>.</summary>
    public string? Reason { get; init; }

    /// <summary>Stop: true when a Stop hook already made this turn go on once.</summary>
    public bool? StopHookActive { get; init; }

    /// <summary>PreCompact / PostCompact: <c>manual</c> or <c>auto</c>.</summary>
    public string? Trigger { get; init; }

    public long? TokenCount { get; init; }

    public long? EstimatedTokenCount { get; init; }

    /// <summary>SubagentStart / SubagentStop: the agent's type (<c>explore</c>, a custom agent's name).</summary>
    public string? AgentName { get; init; }

    /// <summary>SubagentStart / SubagentStop: the subagent's id (its transcript is <c>subagents/&lt;id&gt;.jsonl</c>).</summary>
    public string? AgentId { get; init; }

    /// <summary>SubagentStop: the subagent's final message, as its caller receives it.</summary>
    public string? Response { get; init; }
}
