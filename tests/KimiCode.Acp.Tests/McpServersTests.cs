using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>ACP <c>mcpServers</c> in <c>session/new</c>: real stdio servers (tests/KimiCode.McpTestServer) joined to the session.</summary>
public sealed class McpServersTests
{
    private static string Stdio(string name, string mode = "serve")
    {
        var (command, args) = TestMcpServer.CommandLine(mode);
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
        harness.Client.OnRequest = (method, _) => Task.FromResult(method == "session/request_permission"
            ? ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}""")
            : ClientReply.Error(-32601, "not here"));
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
