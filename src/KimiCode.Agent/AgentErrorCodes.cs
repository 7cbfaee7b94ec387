namespace KimiCode.Agent;

/// <summary>
/// Stable codes of errors the agent itself raises (provider failures keep their <c>provider.*</c> codes, sessions
/// theirs in <see cref="SessionErrorCodes"/>). docs/errors.md explains each; a test fails when one is missing there.
/// </summary>
public static class AgentErrorCodes
{
    /// <summary>Something unexpected failed inside the agent; the history is kept.</summary>
    public const string Internal = "agent.internal";

    /// <summary>A <c>UserPromptSubmit</c> hook refused the prompt (exit 2 or a JSON deny); the model was not called and the prompt was not kept.</summary>
    public const string HookBlocked = "agent.hook_blocked";
}
