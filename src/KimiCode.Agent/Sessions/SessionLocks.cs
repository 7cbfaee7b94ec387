using System.Globalization;
using KimiCode.Protocol;

namespace KimiCode.Agent.Sessions;

/// <summary>
/// One process per session: <c>{home}/locks/sessions/&lt;id&gt;.lock</c> is held open without sharing (an exclusive
/// <c>flock</c> on Unix) for as long as this process has the session open, so a second kimi (shell, <c>-p</c> or ACP)
/// cannot append to the same file and interleave it. The holder writes its process id beside it
/// (<c>&lt;id&gt;.pid</c>) so the refusal can say who holds it. The operating system drops the lock when the process
/// dies, so a killed holder never blocks anyone; a stale pid file is only read when the lock is really held.
/// The lock lives outside the session folder: a file held without sharing cannot be read or copied by anyone
/// (a backup, a test, a user's <c>cp -r</c>), and the session folder must stay readable.
/// </summary>
/// <remarks>
/// The registry is process-wide on purpose: the lock belongs to the process (a second open of the same file in this
/// process would conflict with the first), so within one process the lock is taken once and kept until
/// <see cref="Release"/> (ACP re-opens a session when its settings change).
/// </remarks>
internal static class SessionLocks
{
    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, FileStream> Held = new(StringComparer.Ordinal);

    /// <summary>Takes the lock at <paramref name="lockPath"/> for <paramref name="sessionId"/>, or throws <see cref="SessionErrorCodes.InUse"/> naming the holder.</summary>
    public static void Acquire(string lockPath, string sessionId, string whatFor)
    {
        lock (Gate)
        {
            if (Held.ContainsKey(lockPath))
            {
                return;
            }

            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            FileStream stream;
            try
            {
                stream = new FileStream(lockPath, options);
            }
            catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException) && File.Exists(lockPath))
            {
                // The file is there and could not be opened without sharing: another open file holds it.
                string holder = ReadHolder(lockPath) is { } pid ? $" (pid {pid})" : "";
                throw new KimiCodeException(SessionErrorCodes.InUse,
                    $"Session {sessionId} is open in another kimi process{holder}, so it {whatFor}; finish or close it there (the lock goes when that process ends, even if it is killed), read it meanwhile with `kimi sessions show {sessionId}` (no lock needed), or start a new session here.", ex);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                throw new KimiCodeException(SessionErrorCodes.WriteFailed,
                    $"The lock of session {sessionId} ({lockPath}) could not be created: {ex.Message} Free disk space or fix the permissions of {Path.GetDirectoryName(lockPath)}.", ex);
            }

            Held[lockPath] = stream;
            WriteHolder(lockPath);
        }
    }

    /// <summary>Lets go of the lock if this process holds it.</summary>
    public static void Release(string lockPath)
    {
        lock (Gate)
        {
            if (Held.Remove(lockPath, out FileStream? stream))
            {
                stream.Dispose();
            }
        }
    }

    /// <summary>The file beside a lock that names its holder's process id.</summary>
    public static string HolderPath(string lockPath) => Path.ChangeExtension(lockPath, ".pid");

    private static void WriteHolder(string lockPath)
    {
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var writer = new StreamWriter(HolderPath(lockPath), options);
            writer.Write(Environment.ProcessId.ToString(CultureInfo.InvariantCulture));
            writer.Write('\n');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Only the wording of another process's refusal depends on it; the lock itself is held.
        }
    }

    private static int? ReadHolder(string lockPath)
    {
        try
        {
            return int.TryParse(File.ReadAllText(HolderPath(lockPath)).Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out int pid) ? pid : null;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
