using KimiCode.Agent.Compaction;
using KimiCode.Agent.Tests.Sessions;
using KimiCode.Agent.Tests.Support;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tests.Compaction;

public sealed class CompactionTests
{
    // A 2,000-token window: compaction starts at 1,700 estimated tokens (85 %).
    private const int Window = 2_000;

    private const string ThreeTurns = """
        {"text":"answer one","usage":{"prompt_tokens":100}},
        {"text":"answer two","usage":{"prompt_tokens":200}},
        {"text":"answer three","usage":{"prompt_tokens":1800}}
        """;

    [Fact]
    public async Task RunTurn_ContextNearlyFull_SummarisesOlderTurnsThenAnswers()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script($$"""{"turns":[{{ThreeTurns}},{"text":"SUMMARY: the user asked one and two."},{"text":"answer four"}]}""");
        AgentSession session = await h.CreateSessionAsync(h.Options(contextWindowTokens: Window));
        foreach (string prompt in new[] { "prompt one", "prompt two", "prompt three" })
        {
            List<AgentEvent> plain = await AgentHarness.RunAsync(session, prompt);
            Assert.Empty(plain.OfType<CompactionStarted>());
        }

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "prompt four");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        int started = events.FindIndex(e => e is CompactionStarted);
        int finished = events.FindIndex(e => e is CompactionFinished);
        Assert.True(started >= 0 && finished > started && finished < events.FindIndex(e => e is TextDelta));
        Assert.Equal(new CompactionFinished(7, 4, true, null), events[finished]);

        var requests = h.ChatRequests();
        Assert.Equal(5, requests.Count);
        var summaryRequest = requests[3];
        Assert.False(summaryRequest.TryGetProperty("tools", out _));
        string summaryPrompt = string.Join("\n", AgentHarness.Messages(summaryRequest).Select(Wire.Content));
        Assert.Contains("prompt one", summaryPrompt, StringComparison.Ordinal);
        Assert.Contains("answer two", summaryPrompt, StringComparison.Ordinal);
        Assert.DoesNotContain("prompt three", summaryPrompt, StringComparison.Ordinal);

        var followUp = AgentHarness.Messages(requests[4]);
        Assert.Equal(["system", "user", "user", "assistant", "user"], followUp.Select(Wire.Role));
        Assert.Equal("Summary of the conversation so far: SUMMARY: the user asked one and two.", Wire.Content(followUp[1]));
        Assert.Equal("prompt three", Wire.Content(followUp[2]));
        Assert.Equal("answer three", Wire.Content(followUp[3]));
        Assert.Equal("prompt four", Wire.Content(followUp[4]));
        Assert.Equal(5, session.History.Count);
        Assert.Equal("answer four", session.History[^1].Text);

        // The compaction is recorded: a resumed session continues from the compacted history.
        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(contextWindowTokens: Window), session.Id, AgentHarness.Ct);
        Assert.Equal(ResumeTests.Describe(session.History), ResumeTests.Describe(resumed.History));
        Assert.Equal(5, h.Store.Get(session.Id)!.MessageCount);
    }

    [Fact]
    public async Task RunTurn_SummaryCallFails_HistoryUnchangedAndTurnContinues()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script($$"""{"turns":[{{ThreeTurns}},{"text":"answer four"}]}""");
        AgentSession session = await h.CreateSessionAsync(h.Options(contextWindowTokens: Window));
        foreach (string prompt in new[] { "prompt one", "prompt two", "prompt three" })
        {
            await AgentHarness.RunAsync(session, prompt);
        }

        h.State.InjectFault(new Emulator.EmulatorFault { Status = 400, Body = """{"error":{"message":"no summaries today","type":"invalid_request_error"}}""" });
        List<AgentEvent> events = await AgentHarness.RunAsync(session, "prompt four");

        CompactionFinished finished = Assert.Single(events.OfType<CompactionFinished>());
        Assert.False(finished.Succeeded);
        Assert.Equal(7, finished.MessagesBefore);
        Assert.Equal(7, finished.MessagesAfter);
        Assert.Contains("no summaries today", finished.Error, StringComparison.Ordinal);
        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal(
            ["prompt one", "answer one", "prompt two", "answer two", "prompt three", "answer three", "prompt four", "answer four"],
            session.History.Select(m => m.Text));
        Assert.Equal(["system", "user", "assistant", "user", "assistant", "user", "assistant", "user"], Wire.Shape(h.ChatRequests()[^1]));
    }

    [Fact]
    public async Task CompactAsync_OnDemand_ReplacesOlderTurnsWithSummary()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script("""{"turns":[{"text":"a1"},{"text":"a2"},{"text":"a3"},{"text":"Short summary."}]}""");
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "p1");
        await AgentHarness.RunAsync(session, "p2");
        await AgentHarness.RunAsync(session, "p3");

        CompactionResult result = await session.CompactAsync(AgentHarness.Ct);

        Assert.True(result.Succeeded, result.Error);
        Assert.Equal((6, 5, "Short summary."), (result.MessagesBefore, result.MessagesAfter, result.Summary));
        Assert.Equal(["Summary of the conversation so far: Short summary.", "p2", "a2", "p3", "a3"], session.History.Select(m => m.Text));
    }

    [Fact]
    public async Task CompactAsync_WithFocus_SummaryRequestCarriesTheUsersWord()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script("""{"turns":[{"text":"a1"},{"text":"a2"},{"text":"a3"},{"text":"Short summary."},{"text":"Other summary."}]}""");
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "p1");
        await AgentHarness.RunAsync(session, "p2");
        await AgentHarness.RunAsync(session, "p3");

        CompactionResult result = await session.CompactAsync("keep the API design decisions", AgentHarness.Ct);

        Assert.True(result.Succeeded, result.Error);
        string summaryRequest = h.ChatRequests()[^1].GetRawText();
        Assert.Contains("The user asks that the summary focus on this: keep the API design decisions", summaryRequest, StringComparison.Ordinal);
        Assert.DoesNotContain("focus on this", h.ChatRequests()[^2].GetRawText(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task CompactAsync_EmptySummary_FailsAndKeepsHistory()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script("""{"turns":[{"text":"a1"},{"text":"a2"},{"text":"a3"},{"text":""}]}""");
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "p1");
        await AgentHarness.RunAsync(session, "p2");
        await AgentHarness.RunAsync(session, "p3");
        var before = ResumeTests.Describe(session.History);

        CompactionResult result = await session.CompactAsync(AgentHarness.Ct);

        Assert.False(result.Succeeded);
        Assert.Contains("empty summary", result.Error, StringComparison.Ordinal);
        Assert.Equal(before, ResumeTests.Describe(session.History));
        AgentSession resumed = await AgentSession.ResumeAsync(h.Options(), session.Id, AgentHarness.Ct);
        Assert.Equal(before, ResumeTests.Describe(resumed.History));
    }

    [Fact]
    public async Task CompactAsync_OnlyTwoTurns_NothingToCompact()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "p1");
        await AgentHarness.RunAsync(session, "p2");

        CompactionResult result = await session.CompactAsync(AgentHarness.Ct);

        Assert.False(result.Succeeded);
        Assert.Contains("Nothing to compact", result.Error, StringComparison.Ordinal);
        Assert.Equal(2, h.State.ChatCount);
    }

    [Fact]
    public void FindCut_KeepsLastTwoUserTurnsAndNeverSplitsToolCalls()
    {
        List<ChatMessage> history =
        [
            new(ChatRole.User, "p1"),
            new(ChatRole.Assistant, [new FunctionCallContent("c1", "Read")]),
            new(ChatRole.Tool, [new FunctionResultContent("c1", "x")]),
            new(ChatRole.Assistant, "a1"),
            new(ChatRole.User, "p2"),
            new(ChatRole.Assistant, [new FunctionCallContent("c2", "Read")]),
            new(ChatRole.Tool, [new FunctionResultContent("c2", "y")]),
            new(ChatRole.User, "p3"),
        ];

        Assert.Equal(4, Compactor.FindCut(history));
        Assert.Equal(0, Compactor.FindCut(history[4..]));
    }

    [Theory]
    [InlineData(262_144, 200_000, false)]
    [InlineData(262_144, 222_823, true)] // 85 % of the window
    [InlineData(262_144, 212_200, true)] // less than 50,000 left
    [InlineData(2_000, 1_499, false)]
    [InlineData(2_000, 1_501, true)] // the reserve is capped at a quarter of a small window
    public void ShouldCompact_ThresholdAndReserve(int window, long estimate, bool expected)
    {
        Assert.Equal(expected, Compactor.ShouldCompact(estimate, window, 50_000));
    }
}
