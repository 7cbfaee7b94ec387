using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Agent.Sessions;

/// <summary>
/// One line of <c>context.jsonl</c>. <see cref="Type"/> says which fields are set:
/// <c>header</c> (id, work_dir, created_at, model, additional_dirs), <c>title</c>, <c>message</c>,
/// <c>compaction</c> (the first <see cref="Replaced"/> messages become one summary message),
/// <c>usage</c> (prompt tokens the server counted for the first <see cref="MessageCount"/> messages) and
/// <c>directories</c> (the session was re-opened with other <see cref="AdditionalDirs"/>).
/// </summary>
internal sealed record SessionRecord
{
    public const string HeaderType = "header";
    public const string TitleType = "title";
    public const string MessageType = "message";
    public const string CompactionType = "compaction";
    public const string UsageType = "usage";
    public const string DirectoriesType = "directories";
    public const int CurrentVersion = 1;

    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("time")]
    public DateTimeOffset? Time { get; init; }

    [JsonPropertyName("version")]
    public int? Version { get; init; }

    [JsonPropertyName("id")]
    public string? Id { get; init; }

    [JsonPropertyName("work_dir")]
    public string? WorkDir { get; init; }

    [JsonPropertyName("created_at")]
    public DateTimeOffset? CreatedAt { get; init; }

    [JsonPropertyName("model")]
    public string? Model { get; init; }

    /// <summary>Further folders of the workspace besides <see cref="WorkDir"/> (absent when none).</summary>
    [JsonPropertyName("additional_dirs")]
    public List<string>? AdditionalDirs { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>A subagent transcript's header: the agent it runs as (<c>explore</c>, a custom agent's name), for <c>resume</c>.</summary>
    [JsonPropertyName("agent_type")]
    public string? AgentType { get; init; }

    [JsonPropertyName("message")]
    public MessageRecord? Message { get; init; }

    [JsonPropertyName("replaced")]
    public int? Replaced { get; init; }

    [JsonPropertyName("summary")]
    public string? Summary { get; init; }

    [JsonPropertyName("input_tokens")]
    public long? InputTokens { get; init; }

    [JsonPropertyName("message_count")]
    public int? MessageCount { get; init; }
}

/// <summary>A chat message: role <c>user</c>, <c>assistant</c> or <c>tool</c>.</summary>
internal sealed record MessageRecord
{
    [JsonPropertyName("role")]
    public string Role { get; init; } = "";

    [JsonPropertyName("contents")]
    public List<ContentRecord> Contents { get; init; } = [];
}

/// <summary>
/// One piece of a message. <see cref="Type"/>: <c>text</c>, <c>thinking</c>, <c>tool_call</c>,
/// <c>tool_result</c>, <c>data</c> (an inline image as a data URI) or <c>uri</c>.
/// </summary>
internal sealed record ContentRecord
{
    public const string TextType = "text";
    public const string ThinkingType = "thinking";
    public const string ToolCallType = "tool_call";
    public const string ToolResultType = "tool_result";
    public const string DataType = "data";
    public const string UriType = "uri";

    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("text")]
    public string? Text { get; init; }

    [JsonPropertyName("call_id")]
    public string? CallId { get; init; }

    [JsonPropertyName("name")]
    public string? Name { get; init; }

    /// <summary>The call's arguments as a JSON object (absent when they did not parse).</summary>
    [JsonPropertyName("arguments")]
    public JsonElement? Arguments { get; init; }

    /// <summary>Why the arguments did not parse.</summary>
    [JsonPropertyName("arguments_error")]
    public string? ArgumentsError { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    [JsonPropertyName("kind")]
    public string? Kind { get; init; }

    [JsonPropertyName("locations")]
    public List<string>? Locations { get; init; }

    [JsonPropertyName("content")]
    public string? Content { get; init; }

    [JsonPropertyName("is_error")]
    public bool? IsError { get; init; }

    [JsonPropertyName("display")]
    public DisplayRecord? Display { get; init; }

    [JsonPropertyName("media_type")]
    public string? MediaType { get; init; }

    [JsonPropertyName("uri")]
    public string? Uri { get; init; }
}

/// <summary>A tool result's display: <c>diff</c>, <c>terminal</c> or <c>plan</c>.</summary>
internal sealed record DisplayRecord
{
    [JsonPropertyName("type")]
    public string Type { get; init; } = "";

    [JsonPropertyName("path")]
    public string? Path { get; init; }

    [JsonPropertyName("old_text")]
    public string? OldText { get; init; }

    [JsonPropertyName("new_text")]
    public string? NewText { get; init; }

    [JsonPropertyName("unified_diff")]
    public string? UnifiedDiff { get; init; }

    [JsonPropertyName("command")]
    public string? Command { get; init; }

    [JsonPropertyName("output")]
    public string? Output { get; init; }

    [JsonPropertyName("exit_code")]
    public int? ExitCode { get; init; }

    [JsonPropertyName("timed_out")]
    public bool? TimedOut { get; init; }

    [JsonPropertyName("items")]
    public List<TodoRecord>? Items { get; init; }
}

/// <summary>A plan entry.</summary>
internal sealed record TodoRecord
{
    [JsonPropertyName("content")]
    public string Content { get; init; } = "";

    [JsonPropertyName("status")]
    public string Status { get; init; } = "";

    [JsonPropertyName("active_form")]
    public string? ActiveForm { get; init; }
}
