using KimiCode.Agent.Permissions;
using System.Text;
using System.Text.Json;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;
using KimiCode.Protocol;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tests.Sessions;

public sealed class ResumeTests
{
    [Fact]
    public async Task Resume_AfterTurns_RestoresTheSameHistoryAndContinues()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "alpha");
        h.Prompter.Answer(PermissionAnswer.AllowOnce);
        h.Script("""
            {"turns":[
              {"thinking":"read then edit","tool_calls":[{"id":"c1","name":"Read","arguments":{"path":"a.txt"}}]},
              {"tool_calls":[{"id":"c2","name":"Edit","arguments":{"path":"a.txt","old_string":"alpha","new_string":"beta"}}]},
              {"text":"Changed."},
              {"text":"Still here."}
            ]}
            """);
        AgentSession first = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(first, "change it");

        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(), first.Id, AgentHarness.Ct);

        Assert.Equal(first.Id, resumed.Id);
        Assert.Equal(Describe(first.History), Describe(resumed.History));
        var edit = resumed.History[3].Contents.OfType<FunctionCallContent>().Single();
        Assert.Equal("beta", ((JsonElement)edit.Arguments!["new_string"]!).GetString());
        var editResult = resumed.History[4].Contents.OfType<FunctionResultContent>().Single();
        Assert.IsType<DiffDisplay>(((ToolResult)editResult.RawRepresentation!).Display);

        List<AgentEvent> events = await AgentHarness.RunAsync(resumed, "anything else?");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        var last = h.ChatRequests()[^1];
        Assert.Equal(["system", "user", "assistant", "tool:c1", "assistant", "tool:c2", "assistant", "user"], Wire.Shape(last));
        Assert.Equal("read then edit", AgentHarness.Messages(last)[2].GetProperty("reasoning_content").GetString());
        Assert.Equal(first.Id, last.GetProperty("prompt_cache_key").GetString());
    }

    /// <summary>One finished turn: the model reads a.txt ("alpha") and answers; returns the session and its context file.</summary>
    private static async Task<(AgentSession Session, string File)> ReadAlphaOnceAsync(AgentHarness h)
    {
        h.WriteFile("a.txt", "alpha");
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"c1","name":"Read","arguments":{"path":"a.txt"}}]},
              {"text":"It says alpha."}
            ]}
            """);
        AgentSession first = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(first, "read a.txt");
        string file = Path.Combine(h.Store.WorkspaceDirectory(h.WorkDir), first.Id, SessionStore.ContextFileName);
        return (first, file);
    }

    [Fact]
    public async Task Resume_ResultWrittenAfterAnotherWritersPrompt_KeepsTheRealResultNotInterrupted()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        (AgentSession first, string file) = await ReadAlphaOnceAsync(h);

        // Two writers interleaved: the other shell's prompt landed between this call and its result.
        string[] lines = File.ReadAllLines(file);
        int call = Array.FindIndex(lines, l => l.Contains("\"tool_call\"", StringComparison.Ordinal));
        int prompt = Array.FindIndex(lines, l => l.Contains("\"message\"", StringComparison.Ordinal) && l.Contains("read a.txt", StringComparison.Ordinal));
        string[] interleaved = [.. lines[..(call + 1)], lines[prompt], .. lines[(call + 1)..]];
        File.WriteAllText(file, string.Join('\n', interleaved) + "\n");

        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(), first.Id, AgentHarness.Ct);

        var result = resumed.History[2].Contents.OfType<FunctionResultContent>().Single();
        Assert.Equal("c1", result.CallId);
        Assert.DoesNotContain("interrupted", result.Result?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Contains("alpha", result.Result?.ToString() ?? "", StringComparison.Ordinal);
        Assert.Equal(ChatRole.User, resumed.History[3].Role);
    }

    [Fact]
    public async Task Resume_TornLastLineAndDanglingCall_RepairsAndNextTurnIsAccepted()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        (AgentSession first, string file) = await ReadAlphaOnceAsync(h);

        // Simulate a crash: keep everything up to the assistant's tool call, then half of the next record.
        string[] lines = File.ReadAllLines(file);
        int call = Array.FindIndex(lines, l => l.Contains("\"tool_call\"", StringComparison.Ordinal));
        string torn = lines[call + 1][..(lines[call + 1].Length / 2)];
        File.WriteAllText(file, string.Join('\n', lines[..(call + 1)]) + "\n" + torn);

        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(), first.Id, AgentHarness.Ct);

        Assert.Equal([ChatRole.User, ChatRole.Assistant, ChatRole.Tool], resumed.History.Select(m => m.Role));
        var repaired = resumed.History[2].Contents.OfType<FunctionResultContent>().Single();
        Assert.Equal("c1", repaired.CallId);
        Assert.Contains("interrupted", (string)repaired.Result!, StringComparison.Ordinal);
        string content = File.ReadAllText(file);
        Assert.EndsWith("\n", content, StringComparison.Ordinal);
        Assert.DoesNotContain(torn + "\n", content, StringComparison.Ordinal);
        Assert.All(content.Split('\n', StringSplitOptions.RemoveEmptyEntries), l => JsonDocument.Parse(l).Dispose());

        List<AgentEvent> events = await AgentHarness.RunAsync(resumed, "go on");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal(200, h.ChatStatuses()[^1]);
        Assert.Equal(["system", "user", "assistant", "tool:c1", "user"], Wire.Shape(h.ChatRequests()[^1]));

        // The repair was recorded, so a second resume sees the same history plus the new turn.
        AgentSession again = await AgentSession.ResumeAsync(h.Options(), first.Id, AgentHarness.Ct);
        Assert.Equal(Describe(resumed.History), Describe(again.History));
    }

    [Fact]
    public async Task Resume_UnknownId_ThrowsSessionNotFound()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();

        var error = await Assert.ThrowsAsync<KimiCodeException>(() => AgentSession.ResumeAsync(h.Options(), Guid.NewGuid().ToString(), AgentHarness.Ct));

        Assert.Equal(SessionErrorCodes.NotFound, error.Code);
        Assert.Contains("new session", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_CancelledTurn_HistoryOnDiskMatchesMemory()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Policy.Mode = PermissionMode.Yolo;
        h.Script("""{"turns":[{"text":"Starting.","tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"sleep"}}]}]}""");
        AgentSession session = await h.CreateSessionAsync();
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(AgentHarness.Ct);
        await foreach (AgentEvent agentEvent in session.RunTurnAsync("wait", cts.Token))
        {
            if (agentEvent is ToolCallStarted)
            {
                await h.Bash.Started.Task.WaitAsync(TestTimeouts.Default, AgentHarness.Ct);
                await cts.CancelAsync();
            }
        }

        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(), session.Id, AgentHarness.Ct);

        Assert.Equal(Describe(session.History), Describe(resumed.History));
        Assert.Contains("cancelled by the user", Describe(resumed.History)[^1], StringComparison.Ordinal);
    }

    /// <summary>A comparable picture of a history: role and every content, one string per message.</summary>
    internal static List<string> Describe(IReadOnlyList<ChatMessage> history) =>
        [.. history.Select(m =>
        {
            var text = new StringBuilder(m.Role.Value);
            foreach (AIContent content in m.Contents)
            {
                text.Append(" | ").Append(content switch
                {
                    TextContent t => "text:" + t.Text,
                    TextReasoningContent r => "thinking:" + r.Text,
                    FunctionCallContent c => $"call:{c.CallId}:{c.Name}:{Loop.HistoryContentAccess.Arguments(c)}",
                    FunctionResultContent r => $"result:{r.CallId}:{r.Result}",
                    _ => content.GetType().Name,
                });
            }

            return text.ToString();
        })];
}
