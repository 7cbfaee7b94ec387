namespace KimiCode.Emulator;

/// <summary>
/// A failure the emulator serves to the next <see cref="Count"/> requests matching <see cref="Target"/>.
/// A status below 400 with no <see cref="Body"/> and no stream fault only delays the response (<see cref="LatencyMs"/>)
/// and then serves it normally; a status below 400 with a <see cref="Body"/> sends that body instead of the API's answer
/// (a captive portal's 200 HTML page, a wrong base URL).
/// </summary>
public sealed class EmulatorFault
{
    /// <summary>"chat", "models", "token", "device", "search", "fetch" or "any".</summary>
    public string Target { get; set; } = "chat";

    public int Count { get; set; } = 1;

    public int Status { get; set; } = 500;

    /// <summary>Response body; when null an OpenAI-shaped error for <see cref="Status"/> is sent (for a status of 400 or more).</summary>
    public string? Body { get; set; }

    /// <summary>Content type of <see cref="Body"/> (e.g. "text/html"); when null JSON bodies are sent as JSON, anything else as text/plain.</summary>
    public string? ContentType { get; set; }

    /// <summary>The <c>Retry-After</c> header in seconds: 0 and very large values are sent as they are.</summary>
    public int? RetryAfterSeconds { get; set; }

    /// <summary>For streaming chat: send this many chunks, then abort the connection without [DONE].</summary>
    public int? CutStreamAfterChunks { get; set; }

    /// <summary>Alias of <see cref="CutStreamAfterChunks"/>: the connection is reset after this many chunks.</summary>
    public int? ResetAfterChunks
    {
        get => CutStreamAfterChunks;
        set => CutStreamAfterChunks = value;
    }

    /// <summary>Wall-clock wait before anything is served (then the request proceeds as the other fields say).</summary>
    public int LatencyMs { get; set; }

    /// <summary>Hold the request this long without sending response headers, then abort the connection (headers never come).</summary>
    public int StallBeforeHeadersMs { get; set; }

    /// <summary>For streaming chat: send this many chunks, then go silent for <see cref="StallMs"/>, then abort the connection.</summary>
    public int? StallAfterChunks { get; set; }

    /// <summary>How long a stream stays silent after <see cref="StallAfterChunks"/> chunks.</summary>
    public int StallMs { get; set; }

    /// <summary>For chat: after the first chunk a stream sends a garbage <c>data:</c> line (a plain call gets a truncated JSON body).</summary>
    public bool MalformedSse { get; set; }

    /// <summary>True when the fault changes how a chat answer is streamed rather than replacing the answer.</summary>
    internal bool IsStreamFault => CutStreamAfterChunks is not null || StallAfterChunks is not null || MalformedSse;

    internal EmulatorFault Copy() => new()
    {
        Target = Target,
        Count = Count,
        Status = Status,
        Body = Body,
        ContentType = ContentType,
        RetryAfterSeconds = RetryAfterSeconds,
        CutStreamAfterChunks = CutStreamAfterChunks,
        LatencyMs = LatencyMs,
        StallBeforeHeadersMs = StallBeforeHeadersMs,
        StallAfterChunks = StallAfterChunks,
        StallMs = StallMs,
        MalformedSse = MalformedSse,
    };
}
