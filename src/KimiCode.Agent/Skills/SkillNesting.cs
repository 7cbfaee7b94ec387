namespace KimiCode.Agent.Skills;

/// <summary>
/// How many skills the model has loaded through the <c>Skill</c> tool in the current turn. A skill's instructions may
/// call for another skill, which may call for another: the chain stops at <see cref="MaxDepth"/>, so two skills that
/// name each other cannot loop. One per turn (the session puts a fresh one in each turn's tool context).
/// </summary>
public sealed class SkillNesting
{
    /// <summary>The official limit of nested skill loads.</summary>
    public const int MaxDepth = 3;

    private int _depth;

    /// <summary>Counts one more load; returns the depth it reaches (1 for the first).</summary>
    public int Enter() => Interlocked.Increment(ref _depth);
}
