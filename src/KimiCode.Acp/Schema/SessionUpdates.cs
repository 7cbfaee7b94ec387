using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Acp.Schema;

/// <summary>A <c>session/update</c> notification.</summary>
public sealed record SessionNotification
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("update")]
    public required SessionUpdate Update { get; init; }
}

/// <summary>What changed in a session; discriminated by <c>sessionUpdate</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "sessionUpdate")]
[JsonDerivedType(typeof(UserMessageChunk), "user_message_chunk")]
[JsonDerivedType(typeof(AgentMessageChunk), "agent_message_chunk")]
[JsonDerivedType(typeof(AgentThoughtChunk), "agent_thought_chunk")]
[JsonDerivedType(typeof(ToolCallStart), "tool_call")]
[JsonDerivedType(typeof(ToolCallProgress), "tool_call_update")]
[JsonDerivedType(typeof(PlanUpdate), "plan")]
[JsonDerivedType(typeof(AvailableCommandsUpdate), "available_commands_update")]
[JsonDerivedType(typeof(CurrentModeUpdate), "current_mode_update")]
[JsonDerivedType(typeof(ConfigOptionUpdate), "config_option_update")]
[JsonDerivedType(typeof(SessionInfoUpdate), "session_info_update")]
[JsonDerivedType(typeof(UsageUpdate), "usage_update")]
public abstract record SessionUpdate;

/// <summary>A piece of a user message (replays).</summary>
public sealed record UserMessageChunk : SessionUpdate
{
    [JsonPropertyName("content")]
    public required ContentBlock Content { get; init; }
}

/// <summary>A piece of the agent's answer.</summary>
public sealed record AgentMessageChunk : SessionUpdate
{
    [JsonPropertyName("content")]
    public required ContentBlock Content { get; init; }
}

/// <summary>A piece of the agent's thinking.</summary>
public sealed record AgentThoughtChunk : SessionUpdate
{
    [JsonPropertyName("content")]
    public required ContentBlock Content { get; init; }
}

/// <summary><c>tool_call</c>: a new tool call.</summary>
public sealed record ToolCallStart : SessionUpdate
{
    [JsonPropertyName("toolCallId")]
    public required string ToolCallId { get; init; }

    [JsonPropertyName("title")]
    public required string Title { get; init; }

    [JsonPropertyName("kind")]
    public ToolCallKind? Kind { get; init; }

    [JsonPropertyName("status")]
    public ToolCallStatus? Status { get; init; }

    [JsonPropertyName("content")]
    public IReadOnlyList<ToolCallContent>? Content { get; init; }

    [JsonPropertyName("locations")]
    public IReadOnlyList<ToolCallLocation>? Locations { get; init; }

    [JsonPropertyName("rawInput")]
    public JsonElement? RawInput { get; init; }
}

/// <summary><c>tool_call_update</c>: fields that changed (each replaces the previous value).</summary>
public sealed record ToolCallProgress : SessionUpdate
{
    [JsonPropertyName("toolCallId")]
    public required string ToolCallId { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("kind")]
    public ToolCallKind? Kind { get; init; }

    [JsonPropertyName("status")]
    public ToolCallStatus? Status { get; init; }

    [JsonPropertyName("content")]
    public IReadOnlyList<ToolCallContent>? Content { get; init; }

    [JsonPropertyName("locations")]
    public IReadOnlyList<ToolCallLocation>? Locations { get; init; }

    [JsonPropertyName("rawInput")]
    public JsonElement? RawInput { get; init; }

    [JsonPropertyName("rawOutput")]
    public JsonElement? RawOutput { get; init; }
}

/// <summary>The whole plan.</summary>
public sealed record PlanUpdate : SessionUpdate
{
    [JsonPropertyName("entries")]
    public required IReadOnlyList<PlanEntry> Entries { get; init; }
}

/// <summary>One plan entry.</summary>
public sealed record PlanEntry
{
    [JsonPropertyName("content")]
    public required string Content { get; init; }

    [JsonPropertyName("priority")]
    public required PlanEntryPriority Priority { get; init; }

    [JsonPropertyName("status")]
    public required PlanEntryStatus Status { get; init; }
}

/// <summary>The slash commands the agent understands.</summary>
public sealed record AvailableCommandsUpdate : SessionUpdate
{
    [JsonPropertyName("availableCommands")]
    public required IReadOnlyList<AvailableCommand> AvailableCommands { get; init; }
}

/// <summary>A slash command.</summary>
public sealed record AvailableCommand
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public required string Description { get; init; }

    [JsonPropertyName("input")]
    public AvailableCommandInput? Input { get; init; }
}

/// <summary>What a command takes after its name.</summary>
public sealed record AvailableCommandInput
{
    [JsonPropertyName("hint")]
    public required string Hint { get; init; }
}

/// <summary>The mode changed.</summary>
public sealed record CurrentModeUpdate : SessionUpdate
{
    [JsonPropertyName("currentModeId")]
    public required string CurrentModeId { get; init; }
}

/// <summary>The config options changed (the whole list).</summary>
public sealed record ConfigOptionUpdate : SessionUpdate
{
    [JsonPropertyName("configOptions")]
    public required IReadOnlyList<SessionConfigOption> ConfigOptions { get; init; }
}

/// <summary>The session's title or update time changed.</summary>
public sealed record SessionInfoUpdate : SessionUpdate
{
    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>ISO 8601.</summary>
    [JsonPropertyName("updatedAt")]
    public string? UpdatedAt { get; init; }
}

/// <summary>Context usage: tokens used of the window's size.</summary>
public sealed record UsageUpdate : SessionUpdate
{
    [JsonPropertyName("used")]
    public required long Used { get; init; }

    [JsonPropertyName("size")]
    public required long Size { get; init; }
}

/// <summary>What a tool call shows; discriminated by <c>type</c>.</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(ToolCallContentBlock), "content")]
[JsonDerivedType(typeof(ToolCallDiff), "diff")]
[JsonDerivedType(typeof(ToolCallTerminal), "terminal")]
public abstract record ToolCallContent;

/// <summary>Plain content (text).</summary>
public sealed record ToolCallContentBlock : ToolCallContent
{
    [JsonPropertyName("content")]
    public required ContentBlock Content { get; init; }
}

/// <summary>A file change; no <c>oldText</c> for a new file.</summary>
public sealed record ToolCallDiff : ToolCallContent
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("oldText")]
    public string? OldText { get; init; }

    [JsonPropertyName("newText")]
    public required string NewText { get; init; }
}

/// <summary>A terminal the client created (<c>terminal/create</c>) and shows live.</summary>
public sealed record ToolCallTerminal : ToolCallContent
{
    [JsonPropertyName("terminalId")]
    public required string TerminalId { get; init; }
}

/// <summary>A file a tool call touches.</summary>
public sealed record ToolCallLocation
{
    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("line")]
    public int? Line { get; init; }
}

/// <summary>What a tool call does, so clients can pick an icon.</summary>
[JsonConverter(typeof(StrictStringEnumConverter<ToolCallKind>))]
public enum ToolCallKind
{
    [JsonStringEnumMemberName("read")]
    Read,

    [JsonStringEnumMemberName("edit")]
    Edit,

    [JsonStringEnumMemberName("delete")]
    Delete,

    [JsonStringEnumMemberName("move")]
    Move,

    [JsonStringEnumMemberName("search")]
    Search,

    [JsonStringEnumMemberName("execute")]
    Execute,

    [JsonStringEnumMemberName("think")]
    Think,

    [JsonStringEnumMemberName("fetch")]
    Fetch,

    [JsonStringEnumMemberName("switch_mode")]
    SwitchMode,

    [JsonStringEnumMemberName("other")]
    Other,
}

/// <summary>Where a tool call is in its life.</summary>
[JsonConverter(typeof(StrictStringEnumConverter<ToolCallStatus>))]
public enum ToolCallStatus
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("in_progress")]
    InProgress,

    [JsonStringEnumMemberName("completed")]
    Completed,

    [JsonStringEnumMemberName("failed")]
    Failed,
}

/// <summary>How important a plan entry is.</summary>
[JsonConverter(typeof(StrictStringEnumConverter<PlanEntryPriority>))]
public enum PlanEntryPriority
{
    [JsonStringEnumMemberName("high")]
    High,

    [JsonStringEnumMemberName("medium")]
    Medium,

    [JsonStringEnumMemberName("low")]
    Low,
}

/// <summary>Where a plan entry is.</summary>
[JsonConverter(typeof(StrictStringEnumConverter<PlanEntryStatus>))]
public enum PlanEntryStatus
{
    [JsonStringEnumMemberName("pending")]
    Pending,

    [JsonStringEnumMemberName("in_progress")]
    InProgress,

    [JsonStringEnumMemberName("completed")]
    Completed,
}
