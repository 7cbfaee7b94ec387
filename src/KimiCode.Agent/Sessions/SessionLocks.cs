using KimiCode.Protocol;

namespace KimiCode.Agent.Sessions;

/// <summary>
/// One process per session: <c>{session folder}/context.lock</c> is held open without sharing (an exclusive
/// <c>flock</c> on Unix) for as long as this process has the session open, so a second kimi (shell, <c>-p</c> or ACP)
/// cannot append to the same file and interleave it. The operating system drops the lock when the process dies, so a
/// killed holder never blocks anyone. Within one process the lock is taken once and kept until
/// <see cref="Release"/> (ACP reopens a session when its settings change).
/// </summary>
internal static class SessionLocks
{
    public const string LockFileName = "context.lock";

    private static readonly Lock Gate = new();
    private static readonly Dictionary<string, FileStream> Held = new(StringComparer.Ordinal);

    /// <summary>Takes the lock of the session whose record is <paramref name="contextPath"/>, or throws <see cref="SessionErrorCodes.InUse"/>.</summary>
    public static void Acquire(string contextPath, string sessionId)
    {
        string path = LockPathFor(contextPath);
        lock (Gate)
        {
            if (Held.ContainsKey(path))
            {
                return;
            }

            var options = new FileStreamOptions { Mode = FileMode.OpenOrCreate, Access = FileAccess.ReadWrite, Share = FileShare.None };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            try
            {
                Held[path] = new FileStream(path, options);
            }
            catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException))
            {
                throw new KimiCodeException(SessionErrorCodes.InUse,
                    $"Session {sessionId} is open in another kimi process; finish there first, or start a new session here.", ex);
            }
        }
    }

    /// <summary>True when another process holds the lock of <paramref name="contextPath"/>'s session (this process's own lock does not count).</summary>
    public static bool HeldElsewhere(string contextPath)
    {
        string path = LockPathFor(contextPath);
        lock (Gate)
        {
            if (Held.ContainsKey(path) || !File.Exists(path))
            {
                return false;
            }

            try
            {
                using var probe = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
                return false;
            }
            catch (IOException ex) when (ex is not (FileNotFoundException or DirectoryNotFoundException))
            {
                return true;
            }
        }
    }

    /// <summary>Lets go of the session's lock if this process holds it.</summary>
    public static void Release(string contextPath)
    {
        string path = LockPathFor(contextPath);
        lock (Gate)
        {
            if (Held.Remove(path, out FileStream? stream))
            {
                stream.Dispose();
            }
        }
    }

    private static string LockPathFor(string contextPath) => Path.Combine(Path.GetDirectoryName(Path.GetFullPath(contextPath))!, LockFileName);
}
