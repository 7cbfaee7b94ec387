namespace KimiCode.Agent.Tools;

/// <summary>A validated tool call: what it is, what it touches, and how to run it.</summary>
public abstract class PreparedToolCall
{
    /// <summary>A short human title, e.g. <c>Read src/Program.cs</c> or <c>git status</c>.</summary>
    public required string Title { get; init; }

    /// <summary>The kind of work, as editors (ACP) classify it.</summary>
    public required ToolKind Kind { get; init; }

    /// <summary>What permission the call needs.</summary>
    public required PermissionAction Action { get; init; }

    /// <summary>
    /// The string permission rules match against: a path relative to the working directory (forward
    /// slashes) for file tools, the command line for <c>Bash</c>, empty when nothing to match.
    /// </summary>
    public string Subject { get; init; } = "";

    /// <summary>Absolute paths the call reads or writes (for editors, and the outside-workspace rule).</summary>
    public IReadOnlyList<string> Locations { get; init; } = [];

    /// <summary>The id the model gave this call (set by the agent loop once the call is prepared; empty in tests that run calls directly).</summary>
    public string CallId { get; internal set; } = "";

    /// <summary>
    /// Why this call needs a person's approval whatever the mode and the tool's default, set by <c>Prepare</c> or
    /// <see cref="PreviewAsync"/> (FetchURL of a loopback, private or link-local address: a page must not steer the agent
    /// into the user's network). The policy asks (in auto mode: denies) unless an allow rule with a pattern covers the call.
    /// </summary>
    public string? SafetyConcern { get; protected set; }

    /// <summary>
    /// What the call will change, set by <see cref="PreviewAsync"/> (Edit and Write: a <see cref="DiffDisplay"/> of
    /// the exact bytes they will write); null for calls that preview nothing. Front ends show it before asking.
    /// </summary>
    public ToolDisplay? Preview { get; protected set; }

    /// <summary>
    /// Works out what the call will change, before the user is asked (the loop runs it once the calls before it have
    /// finished, then asks, then runs <see cref="ExecuteAsync"/>, which does exactly what was previewed). Returns an
    /// error the model sees when the call cannot be made; the default previews nothing.
    /// </summary>
    public virtual Task<ToolResult?> PreviewAsync(CancellationToken cancellationToken) => Task.FromResult<ToolResult?>(null);

    /// <summary>Runs the call. Failures the model can act on are returned as <see cref="ToolResult.Error"/>.</summary>
    public abstract Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken);
}
