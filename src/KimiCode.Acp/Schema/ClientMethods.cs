using System.Text.Json.Serialization;

namespace KimiCode.Acp.Schema;

/// <summary><c>session/request_permission</c> params.</summary>
public sealed record RequestPermissionRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("toolCall")]
    public required PermissionToolCall ToolCall { get; init; }

    [JsonPropertyName("options")]
    public required IReadOnlyList<PermissionOption> Options { get; init; }
}

/// <summary>The tool call a permission request is about (a <c>ToolCallUpdate</c> without the tag).</summary>
public sealed record PermissionToolCall
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
    public System.Text.Json.JsonElement? RawInput { get; init; }
}

/// <summary>A choice offered to the user.</summary>
public sealed record PermissionOption
{
    [JsonPropertyName("optionId")]
    public required string OptionId { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("kind")]
    public required PermissionOptionKind Kind { get; init; }
}

/// <summary>What choosing an option means; clients pick icons and shortcuts by it.</summary>
[JsonConverter(typeof(StrictStringEnumConverter<PermissionOptionKind>))]
public enum PermissionOptionKind
{
    [JsonStringEnumMemberName("allow_once")]
    AllowOnce,

    [JsonStringEnumMemberName("allow_always")]
    AllowAlways,

    [JsonStringEnumMemberName("reject_once")]
    RejectOnce,

    [JsonStringEnumMemberName("reject_always")]
    RejectAlways,
}

/// <summary><c>session/request_permission</c> result.</summary>
public sealed record RequestPermissionResponse
{
    [JsonPropertyName("outcome")]
    public required PermissionOutcome Outcome { get; init; }
}

/// <summary><c>{outcome:"selected", optionId}</c> or <c>{outcome:"cancelled"}</c>.</summary>
public sealed record PermissionOutcome
{
    [JsonPropertyName("outcome")]
    public required PermissionOutcomeKind Outcome { get; init; }

    [JsonPropertyName("optionId")]
    public string? OptionId { get; init; }
}

/// <summary>Whether the user chose an option or the request was cancelled.</summary>
[JsonConverter(typeof(StrictStringEnumConverter<PermissionOutcomeKind>))]
public enum PermissionOutcomeKind
{
    [JsonStringEnumMemberName("selected")]
    Selected,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

/// <summary><c>fs/read_text_file</c> params.</summary>
public sealed record ReadTextFileRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("line")]
    public int? Line { get; init; }

    [JsonPropertyName("limit")]
    public int? Limit { get; init; }
}

/// <summary><c>fs/read_text_file</c> result.</summary>
public sealed record ReadTextFileResponse
{
    [JsonPropertyName("content")]
    public required string Content { get; init; }
}

/// <summary><c>fs/write_text_file</c> params.</summary>
public sealed record WriteTextFileRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("path")]
    public required string Path { get; init; }

    [JsonPropertyName("content")]
    public required string Content { get; init; }
}

/// <summary><c>terminal/create</c> params.</summary>
public sealed record CreateTerminalRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("command")]
    public required string Command { get; init; }

    [JsonPropertyName("args")]
    public IReadOnlyList<string>? Args { get; init; }

    [JsonPropertyName("env")]
    public IReadOnlyList<EnvVariable>? Env { get; init; }

    [JsonPropertyName("cwd")]
    public string? Cwd { get; init; }

    [JsonPropertyName("outputByteLimit")]
    public long? OutputByteLimit { get; init; }
}

/// <summary>An environment variable for a terminal.</summary>
public sealed record EnvVariable
{
    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("value")]
    public required string Value { get; init; }
}

/// <summary><c>terminal/create</c> result.</summary>
public sealed record CreateTerminalResponse
{
    [JsonPropertyName("terminalId")]
    public required string TerminalId { get; init; }
}

/// <summary>Params of <c>terminal/output</c>, <c>wait_for_exit</c>, <c>kill</c> and <c>release</c>.</summary>
public sealed record TerminalRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("terminalId")]
    public required string TerminalId { get; init; }
}

/// <summary><c>terminal/output</c> result.</summary>
public sealed record TerminalOutputResponse
{
    [JsonPropertyName("output")]
    public required string Output { get; init; }

    [JsonPropertyName("truncated")]
    public bool Truncated { get; init; }

    [JsonPropertyName("exitStatus")]
    public TerminalExitStatus? ExitStatus { get; init; }
}

/// <summary>How a terminal's process ended (<c>terminal/wait_for_exit</c> result, and <c>exitStatus</c>).</summary>
public sealed record TerminalExitStatus
{
    [JsonPropertyName("exitCode")]
    public int? ExitCode { get; init; }

    [JsonPropertyName("signal")]
    public string? Signal { get; init; }
}
