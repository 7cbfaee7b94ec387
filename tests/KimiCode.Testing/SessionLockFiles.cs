using System.Globalization;

namespace KimiCode.Testing;

/// <summary>
/// A session's lock as another process sees it: <c>{home}/locks/sessions/&lt;id&gt;.lock</c>, held with an exclusive
/// <c>flock</c>, and <c>&lt;id&gt;.pid</c> naming the holder. An exclusive <c>flock</c> belongs to an open file, so a test
/// holding the file open without sharing refuses kimi exactly as another process would, even inside the same process.
/// </summary>
public static class SessionLockFiles
{
    public static string PathFor(string home, string sessionId) => Path.Combine(home, "locks", "sessions", sessionId + ".lock");

    /// <summary>Whether some open file (this process's or another's) holds the lock.</summary>
    public static bool IsHeld(string lockPath)
    {
        try
        {
            using var probe = new FileStream(lockPath, FileMode.Open, FileAccess.ReadWrite, FileShare.None);
            return false;
        }
        catch (IOException)
        {
            return true;
        }
    }

    /// <summary>Holds the lock as process <paramref name="pid"/> would, until the returned stream is disposed.</summary>
    public static FileStream HoldAsAnotherProcess(string lockPath, int pid)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(lockPath)!);
        File.WriteAllText(Path.ChangeExtension(lockPath, ".pid"), pid.ToString(CultureInfo.InvariantCulture) + "\n");
        return new FileStream(lockPath, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None);
    }
}
