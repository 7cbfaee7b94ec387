using KimiCode.Cli.Tests.Support;
using KimiCode.Emulator;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>
/// The shell with the project's MCP servers: a project stdio server is started only after the user says yes (and the
/// answer is remembered for the folder), <c>/mcp</c> shows each server's state, and a broken server beside a healthy
/// one is reported while the healthy one's tools reach the model.
/// </summary>
public sealed class ShellMcpTests
{
    private static void WriteProjectMcp(ShellHarness shell, params (string Name, string Entry)[] servers)
    {
        var folder = Directory.CreateDirectory(Path.Combine(shell.WorkDir, ".kimi-code")).FullName;
        File.WriteAllText(Path.Combine(folder, "mcp.json"), TestMcpServer.File(servers));
    }

    private static string[] ToolNames(RecordedRequest request)
    {
        using var doc = System.Text.Json.JsonDocument.Parse(request.Body);
        return doc.RootElement.TryGetProperty("tools", out var tools)
            ? [.. tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)]
            : [];
    }

    [Fact]
    public async Task ProjectServer_UserSaysYes_StartedAndItsToolsOffered()
    {
        await using var shell = await ShellHarness.CreateAsync();
        WriteProjectMcp(shell, ("tools", TestMcpServer.Entry()));
        await shell.StartAsync();
        var before = TestTerminal.Unwrapped(await shell.SendAsync("/mcp"));

        shell.Submit("hello");
        var asked = await shell.Terminal.WaitForTextAsync("Start 'tools'?");
        shell.Terminal.Type("1");
        await shell.NextInputAsync();
        var status = TestTerminal.Unwrapped(await shell.SendAsync("/mcp"));

        Assert.Contains("starts with your next prompt", before);
        Assert.Contains("The project's .kimi-code/mcp.json wants to start the MCP server 'tools':", asked);
        Assert.Contains("mcp__tools__echo", ToolNames(shell.ChatRequests()[^1]));
        Assert.Matches(@"tools \(stdio, .*\): ready, \d+ tools", status);
        Assert.Contains("mcp__tools__echo", status);
    }

    [Fact]
    public async Task ProjectServer_RememberedYes_NextSessionStartsItWithoutAsking()
    {
        await using var shell = await ShellHarness.CreateAsync();
        WriteProjectMcp(shell, ("tools", TestMcpServer.Entry()));
        await shell.StartAsync();
        shell.Submit("first");
        await shell.Terminal.WaitForTextAsync("Start 'tools'?");
        shell.Terminal.Type("1");
        await shell.NextInputAsync();

        await shell.SendAsync("/new");
        var screenBefore = TestTerminal.Occurrences(shell.Terminal.Screen.Text, "Start 'tools'?");
        await shell.SendAsync("second");

        Assert.Equal(screenBefore, TestTerminal.Occurrences(shell.Terminal.Screen.Text, "Start 'tools'?"));
        Assert.Contains("mcp__tools__echo", ToolNames(shell.ChatRequests()[^1]));
        Assert.Contains("second", shell.ChatRequests()[^1].Body);
    }

    [Fact]
    public async Task ProjectServer_UserSaysNo_NotStartedNoToolsAndMcpSaysWhy()
    {
        await using var shell = await ShellHarness.CreateAsync();
        var pidFile = Path.Combine(shell.Root, "server.pid");
        WriteProjectMcp(shell, ("tools", TestMcpServer.Entry(pidFile: pidFile)));
        await shell.StartAsync();

        shell.Submit("hello");
        await shell.Terminal.WaitForTextAsync("Start 'tools'?");
        shell.Terminal.Type("2");
        await shell.NextInputAsync();
        var status = TestTerminal.Unwrapped(await shell.SendAsync("/mcp"));

        Assert.False(File.Exists(pidFile), "the declined server must not have run");
        Assert.DoesNotContain(ToolNames(shell.ChatRequests()[^1]), n => n.StartsWith("mcp__", StringComparison.Ordinal));
        Assert.Contains("tools (stdio, ", status);
        Assert.Contains("not started", status);
    }

    [Fact]
    public async Task UserServers_OneExitsAtStart_ReportedAndTheHealthyOnesToolsReachTheModel()
    {
        await using var shell = await ShellHarness.CreateAsync();
        File.WriteAllText(Path.Combine(shell.Home, "mcp.json"), TestMcpServer.File(("good", TestMcpServer.Entry()), ("broken", TestMcpServer.Entry("exit-at-start"))));
        await shell.StartAsync();

        await shell.SendAsync("hello");
        var status = TestTerminal.Unwrapped(await shell.SendAsync("/mcp"));

        Assert.Contains("mcp__good__echo", ToolNames(shell.ChatRequests()[^1]));
        Assert.DoesNotContain(ToolNames(shell.ChatRequests()[^1]), n => n.StartsWith("mcp__broken__", StringComparison.Ordinal));
        Assert.Matches(@"good \(stdio, .*\): ready", status);
        Assert.Matches(@"broken \(stdio, .*\): failed: ", status);
        Assert.Contains("MCP server broken (stdio", TestTerminal.Unwrapped(shell.Terminal.Screen.Text), StringComparison.Ordinal); // said on the screen, when it failed
    }
}
