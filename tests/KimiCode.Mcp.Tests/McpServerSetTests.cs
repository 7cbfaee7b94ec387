using System.Collections.Concurrent;
using System.Diagnostics;

namespace KimiCode.Mcp.Tests;

/// <summary>A session's servers as the tool source of its model requests: late servers wait only so long, dead ones are withdrawn.</summary>
public sealed class McpServerSetTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Snapshot_HungServerBesideReadyOne_ReturnsWithinPromptWindowWithReadyToolsAndReportsItLate()
    {
        using var folder = new TempFolder("kimi-mcp");
        var notices = new ConcurrentQueue<string>();
        var context = McpFixtures.Context(folder.Path) with { Timeouts = new McpTimeouts(600_000, 60_000) { PromptWaitMs = 1 } };
        await using var set = new McpServerSet(
            [McpFixtures.Stdio("good"), McpFixtures.Stdio("hangs", "hang")], context, new McpResultOptions(false), report: notices.Enqueue);
        set.StartAll();
        await set.Servers[0].Started.WaitAsync(TestTimeouts.Default, Ct);

        // The hung server's startup timeout is 10 minutes; the test's own bound is far below it.
        var snapshot = await set.SnapshotAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(McpServerState.Connecting, set.Servers[1].State);
        Assert.Contains("mcp__good__echo", snapshot.Tools.Select(t => t.Name));
        Assert.DoesNotContain(snapshot.Tools, t => t.Name.StartsWith("mcp__hangs__", StringComparison.Ordinal));
        Assert.Empty(snapshot.Notices);
        var late = Assert.Single(notices);
        Assert.Contains("MCP server hangs (stdio", late, StringComparison.Ordinal);
        Assert.Contains("starting after 1 ms: going on without its tools until it is ready", late, StringComparison.Ordinal);
        var again = await set.SnapshotAsync(Ct);
        Assert.Same(snapshot.Tools, again.Tools); // unchanged: the same list, so the session keeps its registry
        Assert.Single(notices); // said once
    }

    [Fact]
    public async Task Snapshot_StartupTimeoutShorterThanPromptWindow_WaitsForTheFailureWhichIsReportedFirst()
    {
        using var folder = new TempFolder("kimi-mcp");
        var notices = new ConcurrentQueue<string>();
        await using var set = new McpServerSet([McpFixtures.Stdio("hangs", "hang", startupTimeoutMs: 1500)], McpFixtures.Context(folder.Path), new McpResultOptions(false), report: notices.Enqueue);
        set.StartAll();

        var snapshot = await set.SnapshotAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(McpServerState.Failed, set.Servers[0].State);
        Assert.Empty(snapshot.Tools);
        var failed = Assert.Single(notices);
        Assert.Contains("did not finish starting within 1.5 s (startupTimeoutMs)", failed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Snapshot_ServerWithinPromptWindow_WaitedForAndItsToolsOffered()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var set = new McpServerSet([McpFixtures.Stdio("good")], McpFixtures.Context(folder.Path), new McpResultOptions(false));
        set.StartAll();

        var snapshot = await set.SnapshotAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(McpServerState.Ready, set.Servers[0].State);
        Assert.Contains("mcp__good__add", snapshot.Tools.Select(t => t.Name));
    }

    [Fact]
    public async Task Snapshot_ServerKilledAfterItsToolsWereOffered_WithdrawnModelToldOnceUserToldAndOtherServerKept()
    {
        using var folder = new TempFolder("kimi-mcp");
        var pidFile = Path.Combine(folder.Path, "victim.pid");
        var notices = new ConcurrentQueue<string>();
        await using var set = new McpServerSet(
            [McpFixtures.Stdio("good"), McpFixtures.Stdio("victim", pidFile: pidFile)], McpFixtures.Context(folder.Path), new McpResultOptions(false), report: notices.Enqueue);
        set.StartAll();
        var before = await set.SnapshotAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);
        Assert.Contains("mcp__victim__echo", before.Tools.Select(t => t.Name));

        using (var victim = Process.GetProcessById(int.Parse(await File.ReadAllTextAsync(pidFile, Ct), System.Globalization.CultureInfo.InvariantCulture)))
        {
            victim.Kill();
            await victim.WaitForExitAsync(Ct);
        }

        await McpServerConnectionTests.WaitUntil(() => set.Servers[1].State == McpServerState.Failed);
        var after = await set.SnapshotAsync(Ct);
        var later = await set.SnapshotAsync(Ct);

        Assert.DoesNotContain(after.Tools, t => t.Name.StartsWith("mcp__victim__", StringComparison.Ordinal));
        Assert.Contains("mcp__good__echo", after.Tools.Select(t => t.Name));
        var told = Assert.Single(after.Notices);
        Assert.Contains("The MCP server 'victim' stopped (exited with code", told, StringComparison.Ordinal);
        Assert.Empty(later.Notices);
        Assert.Contains(notices, n => n.Contains("MCP server victim (stdio", StringComparison.Ordinal) && n.Contains("failed: exited with code", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Snapshot_ToolFilter_DisabledToolNeverOffered()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var set = new McpServerSet([McpFixtures.Stdio("good")], McpFixtures.Context(folder.Path), new McpResultOptions(false), offers: name => name != "mcp__good__add");
        set.StartAll();

        var snapshot = await set.SnapshotAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);

        Assert.Contains("mcp__good__echo", snapshot.Tools.Select(t => t.Name));
        Assert.DoesNotContain("mcp__good__add", snapshot.Tools.Select(t => t.Name));
    }
}
