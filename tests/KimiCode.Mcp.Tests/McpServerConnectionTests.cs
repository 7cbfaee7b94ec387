using System.Diagnostics;
using KimiCode.Agent.Tools;
using ModelContextProtocol.Protocol;

namespace KimiCode.Mcp.Tests;

/// <summary>One real stdio server per test (tests/KimiCode.McpTestServer), healthy or failing in the ways servers fail.</summary>
public sealed class McpServerConnectionTests
{
    [Fact]
    public async Task Stdio_HealthyServer_ListsToolsWithSchemasAndCallsThem()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("test"), folder.Path);

        Assert.True(server.State == McpServerState.Ready, server.Reason);
        var echo = Assert.Single(server.Tools, t => t.Name == "echo");
        Assert.Contains("\"text\"", echo.InputSchema.GetRawText(), StringComparison.Ordinal);
        Assert.Contains("mcp__test__echo", server.Status().Tools);
        var result = await server.CallAsync("echo", McpFixtures.Args("""{"text": "hi there"}"""), TestContext.Current.CancellationToken);
        Assert.Equal("echo: hi there", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
    }

    [Fact]
    public async Task Stdio_ExitAtStart_FailedWithExitCodeAndStderr()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("dies", "exit-at-start"), folder.Path);

        Assert.Equal(McpServerState.Failed, server.State);
        Assert.Contains("exited with code 3", server.Reason, StringComparison.Ordinal);
        Assert.Contains("fatal: the test server was told to exit at start", server.Reason, StringComparison.Ordinal);
        Assert.Empty(server.Tools);
    }

    [Fact]
    public async Task Stdio_Hang_FailedAtItsStartupTimeout()
    {
        using var folder = new TempFolder("kimi-mcp");
        var pidFile = Path.Combine(folder.Path, "pid");
        await using var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("hangs", "hang", startupTimeoutMs: 1500, pidFile: pidFile), folder.Path);

        Assert.Equal(McpServerState.Failed, server.State);
        Assert.Contains("did not finish starting within 1.5 s (startupTimeoutMs)", server.Reason, StringComparison.Ordinal);
        await ProcessGone(pidFile);
    }

    [Fact]
    public async Task Stdio_GarbageOnStdout_FailedNamingTheOutput()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("garbage", "garbage"), folder.Path);

        Assert.Equal(McpServerState.Failed, server.State);
        Assert.Contains("not MCP on stdout: \"Welcome to the garbage server!", server.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stdio_MissingProgram_FailedSayingItCouldNotStart()
    {
        using var folder = new TempFolder("kimi-mcp");
        var config = new McpServerConfig { Name = "nothing", Transport = McpTransport.Stdio, Command = "/nonexistent/mcp-server" };
        await using var server = await McpFixtures.ConnectAsync(config, folder.Path);

        Assert.Equal(McpServerState.Failed, server.State);
        Assert.Contains("/nonexistent/mcp-server", server.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Call_PastToolTimeout_TimeoutExceptionNamingTheSetting()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("test", toolTimeoutMs: 300), folder.Path);

        var error = await Assert.ThrowsAsync<TimeoutException>(() => server.CallAsync("slow", McpFixtures.Args("""{"milliseconds": 600000}"""), TestContext.Current.CancellationToken));

        Assert.Contains("did not answer within 300 ms (toolTimeoutMs)", error.Message, StringComparison.Ordinal);
        Assert.Equal(McpServerState.Ready, server.State); // a slow call does not take the server down
    }

    [Fact]
    public async Task Call_Cancelled_ServerIsToldAndCancelsItsWork()
    {
        using var folder = new TempFolder("kimi-mcp");
        var marker = Path.Combine(folder.Path, "cancelled.txt");
        await using var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("test"), folder.Path);
        using var turn = new CancellationTokenSource();

        var call = server.CallAsync("slow", McpFixtures.Args($$"""{"milliseconds": 600000, "marker": {{System.Text.Json.JsonSerializer.Serialize(marker, TestJson.Default.String)}}}"""), turn.Token);
        await WaitUntil(() => File.Exists(marker)); // the server is at work ("started"): a cancel before that has nothing to tell it
        await turn.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => call);
        await WaitUntil(() => File.ReadAllText(marker) == "cancelled");
        Assert.Equal("cancelled", await File.ReadAllTextAsync(marker, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task Dispose_ServerThatIgnoresEndOfInput_ProcessGroupKilled()
    {
        using var folder = new TempFolder("kimi-mcp");
        var pidFile = Path.Combine(folder.Path, "pid");
        var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("linger", "linger", pidFile: pidFile), folder.Path);
        Assert.Equal(McpServerState.Ready, server.State);

        await server.DisposeAsync();

        await ProcessGone(pidFile);
        Assert.Equal(McpServerState.Stopped, server.State);
    }

    [Fact]
    public async Task Stdio_EnvAndCwd_ReachTheServer()
    {
        using var folder = new TempFolder("kimi-mcp");
        var sub = folder.Folder("sub");
        var config = McpFixtures.Stdio("test") with { Env = [new("MCP_TEST_VALUE", "plum")], Cwd = "sub" };
        await using var server = await McpFixtures.ConnectAsync(config, folder.Path);

        var env = await server.CallAsync("env", McpFixtures.Args("""{"name": "MCP_TEST_VALUE"}"""), TestContext.Current.CancellationToken);
        var cwd = await server.CallAsync("cwd", McpFixtures.Args("{}"), TestContext.Current.CancellationToken);

        Assert.Equal("plum", Assert.IsType<TextContentBlock>(Assert.Single(env.Content)).Text);
        Assert.Equal(sub, Assert.IsType<TextContentBlock>(Assert.Single(cwd.Content)).Text);
    }

    [Fact]
    public async Task Set_BrokenServersBesideHealthyOne_OnlyHealthyToolsAndEachFailureReported()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var set = new McpServerSet(
            [
                McpFixtures.Stdio("good"),
                McpFixtures.Stdio("dies", "exit-at-start"),
                McpFixtures.Stdio("hangs", "hang", startupTimeoutMs: 1500),
                McpFixtures.Stdio("garbage", "garbage"),
                McpFixtures.Stdio("off") with { Enabled = false },
                McpFixtures.Stdio("picky") with { EnabledTools = ["echo", "add"], DisabledTools = ["add"] },
            ],
            McpFixtures.Context(folder.Path),
            new McpResultOptions(false));

        set.StartAll();
        await set.WaitForStartupAsync(TestContext.Current.CancellationToken).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var names = set.Tools().Select(t => t.Name).ToArray();
        Assert.Contains("mcp__good__echo", names);
        Assert.Equal(["mcp__picky__echo"], names.Where(n => n.StartsWith("mcp__picky__", StringComparison.Ordinal)));
        Assert.DoesNotContain(names, n => n.StartsWith("mcp__dies__", StringComparison.Ordinal) || n.StartsWith("mcp__hangs__", StringComparison.Ordinal)
            || n.StartsWith("mcp__garbage__", StringComparison.Ordinal) || n.StartsWith("mcp__off__", StringComparison.Ordinal));
        var states = set.Statuses().ToDictionary(s => s.Name, s => s.State);
        Assert.Equal(McpServerState.Failed, states["dies"]);
        Assert.Equal(McpServerState.Failed, states["hangs"]);
        Assert.Equal(McpServerState.Failed, states["garbage"]);
        Assert.Equal(McpServerState.Disabled, states["off"]);
        Assert.Equal(McpServerState.Ready, states["good"]);
    }

    [Fact]
    public async Task AgentTool_Call_ResultsReachTheModelFaithfully()
    {
        using var folder = new TempFolder("kimi-mcp");
        await using var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("test"), folder.Path);
        var context = new ToolContext { WorkingDirectory = folder.Path, Files = new LocalWorkspaceFileSystem(), Commands = new LocalCommandRunner() };
        McpAgentTool Tool(string name, bool images = false) => new(server, server.Tools.Single(t => t.Name == name), new McpResultOptions(images, MaxChars: 1000));
        async Task<ToolResult> Run(McpAgentTool tool, string args = "{}")
        {
            using var document = System.Text.Json.JsonDocument.Parse(args);
            var call = tool.Prepare(document.RootElement, context).Call!;
            return await call.ExecuteAsync(null, TestContext.Current.CancellationToken);
        }

        var add = await Run(Tool("add"), """{"a": 2, "b": 40}""");
        var failed = await Run(Tool("fail"));
        var image = await Run(Tool("image", images: true));
        var noImage = await Run(Tool("image", images: false));
        var structured = await Run(Tool("structured"));
        var resource = await Run(Tool("resource"));
        var big = await Run(Tool("big"), """{"length": 5000}""");

        Assert.Equal(("42", false), (add.Content, add.IsError));
        Assert.Equal(("boom: the tool failed on purpose", true), (failed.Content, failed.IsError));
        Assert.Equal("image/png", Assert.Single(image.Images).MediaType);
        Assert.Contains("a red pixel", image.Content, StringComparison.Ordinal);
        Assert.Empty(noImage.Images);
        Assert.Contains("left out: this model cannot see images", noImage.Content, StringComparison.Ordinal);
        Assert.Contains("\"temperature\":21.5", structured.Content, StringComparison.Ordinal);
        Assert.Contains("[resource test://notes/readme]\nresource body text", resource.Content, StringComparison.Ordinal);
        Assert.StartsWith(new string('x', 1000) + "\n[output truncated: 1,000 of 5,000 characters shown", big.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AgentTool_ServerDiedBeforeTheCall_ErrorForTheModel()
    {
        using var folder = new TempFolder("kimi-mcp");
        var pidFile = Path.Combine(folder.Path, "pid");
        await using var server = await McpFixtures.ConnectAsync(McpFixtures.Stdio("test", pidFile: pidFile), folder.Path);
        var tool = new McpAgentTool(server, server.Tools.Single(t => t.Name == "echo"), new McpResultOptions(false));
        var context = new ToolContext { WorkingDirectory = folder.Path, Files = new LocalWorkspaceFileSystem(), Commands = new LocalCommandRunner() };
        using (var victim = Process.GetProcessById(int.Parse(await File.ReadAllTextAsync(pidFile, TestContext.Current.CancellationToken), System.Globalization.CultureInfo.InvariantCulture)))
        {
            victim.Kill();
            await victim.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        await WaitUntil(() => server.State == McpServerState.Failed);
        using var document = System.Text.Json.JsonDocument.Parse("""{"text": "x"}""");
        var result = await tool.Prepare(document.RootElement, context).Call!.ExecuteAsync(null, TestContext.Current.CancellationToken);

        Assert.True(result.IsError);
        Assert.Contains("the MCP server 'test' failed: exited with code", result.Content, StringComparison.Ordinal);
        Assert.Contains("Go on without this tool", result.Content, StringComparison.Ordinal);
    }

    internal static async Task ProcessGone(string pidFile)
    {
        await WaitUntil(() => File.Exists(pidFile) && File.ReadAllText(pidFile).Length > 0);
        int pid = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        await WaitUntil(() => !Directory.Exists($"/proc/{pid}") || File.ReadAllText($"/proc/{pid}/stat").Contains(") Z ", StringComparison.Ordinal));
    }

    internal static async Task WaitUntil(Func<bool> condition)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!condition())
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
internal sealed partial class TestJson : System.Text.Json.Serialization.JsonSerializerContext;
