namespace KimiCode.Agent;

/// <summary>
/// Every stable <c>session.*</c> error code (the recorded conversations under <c>{home}/sessions</c>). None is worth
/// retrying unchanged. docs/errors.md explains each; a test fails when one is missing there.
/// </summary>
public static class SessionErrorCodes
{
    /// <summary>No session with that id (or prefix, or number) in this data folder.</summary>
    public const string NotFound = "session.not_found";

    /// <summary>An id prefix that starts several sessions' ids; the message lists them.</summary>
    public const string Ambiguous = "session.ambiguous";

    /// <summary>The session file exists but cannot be read.</summary>
    public const string Corrupt = "session.corrupt";

    /// <summary>The session file could not be written (disk full, permissions); the conversation goes on in memory.</summary>
    public const string WriteFailed = "session.write_failed";

    /// <summary>Another kimi process has the session open (it holds <c>{home}/locks/sessions/&lt;id&gt;.lock</c>).</summary>
    public const string InUse = "session.in_use";
}
