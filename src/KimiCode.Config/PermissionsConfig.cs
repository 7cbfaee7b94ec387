namespace KimiCode.Config;

/// <summary>
/// Everything config.toml says about permissions: the official client's <c>default_permission_mode</c>,
/// <c>default_plan_mode</c> and <c>[[permission.rules]]</c>, and our older <c>[permissions]</c> table
/// (mode/allow/ask/deny). Both are read; <see cref="Notice"/> says which wins when both are there.
/// </summary>
public sealed record PermissionsConfig
{
    /// <summary>The values <c>default_permission_mode</c> takes.</summary>
    public static readonly IReadOnlyList<string> OfficialModes = ["manual", "yolo", "auto"];

    /// <summary><c>[permissions] mode</c> (ours).</summary>
    public string? Mode { get; init; }

    /// <summary><c>[permissions] allow</c> rules (ours).</summary>
    public IReadOnlyList<string> Allow { get; init; } = [];

    /// <summary><c>[permissions] deny</c> rules (ours).</summary>
    public IReadOnlyList<string> Deny { get; init; } = [];

    /// <summary><c>[permissions] ask</c> rules (ours).</summary>
    public IReadOnlyList<string> Ask { get; init; } = [];

    /// <summary><c>default_permission_mode</c>: <c>manual</c>, <c>yolo</c> or <c>auto</c> (null when absent or invalid).</summary>
    public string? DefaultPermissionMode { get; init; }

    /// <summary><c>default_plan_mode</c>: new sessions start in plan mode (null when absent).</summary>
    public bool? DefaultPlanMode { get; init; }

    /// <summary><c>[[permission.rules]]</c> (then the official <c>[permission]</c> deny/allow/ask lists), in file order; invalid ones left out.</summary>
    public IReadOnlyList<ConfiguredPermissionRule> Rules { get; init; } = [];

    /// <summary>Values that are wrong: (1-based line or 0, one-line message naming the key and the allowed values).</summary>
    public IReadOnlyList<(int Line, string Problem)> Problems { get; init; } = [];

    /// <summary>Said once on stderr when both the official keys and <c>[permissions]</c> are set: which wins. Null otherwise.</summary>
    public string? Notice { get; init; }
}

/// <summary>One <c>[[permission.rules]]</c> entry as written.</summary>
/// <param name="Decision"><c>allow</c>, <c>deny</c> or <c>ask</c>.</param>
/// <param name="Pattern"><c>Tool</c> or <c>Tool(arg-pattern)</c>.</param>
/// <param name="Scope"><c>turn-override</c>, <c>session-runtime</c>, <c>project</c> or <c>user</c> (the default).</param>
/// <param name="Reason">Why the rule exists (shown when it denies).</param>
/// <param name="Location"><c>file:line</c> of the rule's table, for error messages.</param>
public sealed record ConfiguredPermissionRule(string Decision, string Pattern, string Scope, string? Reason, string Location);
