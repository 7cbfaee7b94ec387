using System.Globalization;
using System.Runtime.InteropServices;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Whether the user could change an existing file themselves. Edit and Write replace a file through a temporary file
/// renamed over it, which only the folder's permission governs; this checks the file's own: <c>access(2)</c> with
/// <c>W_OK</c> (mode, owner, group, read-only mounts), and a file with no write bit at all is read-only even for root.
/// </summary>
internal static partial class FileWriteAccess
{
    private const int W_OK = 2;

    /// <summary>Null when <paramref name="fullPath"/> is missing or writable; otherwise the one-line refusal.</summary>
    public static string? Refusal(string fullPath, string subject)
    {
        if (!File.Exists(fullPath))
        {
            return null;
        }

        if (OperatingSystem.IsWindows())
        {
            return (File.GetAttributes(fullPath) & FileAttributes.ReadOnly) != 0
                ? $"'{subject}' is read-only; kimi will not replace it. Ask the user to change its permissions."
                : null;
        }

        UnixFileMode mode;
        try
        {
            mode = File.GetUnixFileMode(fullPath);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null; // vanished meanwhile: writing creates it
        }

        const UnixFileMode anyWrite = UnixFileMode.UserWrite | UnixFileMode.GroupWrite | UnixFileMode.OtherWrite;
        var writable = (mode & anyWrite) != 0 && Access(fullPath, W_OK) == 0;
        if (writable)
        {
            return null;
        }

        var octal = Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
        var errno = Marshal.GetLastPInvokeError();
        var where = (mode & anyWrite) != 0 && errno == 30 ? " on a read-only file system" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"'{subject}' is read-only for you (mode {octal}{where}); kimi will not replace it. Ask the user to change its permissions.");
    }

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
