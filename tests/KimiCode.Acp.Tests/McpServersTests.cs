using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>ACP <c>mcpServers</c> in <c>session/new</c>: real stdio servers (tests/KimiCode.McpTestServer) joined to the session.</summary>
public sealed class McpServersTests
{
    private static string Stdio(string name, string mode = "serve", string? pidFile = null)
    {
        var (command, args) = TestMcpServer.CommandLine(mode, pidFile);
        return $$"""{"name":{{Json.Str(name)}},"command":{{Json.Str(command)}},"args":[{{string.Join(",", args.Select(Json.Str))}}],"env":[]}""";
    }

    [Fact]
    public async Task Initialize_AdvertisesHttpAndSseMcpServers()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement result = await harness.InitializeAsync();

        JsonElement mcp = result.GetProperty("agentCapabilities").GetProperty("mcpCapabilities");
        Assert.True(mcp.GetProperty("http").GetBoolean());
        Assert.True(mcp.GetProperty("sse").GetBoolean());
    }

    [Fact]
    public async Task SessionNew_StdioServerBesideBrokenOne_ToolCalledResultInNextRequestAndFailureAnnounced()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        AllowTools(harness);
        await harness.InitializeAsync();
        string servers = $"[{Stdio("tester")},{Stdio("broken", "exit-at-start")}]";

        JsonElement created = await harness.Client.ResultAsync("session/new", $$"""{"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":{{servers}}}""");
        string sessionId = created.Text("sessionId");
        JsonElement notice = (await harness.Client.NextUpdateAsync(u => u.Tag() == "agent_message_chunk")).GetProperty("update");
        JsonElement result = await harness.PromptAsync(sessionId, """tool: mcp__tester__echo {"text":"from the editor server"}""");

        Assert.Contains("MCP server broken (stdio", notice.GetProperty("content").Text("text"), StringComparison.Ordinal);
        Assert.Contains("exited with code 3", notice.GetProperty("content").Text("text"), StringComparison.Ordinal);
        Assert.Equal("end_turn", result.Text("stopReason"));
        var requests = harness.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).ToList();
        Assert.Contains("\"mcp__tester__echo\"", requests[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("mcp__broken__", requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("echo: from the editor server", requests[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionNew_HangingStdioServer_AnsweredWhileItStartsAndPromptUsesHealthyServer()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        harness.Environment["KIMI_MCP_STARTUP_TIMEOUT_MS"] = "600000"; // 10 minutes: far beyond every wait of this test
        AllowTools(harness);
        await harness.InitializeAsync();

        JsonElement created = await harness.Client.ResultAsync("session/new", $$"""{"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[{{Stdio("hangs", "hang")}},{{Stdio("tester")}}]}""");
        JsonElement result = await harness.PromptAsync(created.Text("sessionId"), """tool: mcp__tester__echo {"text":"while the other starts"}""");

        Assert.Equal("end_turn", result.Text("stopReason"));
        var requests = ChatRequests(harness);
        Assert.Contains("mcp__tester__echo", ToolNames(requests[0]));
        Assert.DoesNotContain(ToolNames(requests[0]), n => n.StartsWith("mcp__hangs__", StringComparison.Ordinal));
        Assert.Contains("echo: while the other starts", requests[^1], StringComparison.Ordinal);
        string notices = string.Concat(harness.Client.DrainUpdates().Where(u => u.Tag() == "agent_message_chunk").Select(u => u.GetProperty("content").Text("text")));
        Assert.Contains("MCP server hangs (stdio", notices, StringComparison.Ordinal);
        Assert.Contains("going on without its tools until it is ready", notices, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_ServerKilledMidSession_NextRequestLacksItsToolsModelToldOtherServerKept()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        AllowTools(harness);
        await harness.InitializeAsync();
        string pidFile = Path.Combine(harness.Workspace, "victim.pid");
        JsonElement created = await harness.Client.ResultAsync("session/new", $$"""{"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[{{Stdio("tester")}},{{Stdio("victim", pidFile: pidFile)}}]}""");
        string sessionId = created.Text("sessionId");
        await harness.PromptAsync(sessionId, """tool: mcp__victim__echo {"text":"still alive"}""");
        Assert.Contains("mcp__victim__echo", ToolNames(ChatRequests(harness)[0]));

        using (var victim = System.Diagnostics.Process.GetProcessById(int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture)))
        {
            victim.Kill();
            await victim.WaitForExitAsync(TestContext.Current.CancellationToken);
        }

        JsonElement failure = (await harness.Client.NextUpdateAsync(u => u.Tag() == "agent_message_chunk"
            && u.GetProperty("content").Text("text").Contains("MCP server victim", StringComparison.Ordinal))).GetProperty("update");
        int before = ChatRequests(harness).Count;
        JsonElement result = await harness.PromptAsync(sessionId, """tool: mcp__tester__echo {"text":"after the crash"}""");

        Assert.Contains("failed: exited with code", failure.GetProperty("content").Text("text"), StringComparison.Ordinal);
        Assert.Equal("end_turn", result.Text("stopReason"));
        var next = ChatRequests(harness)[before];
        Assert.Contains("mcp__tester__echo", ToolNames(next));
        Assert.DoesNotContain(ToolNames(next), n => n.StartsWith("mcp__victim__", StringComparison.Ordinal));
        Assert.Contains("The MCP server 'victim' stopped (exited with code", next.Replace("\\u0027", "'", StringComparison.Ordinal) /* the body escapes apostrophes */, StringComparison.Ordinal);
        Assert.Contains("echo: after the crash", ChatRequests(harness)[^1], StringComparison.Ordinal);
    }

    private static void AllowTools(AcpHarness harness) =>
        harness.Client.OnRequest = (method, _) => Task.FromResult(method == "session/request_permission"
            ? ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}""")
            : ClientReply.Error(-32601, "not here"));

    private static List<string> ChatRequests(AcpHarness harness) =>
        [.. harness.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => r.Body)];

    private static List<string> ToolNames(string body)
    {
        using var document = JsonDocument.Parse(body);
        return document.RootElement.TryGetProperty("tools", out JsonElement tools)
            ? [.. tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)]
            : [];
    }

    [Theory]
    [InlineData("""[{"command":"x","args":[],"env":[]}]""", "mcpServers[0]: \"name\" is required")]
    [InlineData("""[{"name":"a","command":"x","args":"no","env":[]}]""", "mcpServers[0]: \"args\" must be an array of strings")]
    [InlineData("""[{"type":"ws","name":"a","url":"ws://x"}]""", "mcpServers[0]: \"type\" must be \"stdio\", \"http\" or \"sse\"")]
    public async Task SessionNew_MalformedMcpServer_InvalidParamsOneLine(string servers, string expected)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync("session/new", $$"""{"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":{{servers}}}""");

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains(expected, error.Text("message"), StringComparison.Ordinal);
        Assert.DoesNotContain('\n', error.Text("message"));
    }
}
