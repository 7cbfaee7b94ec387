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
}
