using System.Diagnostics;
using System.Text;

namespace KimiCode.EndToEnd.Tests;

/// <summary>Runs the real <c>kimi</c> executable (built next to this repository's src/KimiCode.Cli) as a child process.</summary>
internal static class KimiProcess
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static string KimiDll { get; } = LocateKimiDll();

    public static ProcessStartInfo StartInfo(string home, IReadOnlyDictionary<string, string> environment, params string[] args)
    {
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(KimiDll);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A clean, deterministic environment: nothing from the developer's own login leaks in.
        foreach (var name in new[] { "KIMI_API_KEY", "KIMI_BASE_URL", "KIMI_MODEL_NAME", "KIMI_CODE_BASE_URL", "KIMI_CODE_OAUTH_HOST", "KIMI_OAUTH_HOST", "KIMI_CODE_CUSTOM_HEADERS" })
        {
            start.Environment.Remove(name);
        }

        start.Environment["KIMI_CODE_HOME"] = home;
        start.Environment["HOME"] = Path.Combine(home, "user-home");
        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            start.Environment[name] = value;
        }

        return start;
    }

    public static async Task<ProcessResult> RunAsync(string home, IReadOnlyDictionary<string, string> environment, string? stdin, params string[] args)
    {
        using var process = Process.Start(StartInfo(home, environment, args))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (stdin is not null)
        {
            await process.StandardInput.WriteAsync(stdin);
        }

        process.StandardInput.Close();
        using var timeout = new CancellationTokenSource(DefaultTimeout);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw new TimeoutException($"kimi {string.Join(' ', args)} did not finish within {DefaultTimeout.TotalSeconds} s. stderr so far: {await stderr}");
        }

        return new ProcessResult(process.ExitCode, await stdout, await stderr);
    }

    private static string LocateKimiDll()
    {
        // This test assembly lives in tests/KimiCode.EndToEnd.Tests/bin/<Configuration>/<tfm>/; kimi is built
        // (as a project reference) into src/KimiCode.Cli/bin/<Configuration>/<tfm>/.
        var baseDir = new DirectoryInfo(AppContext.BaseDirectory.TrimEnd(Path.DirectorySeparatorChar));
        var tfm = baseDir.Name;
        var configuration = baseDir.Parent!.Name;
        for (var dir = baseDir; dir is not null; dir = dir.Parent)
        {
            var candidate = Path.Combine(dir.FullName, "src", "KimiCode.Cli", "bin", configuration, tfm, "kimi.dll");
            if (File.Exists(candidate))
            {
                return candidate;
            }
        }

        throw new FileNotFoundException($"kimi.dll ({configuration}/{tfm}) not found above {AppContext.BaseDirectory}; build src/KimiCode.Cli first.");
    }
}

internal sealed record ProcessResult(int ExitCode, string Stdout, string Stderr)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Stdout}\n--- stderr ---\n{Stderr}";
}
