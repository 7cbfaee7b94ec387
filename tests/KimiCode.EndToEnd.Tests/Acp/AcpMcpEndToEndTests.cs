using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.EndToEnd.Tests.Acp;

/// <summary>The editor's <c>mcpServers</c> in <c>session/new</c>, through the real <c>kimi acp</c> process.</summary>
public sealed class AcpMcpEndToEndTests
{
    private const string ApiKey = "sk-e2e-acp-mcp";

    private static string Stdio(string name, string mode = "serve", string? pidFile = null)
    {
        var (command, args) = TestMcpServer.CommandLine(mode, pidFile);
        return $$"""{"name":{{Json.Str(name)}},"command":{{Json.Str(command)}},"args":[{{string.Join(",", args.Select(Json.Str))}}],"env":[]}""";
    }

    [Fact]
    public async Task Acp_SessionNewWithHealthyAndBrokenStdioServers_ToolCalledAndServersStoppedOnClose()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(ApiKey);
        string work = home.Workspace();
        string pidFile = Path.Combine(work, "tester.pid");
        home.Environment["KIMI_MCP_STARTUP_TIMEOUT_MS"] = "4000"; // the hanging server gives up after 4 s, not the default 30
        await using var kimi = AcpProcess.Start(home);
        kimi.Client.OnRequest = (method, _) => Task.FromResult(method == "session/request_permission"
            ? ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}""")
            : ClientReply.Error(-32601, "not here"));
        await kimi.Client.ResultAsync("initialize", """{"protocolVersion":1,"clientCapabilities":{},"clientInfo":{"name":"e2e","version":"1"}}""");
        string servers = $"[{Stdio("tester", pidFile: pidFile)},{Stdio("hangs", "hang")},{Stdio("garbage", "garbage")}]";

        JsonElement created = await kimi.Client.ResultAsync("session/new", $$"""{"cwd":{{Json.Str(work)}},"mcpServers":{{servers}}}""");
        string sessionId = created.Text("sessionId");
        JsonElement result = await kimi.Client.ResultAsync("session/prompt", $$$"""{"sessionId":{{{Json.Str(sessionId)}}},"prompt":[{"type":"text","text":{{{Json.Str("tool: mcp__tester__add {\"a\":40,\"b\":2}")}}}}]}""");

        Assert.Equal("end_turn", result.Text("stopReason"));
        var requests = home.Emulator.State.Requests.Where(r => r.Path == "/coding/v1/chat/completions").ToList();
        Assert.Contains("\"mcp__tester__add\"", requests[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("mcp__garbage__", requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"content\":\"42\"", requests[^1].Body, StringComparison.Ordinal);
        string notices = string.Concat(kimi.Client.DrainUpdates().Where(u => u.Tag() == "agent_message_chunk").Select(u => u.GetProperty("content").Text("text")));
        Assert.Contains("MCP server garbage (stdio", notices, StringComparison.Ordinal);
        Assert.Contains("did not finish starting within 4 s", notices, StringComparison.Ordinal);

        int serverPid = int.Parse(File.ReadAllText(pidFile), System.Globalization.CultureInfo.InvariantCulture);
        await kimi.Client.ResultAsync("session/close", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (Directory.Exists($"/proc/{serverPid}") && !File.ReadAllText($"/proc/{serverPid}/stat").Contains(") Z ", StringComparison.Ordinal))
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
