namespace KimiCode.Config;

/// <summary><c>[loop_control]</c>: agent loop limits. Every integer key is kept in <see cref="Values"/>.</summary>
public sealed record LoopControlConfig
{
    /// <summary><c>max_steps_per_turn</c>.</summary>
    public long? MaxStepsPerTurn { get; init; }

    /// <summary><c>max_retries_per_step</c>.</summary>
    public long? MaxRetriesPerStep { get; init; }

    /// <summary>All integer keys of the table, including the two above.</summary>
    public IReadOnlyDictionary<string, long> Values { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);
}
