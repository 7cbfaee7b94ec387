namespace KimiCode.Agent.Prompts;

/// <summary>
/// What the user wrote for the agent: the instruction files (<see cref="AgentsFile.Discover"/>) and
/// <c>{kimiHome}/SYSTEM.md</c>, which replaces the built-in system prompt (see <see cref="SystemPrompt.Compose"/>).
/// </summary>
/// <param name="AgentsFiles">Instruction files in the official order.</param>
/// <param name="SystemFile">The non-empty <c>SYSTEM.md</c>, or null.</param>
public sealed record Instructions(IReadOnlyList<AgentsFile> AgentsFiles, AgentsFile? SystemFile)
{
    /// <summary>The prompt-replacing file in the data folder.</summary>
    public const string SystemFileName = "SYSTEM.md";

    /// <summary>No instructions at all.</summary>
    public static Instructions None { get; } = new([], null);

    /// <summary>Reads the instructions for <paramref name="workingDirectory"/>; the folders are injected (no environment is read here).</summary>
    /// <param name="kimiHome">The data folder (<c>KIMI_CODE_HOME</c> or <c>~/.kimi-code</c>); null skips its files.</param>
    /// <param name="userHome">The user's home folder; null skips <c>~/.agents</c>.</param>
    public static Instructions Load(string workingDirectory, string? kimiHome, string? userHome)
        => new(
            AgentsFile.Discover(workingDirectory, kimiHome, userHome),
            kimiHome is null ? null : AgentsFile.Read(Path.Combine(kimiHome, SystemFileName)));

    /// <summary>Every file read, <c>SYSTEM.md</c> first.</summary>
    public IReadOnlyList<AgentsFile> All => SystemFile is null ? AgentsFiles : [SystemFile, .. AgentsFiles];

    /// <summary>One line for <c>/status</c> and <c>kimi doctor</c>: the files read, or "none".</summary>
    public string Summary()
        => All.Count == 0
            ? "none"
            : string.Join(", ", All.Select(static file => file.Truncated ? $"{file.Path} (cut at {AgentsFile.MaxBytes / 1024} KB)" : file.Path));
}
