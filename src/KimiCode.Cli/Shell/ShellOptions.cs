namespace KimiCode.Cli.Shell;

/// <summary>What <c>kimi</c> (the interactive shell) was started with: the same flags print mode takes.</summary>
internal sealed record ShellOptions
{
    /// <summary>Model alias from config.toml; null = <c>default_model</c>.</summary>
    public string? Model { get; init; }

    /// <summary>The mode to start in (<c>--yolo</c>, <c>--plan</c>, <c>--auto</c>); null = the config's.</summary>
    public KimiCode.Agent.Permissions.PermissionMode? StartMode { get; init; }

    /// <summary><c>--add-dir</c> folders (absolute, existing): more workspace roots.</summary>
    public IReadOnlyList<string> AdditionalDirectories { get; init; } = [];

    /// <summary><c>--thinking</c> / <c>--no-thinking</c>; null = <c>[thinking] enabled</c>.</summary>
    public bool? Thinking { get; init; }

    /// <summary>Working directory; null = the current folder.</summary>
    public string? WorkDir { get; init; }

    /// <summary>Resume this session (an id or the start of one).</summary>
    public string? SessionId { get; init; }

    /// <summary><c>-r</c>/<c>-S</c> without an id: start with the <c>/resume</c> picker.</summary>
    public bool PickSession { get; init; }

    /// <summary>Continue the latest session of the working directory.</summary>
    public bool Continue { get; init; }

    /// <summary>Step limit per turn; null = the config's.</summary>
    public int? MaxSteps { get; init; }

    /// <summary><c>kimi "prompt"</c>: sent as the first prompt once the shell is up, as if typed; null = none.</summary>
    public string? InitialPrompt { get; init; }

    /// <summary><c>--trust-project-mcp</c>: start the project's stdio MCP servers without asking.</summary>
    public bool TrustProjectMcp { get; init; }
}
