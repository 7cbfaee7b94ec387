namespace KimiCode.Agent.Hooks;

/// <summary>Stable codes of what hooks do to a turn.</summary>
public static class HookErrorCodes
{
    /// <summary>A <c>UserPromptSubmit</c> hook refused the prompt (exit 2 or a JSON deny); the model was not called.</summary>
    public const string Blocked = "hook.blocked";
}
