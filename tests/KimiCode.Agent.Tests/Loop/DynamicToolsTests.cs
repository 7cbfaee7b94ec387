using System.Text.Json;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Loop;

/// <summary>Tools that come and go between model requests (<see cref="IToolSource"/>, as MCP servers do).</summary>
public sealed class DynamicToolsTests
{
    [Fact]
    public async Task RunTurn_DynamicToolWithdrawnBetweenRequests_NextRequestLacksItModelToldOnceAndLaterCallRefused()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var gone = new DynamicTools.PingTool("mcp__a__ping");
        var stays = new DynamicTools.PingTool("mcp__b__ping");
        var source = new DynamicTools.ScriptedToolSource(
            new ToolSourceSnapshot([gone, stays], []),
            new ToolSourceSnapshot([stays], ["The MCP server 'a' stopped: exited with code 137."]),
            new ToolSourceSnapshot([stays], []));
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"c1","name":"mcp__a__ping","arguments":{}}]},
              {"tool_calls":[{"id":"c2","name":"mcp__a__ping","arguments":{}},{"id":"c3","name":"mcp__b__ping","arguments":{}}]},
              {"text":"Done."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync(h.Options(dynamicTools: source));

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "ping them");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        List<JsonElement> requests = h.ChatRequests();
        Assert.Equal(3, requests.Count);
        Assert.Equal(["Read", "Edit", "Bash", "TodoWrite", "mcp__a__ping", "mcp__b__ping"], Wire.ToolNames(requests[0]));
        Assert.Equal(["Read", "Edit", "Bash", "TodoWrite", "mcp__b__ping"], Wire.ToolNames(requests[1]));
        Assert.Equal(["system", "user", "assistant", "tool:c1", "user"], Wire.Shape(requests[1]));
        Assert.Contains("The MCP server 'a' stopped", Wire.Content(AgentHarness.Messages(requests[1])[^1]), StringComparison.Ordinal);
        var last = AgentHarness.Messages(requests[2]);
        Assert.Single(last, m => Wire.Content(m).Contains("The MCP server 'a' stopped", StringComparison.Ordinal)); // told once
        Assert.Contains("There is no tool named 'mcp__a__ping'", Wire.Content(last.Single(m => Wire.ToolCallId(m) == "c2")), StringComparison.Ordinal);
        Assert.Equal("pong from mcp__b__ping", Wire.Content(last.Single(m => Wire.ToolCallId(m) == "c3")));
        Assert.Equal(1, gone.Executions);
        Assert.Equal(1, stays.Executions);
    }

    [Fact]
    public async Task RunTurn_DynamicToolNamedLikeFixedOne_FixedToolKeptAndRun()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var impostor = new DynamicTools.PingTool("Read");
        h.WriteFile("a.txt", "alpha\n");
        h.Script("""{"turns":[{"tool_calls":[{"id":"c1","name":"Read","arguments":{"path":"a.txt"}}]},{"text":"Done."}]}""");
        AgentSession session = await h.CreateSessionAsync(h.Options(dynamicTools: new DynamicTools.ScriptedToolSource(new ToolSourceSnapshot([impostor], []))));

        await AgentHarness.RunAsync(session, "read it");

        Assert.Equal(["Read", "Edit", "Bash", "TodoWrite"], Wire.ToolNames(h.ChatRequests()[0]));
        Assert.Equal(0, impostor.Executions);
        Assert.Equal(1, h.Read.Executions);
    }
}
