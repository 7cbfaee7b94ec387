using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.Support;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tests.Loop;

public sealed class CancellationTests
{
    [Fact]
    public async Task RunTurn_CancelledDuringRunningTool_EndsCancelledAndNextTurnIsAccepted()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Policy.Mode = PermissionMode.Yolo;
        h.WriteFile("a.txt", "alpha");
        h.Script("""
            {"turns":[{"text":"Running it.","tool_calls":[
              {"id":"r1","name":"Read","arguments":{"path":"a.txt"}},
              {"id":"b1","name":"Bash","arguments":{"command":"sleep 600"}},
              {"id":"r2","name":"Read","arguments":{"path":"a.txt"}}]}]}
            """);
        AgentSession session = await h.CreateSessionAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(AgentHarness.Ct);

        var events = new List<AgentEvent>();
        await foreach (AgentEvent agentEvent in session.RunTurnAsync("run the long thing", cts.Token))
        {
            events.Add(agentEvent);
            if (agentEvent is ToolCallStarted { CallId: "r2" })
            {
                await h.Bash.Started.Task.WaitAsync(TestTimeouts.Default, AgentHarness.Ct);
                await cts.CancelAsync();
            }
        }

        Assert.Equal(new TurnEnded(StopReason.Cancelled), events[^1]);
        Assert.True(h.Bash.Cancelled.Task.IsCompleted);
        var results = events.OfType<ToolCallFinished>().ToDictionary(e => e.CallId, e => e.Result);
        Assert.Equal("alpha", results["r1"].Content);
        Assert.Equal(ToolCallBatchMessages.Cancelled, results["b1"].Content);
        Assert.Equal(ToolCallBatchMessages.Cancelled, results["r2"].Content); // queued behind the command, never ran
        Assert.Equal(1, h.Read.Executions);
        Assert.Equal(
            [ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Tool, ChatRole.Tool],
            session.History.Select(m => m.Role));
        Assert.Equal("Running it.", session.History[1].Text);

        // The emulator rejects a tool call without a result: this turn only works if the history is complete.
        List<AgentEvent> next = await AgentHarness.RunAsync(session, "never mind");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), next[^1]);
        Assert.Equal(200, h.ChatStatuses()[^1]);
        var last = h.ChatRequests()[^1];
        Assert.Equal(["system", "user", "assistant", "tool:r1", "tool:b1", "tool:r2", "user"], Wire.Shape(last));
        Assert.Contains("cancelled by the user", Wire.Content(AgentHarness.Messages(last)[4]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_CancelledWhileStreaming_KeepsPartialTextAndDoesNotThrow()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string longText = string.Concat(Enumerable.Repeat("word ", 200));
        h.Script($$"""{"turns":[{"text":"{{longText}}","chunk_size":5,"delay_ms":20}]}""");
        AgentSession session = await h.CreateSessionAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(AgentHarness.Ct);

        var events = new List<AgentEvent>();
        await foreach (AgentEvent agentEvent in session.RunTurnAsync("talk", cts.Token))
        {
            events.Add(agentEvent);
            if (agentEvent is TextDelta && events.OfType<TextDelta>().Count() == 2)
            {
                await cts.CancelAsync();
            }
        }

        Assert.Equal(new TurnEnded(StopReason.Cancelled), events[^1]);
        string streamed = string.Concat(events.OfType<TextDelta>().Select(e => e.Text));
        Assert.Equal([ChatRole.User, ChatRole.Assistant], session.History.Select(m => m.Role));
        Assert.Equal(streamed, session.History[1].Text);
        Assert.True(streamed.Length < longText.Length);
        Assert.StartsWith("word word ", streamed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_ConsumerStopsEarly_TurnIsCancelledAndSessionUsable()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Policy.Mode = PermissionMode.Yolo;
        h.Script("""{"turns":[{"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"serve"}}]}]}""");
        AgentSession session = await h.CreateSessionAsync();

        await foreach (AgentEvent agentEvent in session.RunTurnAsync("start the server", AgentHarness.Ct))
        {
            if (agentEvent is ToolCallStarted)
            {
                await h.Bash.Started.Task.WaitAsync(TestTimeouts.Default, AgentHarness.Ct);
                break;
            }
        }

        Assert.True(h.Bash.Cancelled.Task.IsCompleted);
        Assert.Equal(ChatRole.Tool, session.History[^1].Role);
        List<AgentEvent> next = await AgentHarness.RunAsync(session, "status?");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), next[^1]);
    }

    [Fact]
    public async Task RunTurn_CancelledBeforeStart_EndsCancelledWithPromptRecorded()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await h.CreateSessionAsync();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        List<AgentEvent> events = await AgentHarness.CollectAsync(session.RunTurnAsync("hi", cts.Token));

        Assert.Equal(new TurnEnded(StopReason.Cancelled), events[^1]);
        Assert.Equal(0, h.State.ChatCount);
        Assert.Equal([ChatRole.User], session.History.Select(m => m.Role));
    }
}

/// <summary>The messages the tests compare against.</summary>
internal static class ToolCallBatchMessages
{
    public const string Cancelled = KimiCode.Agent.Loop.ToolCallBatch.CancelledMessage;
}
