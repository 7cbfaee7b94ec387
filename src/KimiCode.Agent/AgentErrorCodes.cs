namespace KimiCode.Agent;

/// <summary>Stable codes of errors the agent itself raises (provider failures keep their <c>provider.*</c> codes).</summary>
public static class AgentErrorCodes
{
    /// <summary>No session with that id in this data folder.</summary>
    public const string SessionNotFound = "session.not_found";

    /// <summary>The session file exists but cannot be read.</summary>
    public const string SessionCorrupt = "session.corrupt";

    /// <summary>The session file could not be written (disk full, permissions); the conversation goes on in memory.</summary>
    public const string SessionWriteFailed = "session.write_failed";

    /// <summary>Something unexpected failed inside the agent; the history is kept.</summary>
    public const string Internal = "agent.internal";
}
