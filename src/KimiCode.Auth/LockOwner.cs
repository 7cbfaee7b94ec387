using System.Globalization;
using System.Runtime.InteropServices;
using KimiCode.Config;

namespace KimiCode.Auth;

/// <summary>
/// The owner record a holder of ours writes beside the lock folder (<c>{target}.lock-owner</c>, never inside it: the
/// Node client removes a stale lock with rmdir, which fails on a non-empty folder). It names the holding process
/// (pid and its start time, so a reused pid is not mistaken for the holder), the lock folder it belongs to (inode)
/// and the holder's nonce. A waiter that finds a stale mtime but a record of a live process for that very folder
/// keeps waiting: the holder is paused (SIGSTOP, a debugger, a swapped-out machine), not dead, and may still be about
/// to use the refresh token. A Node holder writes no record, so for it mtime rules as before.
/// Linux only (<c>/proc/&lt;pid&gt;/stat</c>, <c>statx</c>); elsewhere no record is written and mtime rules.
/// </summary>
internal sealed record LockOwner(int Pid, ulong StartTime, ulong Inode, string Nonce)
{
    private const int AtFdCwd = -100;
    private const int AtSymlinkNoFollow = 0x100;
    private const uint StatxIno = 0x100;

    /// <summary>This process as an owner of the folder with <paramref name="inode"/>, or null where records are not supported.</summary>
    public static LockOwner? ForThisProcess(ulong? inode)
        => inode is { } ino && StartTimeOf(Environment.ProcessId) is { } started
            ? new LockOwner(Environment.ProcessId, started, ino, Guid.NewGuid().ToString("N"))
            : null;

    /// <summary>Whether the recorded process still runs (same pid, same start time, not a zombie).</summary>
    public bool IsAlive => StartTimeOf(Pid) == StartTime;

    public static string PathFor(string lockDir) => lockDir + "-owner";

    public void Write(string path) => AtomicFile.WriteAllText(path, string.Create(CultureInfo.InvariantCulture, $"{Pid} {StartTime} {Inode} {Nonce}\n"));

    /// <summary>The record at <paramref name="path"/>, or null when there is none or it is unreadable or damaged.</summary>
    public static LockOwner? Read(string path)
    {
        string text;
        try
        {
            text = File.ReadAllText(path);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        var parts = text.Split(' ', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
        return parts.Length == 4
            && int.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            && ulong.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var started)
            && ulong.TryParse(parts[2], NumberStyles.None, CultureInfo.InvariantCulture, out var inode)
            && parts[3].Length > 0
            ? new LockOwner(pid, started, inode, parts[3])
            : null;
    }

    /// <summary>Deletes the record at <paramref name="path"/> if it is still this one (a later holder's record is left alone).</summary>
    public void DeleteIfOurs(string path)
    {
        if (Read(path) is { } onDisk && onDisk == this)
        {
            try
            {
                File.Delete(path);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    /// <summary>The inode of <paramref name="path"/> (not following a final symlink), or null when unknown.</summary>
    public static ulong? InodeOf(string path)
    {
        if (!OperatingSystem.IsLinux())
        {
            return null;
        }

        try
        {
            Span<byte> buffer = stackalloc byte[256];
            if (NativeMethods.Statx(AtFdCwd, path, AtSymlinkNoFollow, StatxIno, buffer) != 0)
            {
                return null;
            }

            // struct statx is the same on every Linux architecture: stx_mask at 0, stx_ino at 32.
            var mask = MemoryMarshal.Read<uint>(buffer);
            return (mask & StatxIno) != 0 ? MemoryMarshal.Read<ulong>(buffer[32..]) : null;
        }
        catch (Exception ex) when (ex is EntryPointNotFoundException or DllNotFoundException)
        {
            return null; // a libc without statx (old musl): no records, mtime rules
        }
    }

    /// <summary>Field 22 of <c>/proc/&lt;pid&gt;/stat</c> (start time in clock ticks since boot); null when the process is gone or a zombie.</summary>
    internal static ulong? StartTimeOf(int pid)
    {
        if (!OperatingSystem.IsLinux() || pid <= 0)
        {
            return null;
        }

        string stat;
        try
        {
            stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }

        // The command name (field 2) is in parentheses and may itself contain spaces and parentheses.
        var close = stat.LastIndexOf(')');
        if (close < 0)
        {
            return null;
        }

        var fields = stat[(close + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        // fields[0] is field 3 (state); field 22 is fields[19].
        if (fields.Length < 20 || fields[0] is "Z" or "X" or "x")
        {
            return null;
        }

        return ulong.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var started) ? started : null;
    }
}
