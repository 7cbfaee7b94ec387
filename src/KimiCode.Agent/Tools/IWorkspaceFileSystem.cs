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

/// <summary>
/// File access at the byte level (the local disk). Edit and Write use it when the file system offers it, so they keep
/// a file's encoding, byte-order mark and line endings and show the diff of the bytes they write; a file system that
/// only knows text (an editor over ACP) gets text.
/// </summary>
public interface IWorkspaceFileBytes
{
    /// <summary>Reads a whole file. Throws <see cref="FileNotFoundException"/> when absent.</summary>
    Task<byte[]> ReadBytesAsync(string path, CancellationToken cancellationToken);

    /// <summary>Writes a whole file (creating parent folders), never leaving it half-written.</summary>
    Task WriteBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken);
}
