namespace KimiCode.Agent.Tools;

/// <summary>Cheap checks on a file on disk before anything reads it whole.</summary>
internal static class FileProbe
{
    /// <summary>Files larger than this are never read whole (10 MB).</summary>
    public const long MaxReadableBytes = 10L * 1024 * 1024;

    /// <summary>How much of a file's start is checked for NUL bytes.</summary>
    public const int BinarySniffBytes = 8192;

    /// <summary>True when the first <see cref="BinarySniffBytes"/> bytes hold a NUL (UTF-16/32 text with a byte-order mark is text).</summary>
    public static bool LooksBinary(string path)
    {
        try
        {
            using var stream = new FileStream(path, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete, 1, FileOptions.None);
            Span<byte> buffer = stackalloc byte[BinarySniffBytes];
            var read = stream.ReadAtLeast(buffer, buffer.Length, throwOnEndOfStream: false);
            return LooksBinary(buffer[..read]);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    public static bool LooksBinary(ReadOnlySpan<byte> start)
    {
        if (start.Length >= 2 && ((start[0] == 0xFF && start[1] == 0xFE) || (start[0] == 0xFE && start[1] == 0xFF)))
        {
            return false;
        }

        return start.IndexOf((byte)0) >= 0;
    }

    public static string FormatSize(long bytes) => bytes switch
    {
        >= 1024L * 1024 * 1024 => $"{bytes / (1024.0 * 1024 * 1024):0.#} GB",
        >= 1024L * 1024 => $"{bytes / (1024.0 * 1024):0.#} MB",
        >= 1024 => $"{bytes / 1024.0:0.#} KB",
        _ => $"{bytes} bytes",
    };
}
