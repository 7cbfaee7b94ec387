using System.Runtime.InteropServices;

namespace KimiCode.Mcp;

/// <summary>kill(2) of a whole process group (a stdio server and whatever it started).</summary>
internal static partial class NativeKill
{
    private const int SigKill = 9;

    public static int KillGroup(int groupId) => OperatingSystem.IsWindows() ? 0 : Kill(-groupId, SigKill);

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static partial int Kill(int pid, int signal);
}
