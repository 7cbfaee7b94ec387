namespace KimiCode.Config;

/// <summary><c>[thinking]</c>.</summary>
public sealed record ThinkingConfig
{
    /// <summary><c>enabled</c>; null when the file does not say.</summary>
    public bool? Enabled { get; init; }
}
