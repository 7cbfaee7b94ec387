namespace KimiCode.Emulator;

/// <summary>
/// A failure the emulator serves to the next <see cref="Count"/> requests matching <see cref="Target"/>.
/// A status below 400 with <see cref="LatencyMs"/> only delays the response and then serves it normally.
/// </summary>
public sealed class EmulatorFault
{
    /// <summary>"chat", "models", "token", "device" or "any".</summary>
    public string Target { get; set; } = "chat";

    public int Count { get; set; } = 1;

    public int Status { get; set; } = 500;

    /// <summary>Response body; when null an OpenAI-shaped error for <see cref="Status"/> is sent.</summary>
    public string? Body { get; set; }

    public int? RetryAfterSeconds { get; set; }

    /// <summary>For streaming chat: send this many chunks, then abort the connection without [DONE].</summary>
    public int? CutStreamAfterChunks { get; set; }

    public int LatencyMs { get; set; }

    internal EmulatorFault Copy() => new()
    {
        Target = Target,
        Count = Count,
        Status = Status,
        Body = Body,
        RetryAfterSeconds = RetryAfterSeconds,
        CutStreamAfterChunks = CutStreamAfterChunks,
        LatencyMs = LatencyMs,
    };
}
