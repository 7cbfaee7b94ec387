using System.Diagnostics;

namespace KimiCode.Testing;

/// <summary>
/// Runs the real <c>kimi</c> executable (src/KimiCode.Cli, built by the test project's reference to it) as a child
/// process on a given KIMI_CODE_HOME; HOME is <c>{home}/user-home</c>, so nothing of the developer's own login is seen.
/// </summary>
public static class KimiProcess
{
    public static string KimiDll { get; } = ChildProcess.BuiltAssembly(Path.Combine("src", "KimiCode.Cli"), "kimi.dll");

    public static ProcessStartInfo StartInfo(string home, IReadOnlyDictionary<string, string> environment, params string[] args) =>
        ChildProcess.DotnetExec(KimiDll, args, Environment(home, environment));

    /// <summary>The variables kimi gets on top of the (KIMI_*-free) inherited ones: its home, HOME, then <paramref name="environment"/>.</summary>
    public static Dictionary<string, string> Environment(string home, IReadOnlyDictionary<string, string> environment)
    {
        var all = new Dictionary<string, string>
        {
            ["KIMI_CODE_HOME"] = home,
            ["HOME"] = Path.Combine(home, "user-home"),
        };
        foreach (var (name, value) in environment)
        {
            all[name] = value;
        }

        return all;
    }

    public static Task<ProcessResult> RunAsync(string home, IReadOnlyDictionary<string, string> environment, string? stdin, params string[] args) =>
        ChildProcess.RunAsync(StartInfo(home, environment, args), stdin);

    /// <summary>Starts kimi with stdin closed; the test reads its stdout line by line.</summary>
    public static RunningKimi Start(string home, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var process = Process.Start(StartInfo(home, environment, args)) ?? throw new InvalidOperationException("could not start kimi");
        process.StandardInput.Close();
        return new RunningKimi(process);
    }
}
