namespace KimiCode.Agent.Compaction;

/// <summary>The outcome of a compaction. On failure the history is unchanged and <see cref="Error"/> says why.</summary>
public sealed record CompactionResult(bool Succeeded, int MessagesBefore, int MessagesAfter, string? Summary, string? Error);
