namespace KimiCode.Agent.Tools;

/// <summary>Tool kinds as ACP names them (<c>read</c>, <c>edit</c>, ...).</summary>
public enum ToolKind
{
    Read,
    Edit,
    Delete,
    Move,
    Search,
    Execute,
    Think,
    Fetch,
    Other,
}

/// <summary>The permission a call needs.</summary>
public enum PermissionAction
{
    /// <summary>Never asks (e.g. <c>TodoWrite</c>).</summary>
    None,

    /// <summary>Reads files: free except outside the workspace when a rule says otherwise.</summary>
    Read,

    /// <summary>Creates or changes files.</summary>
    Edit,

    /// <summary>Runs a shell command.</summary>
    Execute,

    /// <summary>
    /// Reaches the internet (WebSearch, FetchURL): allowed without asking in every mode, as in the official client,
    /// unless the call has a <see cref="PreparedToolCall.SafetyConcern"/>. Such calls run one at a time, after
    /// <see cref="PreparedToolCall.PreviewAsync"/> (which resolves the host before anyone is asked).
    /// </summary>
    Network,
}
