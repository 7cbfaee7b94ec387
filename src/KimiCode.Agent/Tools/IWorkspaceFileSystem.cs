namespace KimiCode.Agent.Tools;

/// <summary>
/// File access for tools. The local implementation reads the disk; the ACP server routes reads and
/// writes to the editor (unsaved buffers). Paths are absolute.
/// </summary>
public interface IWorkspaceFileSystem
{
    /// <summary>Reads a file as UTF-8 text. Throws <see cref="FileNotFoundException"/> when absent.</summary>
    Task<string> ReadTextAsync(string path, CancellationToken cancellationToken);

    /// <summary>Writes a whole file (creating parent folders), never leaving it half-written.</summary>
    Task WriteTextAsync(string path, string content, CancellationToken cancellationToken);
}
