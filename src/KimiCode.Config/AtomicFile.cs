namespace KimiCode.Config;

/// <summary>
/// Writes files so that a reader (or a crash) only ever sees the old content or the new content:
/// a temporary file in the same folder (<see cref="TempFiles.Beside"/>: recorded, swept after a crash), flushed to
/// disk, then renamed over the target.
/// </summary>
public static class AtomicFile
{
    /// <summary>Owner read/write only: config and credential files hold secrets.</summary>
    public const UnixFileMode OwnerOnly = UnixFileMode.UserRead | UnixFileMode.UserWrite;

    public static void WriteAllText(string path, string content, UnixFileMode mode = OwnerOnly)
        => WriteAllBytes(path, new System.Text.UTF8Encoding(false).GetBytes(content), mode);

    public static void WriteAllBytes(string path, ReadOnlySpan<byte> content, UnixFileMode mode = OwnerOnly)
    {
        var fullPath = Path.GetFullPath(path);
        using var temp = TempFiles.Beside(fullPath);
        WriteTemp(temp.Path, content, mode);
        File.Move(temp.Path, fullPath, overwrite: true);
    }

    /// <summary>
    /// Creates <paramref name="path"/> with <paramref name="content"/> only if it does not exist yet, atomically (a
    /// reader never sees it partly written; of two processes racing, exactly one wins). False when it already existed.
    /// </summary>
    public static bool TryCreate(string path, string content, UnixFileMode mode = OwnerOnly)
    {
        var fullPath = Path.GetFullPath(path);
        using var temp = TempFiles.Beside(fullPath);
        WriteTemp(temp.Path, new System.Text.UTF8Encoding(false).GetBytes(content), mode);
        try
        {
            File.Move(temp.Path, fullPath, overwrite: false);
            return true;
        }
        catch (IOException) when (File.Exists(fullPath))
        {
            return false;
        }
    }

    private static void WriteTemp(string temp, ReadOnlySpan<byte> content, UnixFileMode mode)
    {
        var options = new FileStreamOptions
        {
            Mode = FileMode.CreateNew,
            Access = FileAccess.Write,
            Share = FileShare.None,
        };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = mode;
        }

        using var stream = new FileStream(temp, options);
        stream.Write(content);
        stream.Flush(flushToDisk: true);
    }
}
