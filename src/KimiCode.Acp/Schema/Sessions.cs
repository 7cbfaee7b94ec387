using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Acp.Schema;

/// <summary><c>session/new</c> params.</summary>
public sealed record NewSessionRequest
{
    [JsonPropertyName("cwd")]
    public required string Cwd { get; init; }

    /// <summary>MCP servers the editor wants connected (required by the protocol; may be empty).</summary>
    [JsonPropertyName("mcpServers")]
    public required IReadOnlyList<JsonElement> McpServers { get; init; }

    [JsonPropertyName("additionalDirectories")]
    public IReadOnlyList<string>? AdditionalDirectories { get; init; }
}

/// <summary><c>session/new</c> result.</summary>
public sealed record NewSessionResponse
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("modes")]
    public SessionModeState? Modes { get; init; }

    [JsonPropertyName("configOptions")]
    public IReadOnlyList<SessionConfigOption>? ConfigOptions { get; init; }
}

/// <summary><c>session/load</c> params.</summary>
public sealed record LoadSessionRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("cwd")]
    public required string Cwd { get; init; }

    [JsonPropertyName("mcpServers")]
    public required IReadOnlyList<JsonElement> McpServers { get; init; }

    [JsonPropertyName("additionalDirectories")]
    public IReadOnlyList<string>? AdditionalDirectories { get; init; }
}

/// <summary><c>session/resume</c> params (no replay).</summary>
public sealed record ResumeSessionRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("cwd")]
    public required string Cwd { get; init; }

    [JsonPropertyName("mcpServers")]
    public IReadOnlyList<JsonElement>? McpServers { get; init; }

    [JsonPropertyName("additionalDirectories")]
    public IReadOnlyList<string>? AdditionalDirectories { get; init; }
}

/// <summary><c>session/load</c> and <c>session/resume</c> result.</summary>
public sealed record LoadSessionResponse
{
    [JsonPropertyName("modes")]
    public SessionModeState? Modes { get; init; }

    [JsonPropertyName("configOptions")]
    public IReadOnlyList<SessionConfigOption>? ConfigOptions { get; init; }
}

/// <summary><c>session/list</c> params.</summary>
public sealed record ListSessionsRequest
{
    [JsonPropertyName("cwd")]
    public string? Cwd { get; init; }

    [JsonPropertyName("cursor")]
    public string? Cursor { get; init; }
}

/// <summary><c>session/list</c> result.</summary>
public sealed record ListSessionsResponse
{
    [JsonPropertyName("sessions")]
    public required IReadOnlyList<SessionListEntry> Sessions { get; init; }

    [JsonPropertyName("nextCursor")]
    public string? NextCursor { get; init; }
}

/// <summary>One recorded session.</summary>
public sealed record SessionListEntry
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("cwd")]
    public required string Cwd { get; init; }

    [JsonPropertyName("title")]
    public string? Title { get; init; }

    /// <summary>ISO 8601.</summary>
    [JsonPropertyName("updatedAt")]
    public string? UpdatedAt { get; init; }

    /// <summary>The further workspace folders the session was last opened with; absent when none.</summary>
    [JsonPropertyName("additionalDirectories")]
    public IReadOnlyList<string>? AdditionalDirectories { get; init; }
}

/// <summary>Params that name only a session (<c>session/close</c>, <c>session/cancel</c>).</summary>
public sealed record SessionIdParams
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }
}

/// <summary><c>session/prompt</c> params.</summary>
public sealed record PromptRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("prompt")]
    public required IReadOnlyList<ContentBlock> Prompt { get; init; }
}

/// <summary><c>session/prompt</c> result.</summary>
public sealed record PromptResponse
{
    [JsonPropertyName("stopReason")]
    public required PromptStopReason StopReason { get; init; }
}

/// <summary><c>session/set_mode</c> params.</summary>
public sealed record SetModeRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("modeId")]
    public required string ModeId { get; init; }
}

/// <summary><c>session/set_config_option</c> params: <c>value</c> is a value id, or a boolean for boolean options.</summary>
public sealed record SetConfigOptionRequest
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }

    [JsonPropertyName("configId")]
    public required string ConfigId { get; init; }

    [JsonPropertyName("value")]
    public required JsonElement Value { get; init; }
}

/// <summary><c>session/set_config_option</c> result: the whole current list.</summary>
public sealed record SetConfigOptionResponse
{
    [JsonPropertyName("configOptions")]
    public required IReadOnlyList<SessionConfigOption> ConfigOptions { get; init; }
}

/// <summary>Modes, the legacy way (<c>configOptions</c> carry the same choice).</summary>
public sealed record SessionModeState
{
    [JsonPropertyName("currentModeId")]
    public required string CurrentModeId { get; init; }

    [JsonPropertyName("availableModes")]
    public required IReadOnlyList<SessionMode> AvailableModes { get; init; }
}

/// <summary>One mode.</summary>
public sealed record SessionMode
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }
}

/// <summary>A session setting the client shows as a picker (<c>select</c>) or a switch (<c>boolean</c>).</summary>
[JsonPolymorphic(TypeDiscriminatorPropertyName = "type")]
[JsonDerivedType(typeof(SelectConfigOption), "select")]
[JsonDerivedType(typeof(BooleanConfigOption), "boolean")]
public abstract record SessionConfigOption
{
    [JsonPropertyName("id")]
    public required string Id { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }

    [JsonPropertyName("category")]
    public ConfigOptionCategory? Category { get; init; }
}

/// <summary>A choice among values.</summary>
public sealed record SelectConfigOption : SessionConfigOption
{
    [JsonPropertyName("currentValue")]
    public required string CurrentValue { get; init; }

    [JsonPropertyName("options")]
    public required IReadOnlyList<ConfigOptionValue> Options { get; init; }
}

/// <summary>An on/off switch (only when the client advertised <c>session.configOptions.boolean</c>).</summary>
public sealed record BooleanConfigOption : SessionConfigOption
{
    [JsonPropertyName("currentValue")]
    public required bool CurrentValue { get; init; }
}

/// <summary>One value of a select option.</summary>
public sealed record ConfigOptionValue
{
    [JsonPropertyName("value")]
    public required string Value { get; init; }

    [JsonPropertyName("name")]
    public required string Name { get; init; }

    [JsonPropertyName("description")]
    public string? Description { get; init; }
}

/// <summary><c>error.data</c> of -32002 for a session.</summary>
public sealed record SessionNotFoundData
{
    [JsonPropertyName("sessionId")]
    public required string SessionId { get; init; }
}

/// <summary><c>error.data</c> with the stable kimi error code behind a failure.</summary>
public sealed record ErrorDetails
{
    [JsonPropertyName("code")]
    public required string Code { get; init; }

    [JsonPropertyName("retryable")]
    public bool? Retryable { get; init; }
}

/// <summary><c>$/cancel_request</c> params.</summary>
public sealed record CancelRequestParams
{
    [JsonPropertyName("requestId")]
    public required JsonElement RequestId { get; init; }
}

/// <summary>Why a prompt turn ended (<c>session/prompt</c> result).</summary>
[JsonConverter(typeof(StrictStringEnumConverter<PromptStopReason>))]
public enum PromptStopReason
{
    [JsonStringEnumMemberName("end_turn")]
    EndTurn,

    [JsonStringEnumMemberName("max_tokens")]
    MaxTokens,

    [JsonStringEnumMemberName("max_turn_requests")]
    MaxTurnRequests,

    [JsonStringEnumMemberName("refusal")]
    Refusal,

    [JsonStringEnumMemberName("cancelled")]
    Cancelled,
}

/// <summary>What a config option is about, so clients can place it.</summary>
[JsonConverter(typeof(StrictStringEnumConverter<ConfigOptionCategory>))]
public enum ConfigOptionCategory
{
    [JsonStringEnumMemberName("mode")]
    Mode,

    [JsonStringEnumMemberName("model")]
    Model,

    [JsonStringEnumMemberName("model_config")]
    ModelConfig,

    [JsonStringEnumMemberName("thought_level")]
    ThoughtLevel,
}
