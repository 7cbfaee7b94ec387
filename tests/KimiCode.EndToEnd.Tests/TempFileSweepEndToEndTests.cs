using System.Diagnostics;
using System.Globalization;

namespace KimiCode.EndToEnd.Tests;

/// <summary>A kimi process killed mid-write leaves a temp file; the next kimi start deletes it (issue 16, "no litter").</summary>
public sealed class TempFileSweepEndToEndTests
{
    [Fact]
    public async Task AnyStart_TempFileOfAKilledProcess_IsDeletedAndUserFilesStay()
    {
        await using var home = await TestHome.StartAsync();
        var tree = Directory.CreateDirectory(Path.Combine(home.Root, "work")).FullName;
        var userFile = Path.Combine(tree, "data.bin");
        File.WriteAllText(userFile, "the user's file");

        // A process that recorded its temp file and was killed with SIGKILL before it could clean up.
        using var victim = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        var start = StartTime(victim.Id);
        var leftover = Path.Combine(tree, $".data.bin.kimi-{victim.Id}-0123456789ab.tmp");
        File.WriteAllText(leftover, "a half-written copy");
        var inflight = Directory.CreateDirectory(Path.Combine(home.Root, "tmp", "inflight")).FullName;
        var list = Path.Combine(inflight, $"{victim.Id}-{start}.list");
        File.WriteAllText(list, $"{leftover}\n{userFile}\n");
        victim.Kill();
        await victim.WaitForExitAsync(TestContext.Current.CancellationToken);

        var result = await home.RunAsync("auth", "status");

        Assert.True(result.Stdout.Contains("Data folder:", StringComparison.Ordinal), result.ToString()); // ran (no login: exit 1)
        Assert.False(File.Exists(leftover));
        Assert.False(File.Exists(list));
        Assert.Equal("the user's file", File.ReadAllText(userFile));
    }

    /// <summary>Field 22 of /proc/&lt;pid&gt;/stat, as kimi records it.</summary>
    private static long StartTime(int pid)
    {
        var stat = File.ReadAllText($"/proc/{pid}/stat");
        return long.Parse(stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries)[19], CultureInfo.InvariantCulture);
    }
}
