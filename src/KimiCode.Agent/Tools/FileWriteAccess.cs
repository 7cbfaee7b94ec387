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
    private const int AtFdCwd = -100;
    private const uint StatxType = 0x1;
    private const uint StatxUid = 0x8;
    private const uint StatxGid = 0x10;

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

        var errno = Marshal.GetLastPInvokeError();
        var octal = Convert.ToString((int)mode & 0xFFF, 8).PadLeft(4, '0');
        var owner = Owner(fullPath) is { } name ? ", owner " + name : "";
        var where = (mode & anyWrite) != 0 && errno == 30 ? ", on a read-only file system" : "";
        return string.Create(CultureInfo.InvariantCulture,
            $"'{subject}' is read-only for you (mode {octal}{owner}{where}); kimi will not replace it. Ask the user to change its permissions.");
    }

    /// <summary>The file owner's user name (or uid), on Linux; null elsewhere or when it cannot be told.</summary>
    private static string? Owner(string fullPath)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        if (OwnerIds(fullPath) is not { } ids)
        {
            return null;
        }

        try
        {
            var entry = GetPwUid(ids.Uid);
            var name = entry == 0 ? null : Marshal.PtrToStringUTF8(Marshal.ReadIntPtr(entry));
            return string.IsNullOrEmpty(name) ? "uid " + ids.Uid.ToString(CultureInfo.InvariantCulture) : name;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return "uid " + ids.Uid.ToString(CultureInfo.InvariantCulture);
        }
    }

    /// <summary>The owner and group of <paramref name="path"/> (symbolic links followed), on Linux; null elsewhere or when it cannot be told.</summary>
    public static (uint Uid, uint Gid)? OwnerIds(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            // struct statx has the same layout on every Linux architecture: stx_uid and stx_gid are the u32s at 20 and 24.
            Span<byte> buffer = stackalloc byte[256];
            return Statx(AtFdCwd, path, 0, StatxUid | StatxGid, buffer) == 0
                ? (BitConverter.ToUInt32(buffer[20..24]), BitConverter.ToUInt32(buffer[24..28]))
                : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null;
        }
    }

    /// <summary>
    /// False when <paramref name="path"/> exists and is not a regular file (a FIFO, socket or device, whose opening
    /// could block or act); true otherwise, and wherever it cannot be told (not Linux).
    /// </summary>
    public static bool IsRegularOrMissing(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return true;
        }

        try
        {
            // stx_mode is the u16 at offset 28; S_IFMT 0xF000, S_IFREG 0x8000, S_IFDIR 0x4000.
            Span<byte> buffer = stackalloc byte[256];
            if (Statx(AtFdCwd, path, 0, StatxType, buffer) != 0)
            {
                return true;
            }

            var type = BitConverter.ToUInt16(buffer[28..30]) & 0xF000;
            return type is 0x8000 or 0x4000;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return true;
        }
    }

    /// <summary>Gives <paramref name="path"/> to <paramref name="uid"/>:<paramref name="gid"/>; false when not allowed (only root may give a file away).</summary>
    public static bool TryChown(string path, uint uid, uint gid)
    {
        try
        {
            return Chown(path, uid, gid) == 0;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return false;
        }
    }

    [LibraryImport("libc", EntryPoint = "chown", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Chown(string path, uint uid, uint gid);

    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Statx(int directoryFd, string path, int flags, uint mask, Span<byte> buffer);

    // The first field of struct passwd is pw_name on every libc.
    [LibraryImport("libc", EntryPoint = "getpwuid")]
    private static partial nint GetPwUid(uint uid);

    [LibraryImport("libc", EntryPoint = "access", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Access(string path, int mode);
}
