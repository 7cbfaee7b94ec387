using System.Text;
using KimiCode.Config;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Files on the local disk. Text is read in the file's own encoding (<see cref="TextFileFormat"/>: UTF-8, UTF-16 with a
/// byte-order mark, else Windows-1252) and written as UTF-8; Edit and Write work on the bytes. Writes are atomic (a temporary file in the same folder,
/// named and recorded by <see cref="TempFiles"/> so a crash leaves nothing behind after the next start,
/// flushed, then renamed over the target), keep an existing file's permissions and owner (a file of another account
/// that may not be given back to it is written in place instead), and
/// write through a symbolic link to its target instead of replacing the link.
/// </summary>
public sealed class LocalWorkspaceFileSystem : IWorkspaceFileSystem, IWorkspaceFileBytes
{
    private static readonly UTF8Encoding Utf8 = new(encoderShouldEmitUTF8Identifier: false);
    private static readonly byte[] Utf8Bom = [0xEF, 0xBB, 0xBF];

    /// <inheritdoc />
    public async Task<string> ReadTextAsync(string path, CancellationToken cancellationToken)
    {
        var bytes = await ReadBytesAsync(path, cancellationToken).ConfigureAwait(false);
        var format = TextFileFormat.Detect(bytes);
        return format.TryDecode(bytes, out var text) ? text : Utf8.GetString(bytes);
    }

    /// <inheritdoc />
    public async Task<byte[]> ReadBytesAsync(string path, CancellationToken cancellationToken)
    {
        try
        {
            return await File.ReadAllBytesAsync(path, cancellationToken).ConfigureAwait(false);
        }
        catch (DirectoryNotFoundException ex)
        {
            throw new FileNotFoundException($"Could not find file '{path}'.", path, ex);
        }
    }

    /// <inheritdoc />
    public async Task WriteTextAsync(string path, string content, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(content);
        var target = Path.GetFullPath(path);
        var info = new FileInfo(target);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } linked)
        {
            target = linked.FullName;
        }

        var bytes = Utf8.GetBytes(content);
        if (File.Exists(target) && StartsWithUtf8Bom(target))
        {
            bytes = [.. Utf8Bom, .. bytes];
        }

        await WriteBytesAsync(target, bytes, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async Task WriteBytesAsync(string path, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var target = Path.GetFullPath(path);
        var info = new FileInfo(target);
        if (info.LinkTarget is not null && info.ResolveLinkTarget(returnFinalTarget: true) is { } linked)
        {
            target = linked.FullName;
            info = new FileInfo(target);
        }

        var directory = Path.GetDirectoryName(target)!;
        Directory.CreateDirectory(directory);

        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
            Options = FileOptions.Asynchronous,
        };
        if (info.Exists && !OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = File.GetUnixFileMode(target);
        }

        // Named and recorded by TempFiles: if the process is killed mid-write, the next start deletes it.
        using var tempFile = TempFiles.Beside(target);
        var temp = tempFile.Path;
        var stream = new FileStream(temp, options);
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }

        if (info.Exists && !OperatingSystem.IsWindows())
        {
            if (FileWriteAccess.OwnerIds(target) is { } owner && FileWriteAccess.OwnerIds(temp) is { } made && owner != made
                && !FileWriteAccess.TryChown(temp, owner.Uid, owner.Gid))
            {
                // The file belongs to someone else and we may not give the new one to them: write it in place,
                // which keeps its owner (not atomic, but never hands the user's file to another account).
                File.Delete(temp);
                await WriteInPlaceAsync(target, content, cancellationToken).ConfigureAwait(false);
                return;
            }

            // UnixCreateMode is filtered by the umask (and chown clears set-id bits); set the mode exactly.
            File.SetUnixFileMode(temp, File.GetUnixFileMode(target));
        }

        File.Move(temp, target, overwrite: true);
    }

    private static async Task WriteInPlaceAsync(string target, ReadOnlyMemory<byte> content, CancellationToken cancellationToken)
    {
        var stream = new FileStream(target, new FileStreamOptions { Mode = FileMode.Truncate, Access = FileAccess.Write, Options = FileOptions.Asynchronous });
        await using (stream.ConfigureAwait(false))
        {
            await stream.WriteAsync(content, cancellationToken).ConfigureAwait(false);
            await stream.FlushAsync(cancellationToken).ConfigureAwait(false);
            stream.Flush(flushToDisk: true);
        }
    }

    private static bool StartsWithUtf8Bom(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            Span<byte> start = stackalloc byte[3];
            return stream.ReadAtLeast(start, 3, throwOnEndOfStream: false) == 3 && start[0] == 0xEF && start[1] == 0xBB && start[2] == 0xBF;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
