using System.Runtime.InteropServices;

namespace KimiCode.Hosting.Logging;

/// <summary>
/// A file every kimi process appends lines to at once. .NET's <see cref="FileMode.Append"/> only seeks to the end
/// when opening and then writes at its own remembered offset, so two processes overwrite each other's lines; here the
/// file is opened with <c>O_APPEND</c> (and <c>O_CLOEXEC</c>, so no tool's child process inherits it) and each line is
/// one <c>write(2)</c>, which the kernel appends whole. Windows, with no such flag, falls back to a shared FileStream.
/// </summary>
internal sealed partial class AppendOnlyFile : IDisposable
{
    private readonly int _fd = -1;
    private readonly FileStream? _fallback;

    private AppendOnlyFile(int fd, FileStream? fallback)
    {
        _fd = fd;
        _fallback = fallback;
    }

    /// <summary>Opens (creating it 0600 if missing) <paramref name="path"/> for appending.</summary>
    public static AppendOnlyFile Open(string path)
    {
        var create = new FileStreamOptions
        {
            Mode = FileMode.Append,
            Access = FileAccess.Write,
            Share = FileShare.ReadWrite | FileShare.Delete,
        };
        if (OperatingSystem.IsWindows())
        {
            return new AppendOnlyFile(-1, new FileStream(path, create));
        }

        create.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        new FileStream(path, create).Dispose(); // creates it with the right mode; open(2) below never needs O_CREAT
        var flags = OperatingSystem.IsLinux() ? LinuxFlags : MacFlags;
        var fd = OpenNative(path, flags);
        return fd < 0
            ? throw new IOException($"Could not open {path} for appending (errno {Marshal.GetLastPInvokeError()}).")
            : new AppendOnlyFile(fd, null);
    }

    public void Append(ReadOnlySpan<byte> line)
    {
        if (_fallback is not null)
        {
            _fallback.Write(line);
            _fallback.Flush();
            return;
        }

        while (!line.IsEmpty)
        {
            var written = WriteNative(_fd, line, line.Length);
            if (written < 0)
            {
                var errno = Marshal.GetLastPInvokeError();
                if (errno == EINTR)
                {
                    continue;
                }

                throw new IOException($"Could not append to the log (errno {errno}).");
            }

            line = line[(int)written..];
        }
    }

    public void Dispose()
    {
        _fallback?.Dispose();
        if (_fd >= 0)
        {
            _ = CloseNative(_fd);
        }
    }

    private const int EINTR = 4;

    // O_WRONLY | O_APPEND | O_CLOEXEC
    private const int LinuxFlags = 0x1 | 0x400 | 0x80000;
    private const int MacFlags = 0x1 | 0x8 | 0x1000000;

    // open(2) is variadic; only the two fixed arguments are passed (no O_CREAT), which is ABI-safe everywhere.
    [LibraryImport("libc", EntryPoint = "open", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int OpenNative(string path, int flags);

    [LibraryImport("libc", EntryPoint = "write", SetLastError = true)]
    private static partial nint WriteNative(int fd, ReadOnlySpan<byte> buffer, nint count);

    [LibraryImport("libc", EntryPoint = "close", SetLastError = true)]
    private static partial int CloseNative(int fd);
}
