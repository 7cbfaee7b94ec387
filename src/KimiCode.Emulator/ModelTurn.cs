namespace KimiCode.Emulator;

/// <summary>What the emulated model answers to one chat request: either content or an error.</summary>
internal sealed class ModelTurn
{
    public const int DefaultChunkSize = 8;

    public string Thinking { get; init; } = "";

    public string Text { get; init; } = "";

    public IReadOnlyList<ModelToolCall> ToolCalls { get; init; } = [];

    public string? FinishReason { get; init; }

    /// <summary>Usage fields from a script (prompt_tokens, completion_tokens, total_tokens, cached_tokens), overriding the computed ones.</summary>
    public IReadOnlyDictionary<string, long>? Usage { get; init; }

    /// <summary>Characters per streamed piece; null = the emulator's <see cref="EmulatorOptions.ChunkSize"/>.</summary>
    public int? ChunkSize { get; init; }

    public int DelayMs { get; init; }

    /// <summary>Non-null for an error turn.</summary>
    public ModelError? Error { get; init; }
}

/// <summary>A scripted failure: HTTP status, optional body (raw JSON or text) and Retry-After.</summary>
internal sealed record ModelError(int Status, string? Body, bool BodyIsJson, int? RetryAfterSeconds, string? ContentType = null);

/// <summary>A tool call the model makes; <see cref="Arguments"/> is the exact string streamed to the client.</summary>
internal sealed record ModelToolCall(string Id, string Name, string Arguments);
