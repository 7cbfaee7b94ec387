using System.Runtime.InteropServices;

namespace KimiCode.EndToEnd.Tests;

/// <summary>
/// Processes a test reaches indirectly (a kimi, a tool's child it wrote to a pid file): signals, and waiting until one
/// is gone. Linux: a process is gone when <c>/proc/PID</c> is, or when it is a zombie nobody has reaped yet.
/// </summary>
internal static class ProcessWatch
{
    public const int SigInt = 2;
    public const int SigKill = 9;
    public const int SigTerm = 15;

    /// <summary>Sends <paramref name="signal"/>; 0 when it was delivered.</summary>
    public static int Signal(int pid, int signal) => Kill(pid, signal);

    /// <summary>The pid a command wrote to <paramref name="pidFile"/>, once it is there.</summary>
    public static async Task<int> WaitForPidFileAsync(string pidFile)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            if (File.Exists(pidFile) && int.TryParse(File.ReadAllText(pidFile).Trim(), out int pid))
            {
                return pid;
            }

            await Task.Delay(50, timeout.Token);
        }
    }

    public static async Task WaitUntilGoneAsync(int pid)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (File.Exists($"/proc/{pid}/stat") && !IsZombie(pid))
        {
            await Task.Delay(20, timeout.Token);
        }
    }

    private static bool IsZombie(int pid)
    {
        try
        {
            string stat = File.ReadAllText($"/proc/{pid}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].StartsWith('Z');
        }
        catch (IOException)
        {
            return true; // gone while we looked
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static extern int Kill(int pid, int signal);
}
