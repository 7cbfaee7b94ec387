using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Subagents;

/// <summary>Where an agent profile comes from, in rising precedence: a project file hides a user file of the same name, and so on.</summary>
public enum AgentSource
{
    BuiltIn,
    User,
    Extra,
    Project,
}

/// <summary>
/// An agent the <c>Agent</c> tool can start: a built-in (<c>coder</c>, <c>explore</c>, <c>plan</c>) or an agent file
/// (<c>agents/*.md</c>). Its tool lists are enforced twice: only the tools it allows are declared to the model, and a
/// call of any other tool finds no such tool in the subagent's registry.
/// </summary>
public sealed record AgentProfile
{
    /// <summary>Tools no subagent gets, whatever its lists say: it cannot ask the user, and plan mode belongs to the main agent.</summary>
    public static readonly IReadOnlyList<string> NeverForSubagents = ["AskUserQuestion", "EnterPlanMode", "ExitPlanMode"];

    /// <summary>The agents a main agent, or an agent file without <c>subagents</c>, may start: the built-ins.</summary>
    public static readonly IReadOnlyList<string> DefaultSubagents = ["coder", "explore", "plan"];

    /// <summary>kebab-case, unique.</summary>
    public required string Name { get; init; }

    /// <summary>What the agent does (shown to the model that picks one).</summary>
    public required string Description { get; init; }

    public string? WhenToUse { get; init; }

    /// <summary>The allowlist as written; null allows every tool (so does a lone <c>*</c>); empty allows none.</summary>
    public IReadOnlyList<string>? Tools { get; init; }

    /// <summary>The denylist as written, applied after <see cref="Tools"/>.</summary>
    public IReadOnlyList<string> DisallowedTools { get; init; } = [];

    /// <summary>The agents this one may start; null: <see cref="DefaultSubagents"/>; a lone <c>*</c>: every agent.</summary>
    public IReadOnlyList<string>? Subagents { get; init; }

    /// <summary>True when a file of a built-in's name may replace it.</summary>
    public bool Override { get; init; }

    /// <summary>
    /// The system prompt: for a built-in, its role, added after the main system prompt; for a file, its body, which is the
    /// whole prompt unless it says <c>${base_prompt}</c> where the main system prompt goes.
    /// </summary>
    public required string Prompt { get; init; }

    public AgentSource Source { get; init; }

    /// <summary>The agent file (empty for a built-in).</summary>
    public string Path { get; init; } = "";

    /// <summary>True when the profile lets this agent call <paramref name="toolName"/> (the same matching as <c>[tools]</c>).</summary>
    public bool AllowsTool(string toolName)
    {
        ArgumentNullException.ThrowIfNull(toolName);
        if (NeverForSubagents.Contains(toolName, StringComparer.Ordinal))
        {
            return false;
        }

        bool listed = Tools is null || Tools.Contains("*", StringComparer.Ordinal) || (Tools.Count > 0 && new ToolFilter(Tools, []).Allows(toolName));
        return listed && new ToolFilter([], DisallowedTools).Allows(toolName);
    }
}
