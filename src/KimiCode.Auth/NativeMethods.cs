using System.Runtime.InteropServices;

namespace KimiCode.Auth;

/// <summary>The few libc calls .NET has no portable equivalent for: a mkdir that fails when the folder exists, and flock.</summary>
internal static partial class NativeMethods
{
    /// <summary>EEXIST is 17 on Linux and macOS alike.</summary>
    internal const int EEXIST = 17;

    /// <summary>errno values that mean "not allowed here": EPERM 1, EACCES 13, EROFS 30 (Linux and macOS alike).</summary>
    internal const int EPERM = 1;
    internal const int EACCES = 13;
    internal const int EROFS = 30;

    /// <summary>ENOTDIR: a path component is a file (20 on Linux and macOS).</summary>
    internal const int ENOTDIR = 20;

    /// <summary>EWOULDBLOCK (== EAGAIN): 11 on Linux, 35 on macOS.</summary>
    internal static int EWOULDBLOCK => OperatingSystem.IsLinux() ? 11 : 35;

    internal const int LOCK_EX = 2;
    internal const int LOCK_NB = 4;
    internal const int LOCK_UN = 8;
    internal const int O_RDONLY = 0;

    [LibraryImport("libc", EntryPoint = "mkdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Mkdir(string path, uint mode);

    // open(2) is variadic; only the two fixed arguments are passed (no O_CREAT), which is ABI-safe everywhere.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Open(string path, int flags);

    /// <summary>Linux statx(2) (glibc 2.28+); <paramref name="buffer"/> receives a 256-byte struct statx.</summary>
    [LibraryImport("libc", EntryPoint = "statx", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    internal static partial int Statx(int dirfd, string path, int flags, uint mask, Span<byte> buffer);

    [LibraryImport("libc", EntryPoint = "flock", SetLastError = true)]
    internal static partial int Flock(int fd, int operation);

    [LibraryImport("libc", EntryPoint = "fsync", SetLastError = true)]
    internal static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    internal static partial int Close(int fd);
}
