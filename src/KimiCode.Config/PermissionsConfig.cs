namespace KimiCode.Config;

/// <summary><c>[permissions]</c>: the approval mode and rule lists, kept in file order.</summary>
public sealed record PermissionsConfig
{
    /// <summary><c>mode</c>.</summary>
    public string? Mode { get; init; }

    /// <summary><c>allow</c> rules.</summary>
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary><c>deny</c> rules.</summary>
    public IReadOnlyList<string> Deny { get; init; } = [];

    /// <summary><c>ask</c> rules.</summary>
    public IReadOnlyList<string> Ask { get; init; } = [];
}
