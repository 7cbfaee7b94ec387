using System.Diagnostics;
using System.Text.RegularExpressions;

namespace KimiCode.EndToEnd.Tests.Faults;

/// <summary>
/// Shared pieces of the kill -9 loops (docs/reliability.md): the iteration count, random kill instants, and the
/// temp-litter check. <c>KIMI_KILL_LOOPS=100</c> runs each loop 100 times; the default keeps CI fast.
/// </summary>
internal static partial class KillLoop
{
    public static int Iterations =>
        int.TryParse(Environment.GetEnvironmentVariable("KIMI_KILL_LOOPS"), out var n) && n > 0 ? n : 3;

    /// <summary>A uniformly random delay in [0, <paramref name="window"/>).</summary>
    public static TimeSpan RandomInstant(TimeSpan window) => TimeSpan.FromMilliseconds(Random.Shared.NextDouble() * window.TotalMilliseconds);

    public static async Task WaitUntilAsync(Func<bool> condition, Func<bool> gaveUp, Func<string> why)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            Assert.False(gaveUp(), why());
            await Task.Delay(1, timeout.Token);
        }
    }

    /// <summary>Starts kimi with <paramref name="stdin"/> written and closed (`kimi login --api-key` reads its key there).</summary>
    public static Process StartWithInput(TestHome home, string stdin, params string[] args)
    {
        var process = Process.Start(KimiProcess.StartInfo(home.Root, home.Environment, args)) ?? throw new InvalidOperationException("could not start kimi");
        process.StandardInput.Write(stdin);
        process.StandardInput.Close();
        _ = process.StandardOutput.ReadToEndAsync();
        _ = process.StandardError.ReadToEndAsync();
        return process;
    }

    /// <summary>kill -9 (SIGKILL on Unix) and wait for the process to be gone.</summary>
    public static async Task KillNowAsync(Process process)
    {
        if (!process.HasExited)
        {
            process.Kill(entireProcessTree: true);
        }

        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await process.WaitForExitAsync(timeout.Token);
    }

    /// <summary>Temp files left behind in <paramref name="folders"/> (any name containing "tmp"): none may survive a start of kimi.</summary>
    public static void AssertNoTempLitter(params string[] folders)
    {
        var litter = folders
            .Where(Directory.Exists)
            .SelectMany(f => Directory.EnumerateFiles(f, "*", SearchOption.AllDirectories))
            .Where(p => Path.GetFileName(p).Contains("tmp", StringComparison.OrdinalIgnoreCase))
            .ToList();
        Assert.True(litter.Count == 0, "temp files left after kill -9 and a new start: " + string.Join(", ", litter));
    }

    /// <summary>Every refresh token (<c>rt-…</c>) written anywhere under <paramref name="home"/>, temp files included.</summary>
    public static HashSet<string> RefreshTokensOnDisk(string home) =>
        Directory.EnumerateFiles(home, "*", SearchOption.AllDirectories)
            .Where(f => new FileInfo(f).Length < 1_000_000)
            .SelectMany(f => RefreshToken().Matches(SafeRead(f)).Select(m => m.Value))
            .ToHashSet(StringComparer.Ordinal);

    public static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);

    private static string SafeRead(string path)
    {
        try
        {
            return File.ReadAllText(path);
        }
        catch (IOException)
        {
            return "";
        }
        catch (UnauthorizedAccessException)
        {
            return "";
        }
    }

    [GeneratedRegex("rt-[a-z0-9]{40}")]
    private static partial Regex RefreshToken();
}
