namespace KimiCode.Agent.Skills;

/// <summary>Where a skill was found, in rising precedence: a project skill hides a user skill of the same name, and so on.</summary>
public enum SkillSource
{
    BuiltIn,
    Extra,
    User,
    Project,
}

/// <summary>A skill: a Markdown body with front matter, invoked as <c>/skill:&lt;name&gt; args</c> or by the model's <c>Skill</c> tool.</summary>
public sealed record Skill
{
    /// <summary>The name as written (matching ignores case).</summary>
    public required string Name { get; init; }

    public required string Description { get; init; }

    /// <summary><c>prompt</c> (default), <c>inline</c> (the same) or <c>flow</c> (invoked by the user only).</summary>
    public string Type { get; init; } = "prompt";

    public string? WhenToUse { get; init; }

    public bool DisableModelInvocation { get; init; }

    /// <summary>Named parameters, read in the body as <c>$&lt;name&gt;</c>.</summary>
    public IReadOnlyList<string> Arguments { get; init; } = [];

    /// <summary>The Markdown after the front matter.</summary>
    public required string Body { get; init; }

    /// <summary>The skill file (empty for a built-in).</summary>
    public string Path { get; init; } = "";

    /// <summary>The folder of the skill file (<c>${KIMI_SKILL_DIR}</c>); empty for a built-in.</summary>
    public string Directory { get; init; } = "";

    public SkillSource Source { get; init; }

    /// <summary>True when the model may load it through the <c>Skill</c> tool.</summary>
    public bool ModelInvocable => !DisableModelInvocation && Type != "flow";

    /// <summary>The source as the activation block names it.</summary>
    public string SourceName => Source switch
    {
        SkillSource.Project => "project",
        SkillSource.User => "user",
        SkillSource.Extra => "extra",
        _ => "builtin",
    };
}
