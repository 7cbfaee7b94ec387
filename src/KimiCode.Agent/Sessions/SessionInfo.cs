namespace KimiCode.Agent.Sessions;

/// <summary>A recorded session, as listings show it.</summary>
/// <param name="Title">The first prompt's first line (80 characters at most); empty before the first prompt.</param>
/// <param name="Updated">When the last record was written.</param>
/// <param name="MessageCount">Messages in the history (after compactions).</param>
public sealed record SessionInfo(
    string Id,
    string Title,
    DateTimeOffset CreatedAt,
    DateTimeOffset Updated,
    int MessageCount,
    string WorkDir,
    string? Model)
{
    /// <summary>The further workspace folders the session was last opened with (empty when none).</summary>
    public IReadOnlyList<string> AdditionalDirectories { get; init; } = [];
}
