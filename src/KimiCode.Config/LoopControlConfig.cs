namespace KimiCode.Config;

/// <summary><c>[loop_control]</c>: agent loop limits. Every integer key is kept in <see cref="Values"/>.</summary>
public sealed record LoopControlConfig
{
    /// <summary><c>max_steps_per_turn</c>: 0 means unlimited (official meaning); unset means this client's default of 100.</summary>
    public long? MaxStepsPerTurn { get; init; }

    /// <summary><c>max_retries_per_step</c>: this client's older name for <see cref="MaxAttemptsPerStep"/>, still read.</summary>
    public long? MaxRetriesPerStep { get; init; }

    /// <summary><c>max_attempts_per_step</c> (the official key, wins over <see cref="MaxRetriesPerStep"/>): attempts per model call, the first included.</summary>
    public long? MaxAttemptsPerStep { get; init; }

    /// <summary><c>reserved_context_size</c>: tokens kept free for the answer; compaction starts when less remains.</summary>
    public long? ReservedContextSize { get; init; }

    /// <summary>Values that cannot be used, with their line (reported by <see cref="KimiConfig.Validate"/>).</summary>
    public IReadOnlyList<(int Line, string Problem)> Problems { get; init; } = [];

    /// <summary>All integer keys of the table, including the ones above.</summary>
    public IReadOnlyDictionary<string, long> Values { get; init; } = new Dictionary<string, long>(StringComparer.Ordinal);
}
