using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tests.Loop;

public sealed class AgentLoopTests
{
    [Fact]
    public async Task RunTurn_ParallelReadsThenEdit_SendsResultsInCallOrderAndEditsFile()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "alpha\n");
        h.WriteFile("b.txt", "beta\n");
        h.Read.RequiredConcurrency = 2; // both reads must be running at the same time, or they time out
        h.Prompter.Answer(PermissionAnswer.AllowOnce);
        h.Script("""
            {"turns":[
              {"thinking":"I need both files","tool_calls":[
                {"id":"c1","name":"Read","arguments":{"path":"a.txt"}},
                {"id":"c2","name":"Read","arguments":{"path":"b.txt"}}]},
              {"text":"Editing.","tool_calls":[{"id":"c3","name":"Edit","arguments":{"path":"a.txt","old_string":"alpha","new_string":"ALPHA"}}]},
              {"text":"Done."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "Uppercase alpha in a.txt");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.IsType<TurnStarted>(events[0]);
        Assert.Equal("ALPHA\n", h.ReadFile("a.txt"));
        Assert.Equal(2, h.Read.Executions);
        Assert.Equal(1, h.Edit.Executions);
        Assert.True(h.Log.IndexOf("start Edit a.txt") > h.Log.IndexOf("end Read a.txt"));
        Assert.True(h.Log.IndexOf("start Edit a.txt") > h.Log.IndexOf("end Read b.txt"));

        List<System.Text.Json.JsonElement> requests = h.ChatRequests();
        Assert.Equal(3, requests.Count);
        Assert.Equal(["system", "user"], Wire.Shape(requests[0]));
        Assert.Equal(["Read", "Edit", "Bash", "TodoWrite"], Wire.ToolNames(requests[0]));
        Assert.Equal(session.Id, requests[0].GetProperty("prompt_cache_key").GetString());
        Assert.Equal(["system", "user", "assistant", "tool:c1", "tool:c2"], Wire.Shape(requests[1]));
        var second = AgentHarness.Messages(requests[1]);
        Assert.Equal(["c1", "c2"], Wire.ToolCallIds(second[2]));
        Assert.Equal("alpha\n", Wire.Content(second[3]));
        Assert.Equal("beta\n", Wire.Content(second[4]));
        Assert.Equal(["system", "user", "assistant", "tool:c1", "tool:c2", "assistant", "tool:c3"], Wire.Shape(requests[2]));
        Assert.Equal("Edited a.txt", Wire.Content(AgentHarness.Messages(requests[2])[6]));

        Assert.Equal(
            [ChatRole.User, ChatRole.Assistant, ChatRole.Tool, ChatRole.Tool, ChatRole.Assistant, ChatRole.Tool, ChatRole.Assistant],
            session.History.Select(m => m.Role));
        Assert.Equal("Done.", session.History[^1].Text);

        Assert.Equal("I need both files", string.Concat(events.OfType<ThinkingDelta>().Select(e => e.Text)));
        Assert.Equal("Editing.Done.", string.Concat(events.OfType<TextDelta>().Select(e => e.Text)));
        ToolCallStarted edit = Assert.Single(events.OfType<ToolCallStarted>(), e => e.CallId == "c3");
        Assert.Equal(ToolKind.Edit, edit.Kind);
        Assert.Equal("Edit a.txt", edit.Title);
        Assert.Equal([Path.Combine(h.WorkDir, "a.txt")], edit.Locations);
        Assert.Contains("\"old_string\":\"alpha\"", edit.ArgumentsJson, StringComparison.Ordinal);
        PermissionRequested asked = Assert.Single(events.OfType<PermissionRequested>());
        Assert.Equal("c3", asked.CallId);
        Assert.Equal(new PermissionResolved("c3", PermissionAnswer.AllowOnce), Assert.Single(events.OfType<PermissionResolved>()));
        Assert.IsType<DiffDisplay>(Assert.Single(events.OfType<ToolCallFinished>(), e => e.CallId == "c3").Result.Display);
        Assert.Equal(3, events.OfType<UsageReported>().Count());
    }

    [Fact]
    public async Task RunTurn_UserRejectsEdit_ModelSeesDenialAndWorksAround()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "alpha\n");
        h.Prompter.Answer(PermissionAnswer.Reject);
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"e1","name":"Edit","arguments":{"path":"a.txt","old_string":"alpha","new_string":"omega"}}]},
              {"text":"I may not edit, so I will only read it.","tool_calls":[{"id":"r1","name":"Read","arguments":{"path":"a.txt"}}]},
              {"text":"The file says alpha; I left it unchanged."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "Change alpha to omega");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal("alpha\n", h.ReadFile("a.txt"));
        Assert.Equal(0, h.Edit.Executions);
        Assert.Equal(1, h.Read.Executions);
        PermissionRequest request = Assert.Single(h.Prompter.Requests);
        Assert.Equal("Edit", request.ToolName);
        Assert.Equal(PermissionAction.Edit, request.Action);
        Assert.Equal("Edit changes things", request.Reason);
        Assert.Equal(new PermissionResolved("e1", PermissionAnswer.Reject), Assert.Single(events.OfType<PermissionResolved>()));
        ToolCallFinished denied = Assert.Single(events.OfType<ToolCallFinished>(), e => e.CallId == "e1");
        Assert.True(denied.Result.IsError);
        Assert.Contains("The user denied", denied.Result.Content, StringComparison.Ordinal);

        var requests = h.ChatRequests();
        Assert.Equal(3, requests.Count);
        var toolMessage = AgentHarness.Messages(requests[1])[^1];
        Assert.Equal("e1", Wire.ToolCallId(toolMessage));
        Assert.StartsWith("Error: The user denied the Edit call (Edit a.txt)", Wire.Content(toolMessage), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_ToolCallRunning_ComesAfterApprovalAndOnlyForCallsThatRun()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "alpha\n");
        h.Prompter.Answer(PermissionAnswer.AllowOnce);
        h.Policy.Denied["Bash"] = "plan mode is read-only";
        h.Script("""
            {"turns":[
              {"tool_calls":[
                {"id":"r1","name":"Read","arguments":{"path":"a.txt"}},
                {"id":"e1","name":"Edit","arguments":{"path":"a.txt","old_string":"alpha","new_string":"omega"}},
                {"id":"b1","name":"Bash","arguments":{"command":"rm -rf build"}}]},
              {"text":"done"}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "go");

        Assert.Equal(["e1", "r1"], events.OfType<ToolCallRunning>().Select(e => e.CallId).Order(StringComparer.Ordinal));
        int IndexOf(Func<AgentEvent, bool> match) => events.FindIndex(e => match(e));
        foreach (string id in new[] { "r1", "e1" })
        {
            int started = IndexOf(e => e is ToolCallStarted s && s.CallId == id);
            int running = IndexOf(e => e is ToolCallRunning r && r.CallId == id);
            int finished = IndexOf(e => e is ToolCallFinished f && f.CallId == id);
            Assert.True(started < running && running < finished, id);
        }

        Assert.True(IndexOf(e => e is PermissionResolved { CallId: "e1" }) < IndexOf(e => e is ToolCallRunning { CallId: "e1" }));
    }

    [Fact]
    public async Task RunTurn_PolicyDenies_ModelGetsReasonWithoutAsking()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Policy.Denied["Bash"] = "plan mode is read-only";
        h.Script("""
            {"turns":[{"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"rm -rf build"}}]},{"text":"ok"}]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "clean");

        Assert.Empty(h.Prompter.Requests);
        Assert.Empty(events.OfType<PermissionRequested>());
        Assert.Equal(0, h.Bash.Executions);
        ToolCallFinished result = Assert.Single(events.OfType<ToolCallFinished>());
        Assert.Contains("plan mode is read-only", result.Result.Content, StringComparison.Ordinal);
        Assert.Contains("plan mode is read-only", Wire.Content(AgentHarness.Messages(h.ChatRequests()[1])[^1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_AllowForSession_GrantsAndDoesNotAskAgain()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "one two\n");
        h.Prompter.Answer(PermissionAnswer.AllowForSession);
        h.Script("""
            {"turns":[
              {"tool_calls":[
                {"id":"e1","name":"Edit","arguments":{"path":"a.txt","old_string":"one","new_string":"1"}},
                {"id":"e2","name":"Edit","arguments":{"path":"a.txt","old_string":"two","new_string":"2"}}]},
              {"text":"done"}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "number them");

        Assert.Equal("1 2\n", h.ReadFile("a.txt"));
        Assert.Single(h.Prompter.Requests);
        Assert.Contains("Edit", h.Policy.Granted);
        Assert.Equal(["e1", "e2"], events.OfType<ToolCallFinished>().Select(e => e.CallId));
        Assert.All(events.OfType<ToolCallFinished>(), e => Assert.False(e.Result.IsError));
    }

    [Fact]
    public async Task RunTurn_UnknownToolAndBrokenArguments_BecomeToolErrorsTheModelSees()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script("""
            {"turns":[
              {"tool_calls":[
                {"id":"u1","name":"Teleport","arguments":{"to":"mars"}},
                {"id":"b1","name":"Read","arguments":"{\"path\": \"a.txt\""},
                {"id":"p1","name":"Read","arguments":{"file":"a.txt"}}]},
              {"text":"Sorry."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "go");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal(0, h.Read.Executions);
        var results = events.OfType<ToolCallFinished>().ToDictionary(e => e.CallId, e => e.Result);
        Assert.All(results.Values, r => Assert.True(r.IsError));
        Assert.Contains("no tool named 'Teleport'", results["u1"].Content, StringComparison.Ordinal);
        Assert.Contains("Read", results["u1"].Content, StringComparison.Ordinal);
        Assert.Contains("not valid JSON", results["b1"].Content, StringComparison.Ordinal);
        Assert.Equal("Read needs a 'path' string argument.", results["p1"].Content);

        var second = h.ChatRequests()[1];
        Assert.Equal(["system", "user", "assistant", "tool:u1", "tool:b1", "tool:p1"], Wire.Shape(second));
        Assert.Contains("no tool named 'Teleport'", Wire.Content(AgentHarness.Messages(second)[3]), StringComparison.Ordinal);
        Assert.Equal(200, h.ChatStatuses()[1]);
    }

    [Fact]
    public async Task RunTurn_ToolThrows_BecomesToolErrorAndTurnContinues()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"x1","name":"Explode","arguments":{}},{"id":"x2","name":"Fragile","arguments":{}}]},
              {"text":"Both failed."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync(h.Options(tools: [new ThrowingTool("Explode", throwInPrepare: false), new ThrowingTool("Fragile", throwInPrepare: true)]));

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "try");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        var results = events.OfType<ToolCallFinished>().ToDictionary(e => e.CallId, e => e.Result);
        Assert.Equal("The Explode tool failed: disk on fire", results["x1"].Content);
        Assert.Contains("prepare exploded", results["x2"].Content, StringComparison.Ordinal);
        Assert.Equal("Both failed.", session.History[^1].Text);
    }

    [Fact]
    public async Task RunTurn_SameCallRepeated_ThirdIsRefusedAndFifthEndsTurn()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "same\n");
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"r1","name":"Read","arguments":{"path":"a.txt"}}]},
              {"tool_calls":[{"id":"r2","name":"Read","arguments":{"path":"a.txt"}}]},
              {"tool_calls":[{"id":"r3","name":"Read","arguments":{"path":"a.txt"}}]},
              {"tool_calls":[{"id":"r4","name":"Read","arguments":{"path":"a.txt"}}]},
              {"tool_calls":[{"id":"r5","name":"Read","arguments":{"path":"a.txt"}}]},
              {"text":"I am stuck."},
              {"text":"Fine."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "read a.txt");

        Assert.Equal(new TurnEnded(StopReason.RepeatedToolCall), events[^1]);
        Assert.Equal(2, h.Read.Executions);
        Assert.Equal(5, h.ChatRequests().Count);
        var results = events.OfType<ToolCallFinished>().ToDictionary(e => e.CallId, e => e.Result);
        Assert.False(results["r2"].IsError);
        Assert.Contains("identical to the previous 2 calls", results["r3"].Content, StringComparison.Ordinal);
        Assert.Contains("try something else", results["r4"].Content, StringComparison.Ordinal);
        Assert.Contains("Not run", results["r5"].Content, StringComparison.Ordinal);

        // The history is complete, so the next turn is accepted.
        List<AgentEvent> next = await AgentHarness.RunAsync(session, "ok, stop");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), next[^1]);
        Assert.Equal(200, h.ChatStatuses()[^1]);
        Assert.Equal("tool:r5", Wire.Shape(h.ChatRequests()[^1])[^2]);
    }

    [Fact]
    public async Task RunTurn_DifferentArgumentsBetweenRepeats_ResetsTheCount()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "a");
        h.WriteFile("b.txt", "b");
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"r1","name":"Read","arguments":{"path":"a.txt"}},{"id":"r2","name":"Read","arguments":{"path":"a.txt"}}]},
              {"tool_calls":[{"id":"r3","name":"Read","arguments":{"path":"b.txt"}},{"id":"r4","name":"Read","arguments":{"path":"a.txt"}}]},
              {"text":"done"}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "read");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal(4, h.Read.Executions);
    }

    [Fact]
    public async Task RunTurn_StepLimit_EndsWithMaxStepsAndHistoryStaysValid()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "a");
        h.WriteFile("b.txt", "b");
        h.WriteFile("c.txt", "c");
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"s1","name":"Read","arguments":{"path":"a.txt"}}]},
              {"tool_calls":[{"id":"s2","name":"Read","arguments":{"path":"b.txt"}}]},
              {"text":"Continuing where I stopped."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync(h.Options(maxStepsPerTurn: 2));

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "read everything");

        Assert.Equal(new TurnEnded(StopReason.MaxSteps), events[^1]);
        Assert.Equal(2, h.State.ChatCount);
        Assert.Equal(ChatRole.Tool, session.History[^1].Role);

        List<AgentEvent> next = await AgentHarness.RunAsync(session, "continue");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), next[^1]);
        Assert.Equal(200, h.ChatStatuses()[^1]);
    }

    [Fact]
    public async Task RunTurn_AccessTerminated_ReportsErrorAndNextTurnWorks()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.State.InjectFault(new Emulator.EmulatorFault
        {
            Status = 403,
            Body = """{"error":{"message":"Kimi For Coding is currently only available for Coding Agents such as Kimi CLI, Claude Code, Roo Code, Kilo Code, etc.","type":"access_terminated_error"}}""",
        });
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "hello");

        Assert.Equal(new TurnEnded(StopReason.Error), events[^1]);
        AgentError error = Assert.Single(events.OfType<AgentError>());
        Assert.Equal("provider.access_terminated", error.Code);
        Assert.False(error.Retryable);
        Assert.Contains("X-Msh-Platform", error.Message, StringComparison.Ordinal);
        Assert.Equal([ChatRole.User], session.History.Select(m => m.Role));

        List<AgentEvent> next = await AgentHarness.RunAsync(session, "hello again");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), next[^1]);
        Assert.Equal("Echo: hello again", string.Concat(next.OfType<TextDelta>().Select(e => e.Text)));
        Assert.Equal(["system", "user", "user"], Wire.Shape(h.ChatRequests()[^1]));
    }

    [Fact]
    public async Task RunTurn_StreamCutAfterOutput_ReportsErrorKeepsPartialTextAndNextTurnWorks()
    {
        // Retries are enabled: a stream that breaks after output must still surface, never be replayed.
        await using AgentHarness h = await AgentHarness.StartAsync(new Provider.RetryOptions { MaxAttempts = 3 }, new InstantTimeProvider());
        h.Script("""{"turns":[{"text":"Hello world, this answer is cut.","chunk_size":4}]}""");
        h.State.InjectFault(new Emulator.EmulatorFault { CutStreamAfterChunks = 3 });
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "greet");

        Assert.Equal(new TurnEnded(StopReason.Error), events[^1]);
        Assert.Equal("provider.stream_interrupted", Assert.Single(events.OfType<AgentError>()).Code);
        Assert.Equal(1, h.State.ChatCount);
        string streamed = string.Concat(events.OfType<TextDelta>().Select(e => e.Text));
        Assert.StartsWith("Hell", streamed, StringComparison.Ordinal);
        Assert.Equal([ChatRole.User, ChatRole.Assistant], session.History.Select(m => m.Role));
        Assert.Equal(streamed, session.History[1].Text);

        List<AgentEvent> next = await AgentHarness.RunAsync(session, "again");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), next[^1]);
        Assert.Equal(["system", "user", "assistant", "user"], Wire.Shape(h.ChatRequests()[^1]));
    }

    [Fact]
    public async Task RunTurn_TransientFailure_ReportsRetryAndSucceeds()
    {
        var clock = new InstantTimeProvider();
        await using AgentHarness h = await AgentHarness.StartAsync(new Provider.RetryOptions { MaxAttempts = 3, BaseDelay = TimeSpan.FromSeconds(2), Jitter = false }, clock);
        h.State.InjectFault(new Emulator.EmulatorFault { Status = 500 });
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "hi");

        RetryScheduled scheduled = Assert.Single(events.OfType<RetryScheduled>());
        Assert.Equal(2, scheduled.Attempt);
        Assert.Equal(500, scheduled.StatusCode);
        Assert.Equal("provider.server", scheduled.Code);
        Assert.Equal(TimeSpan.FromSeconds(2), scheduled.Delay);
        Assert.Contains(TimeSpan.FromSeconds(2), clock.Delays);
        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal("Echo: hi", session.History[^1].Text);
    }

    [Fact]
    public async Task RunTurn_TodoWrite_EmitsPlanUpdatedAndUsage()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script("""
            {"turns":[
              {"tool_calls":[{"id":"t1","name":"TodoWrite","arguments":{"todos":[{"content":"Read code","status":"completed"},{"content":"Fix bug","status":"in_progress"}]}}],
               "usage":{"prompt_tokens":1234,"completion_tokens":56,"cached_tokens":1000}},
              {"text":"Planned."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "plan it");

        PlanUpdated plan = Assert.Single(events.OfType<PlanUpdated>());
        Assert.Equal([new TodoItem("Read code", "completed"), new TodoItem("Fix bug", "in_progress")], plan.Items);
        Assert.Equal(new UsageReported(1234, 56, 1000), events.OfType<UsageReported>().First());
        Assert.True(events.IndexOf(plan) > events.FindIndex(e => e is ToolCallStarted));
    }

    [Fact]
    public async Task RunTurn_ToolProgress_IsReportedAsToolCallUpdated()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Policy.Mode = PermissionMode.Yolo;
        h.Bash.Release.SetResult("built");
        h.Script("""{"turns":[{"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"make"}}]},{"text":"ok"}]}""");
        AgentSession session = await h.CreateSessionAsync();

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "build");

        Assert.Equal(new ToolCallUpdated("b1", "running make"), Assert.Single(events.OfType<ToolCallUpdated>()));
        int updated = events.FindIndex(e => e is ToolCallUpdated);
        Assert.True(updated > events.FindIndex(e => e is ToolCallStarted));
        Assert.True(updated < events.FindIndex(e => e is ToolCallFinished));
        Assert.Equal("built", Assert.Single(events.OfType<ToolCallFinished>()).Result.Content);
    }

    [Fact]
    public async Task RunTurn_WhileAnotherTurnRuns_Throws()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Policy.Mode = PermissionMode.Yolo;
        h.Script("""{"turns":[{"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"wait"}}]},{"text":"ok"}]}""");
        AgentSession session = await h.CreateSessionAsync();

        Task<List<AgentEvent>> first = AgentHarness.RunAsync(session, "one");
        await h.Bash.Started.Task.WaitAsync(TestTimeouts.Default, AgentHarness.Ct);
        await Assert.ThrowsAsync<InvalidOperationException>(() => AgentHarness.RunAsync(session, "two"));
        h.Bash.Release.SetResult("done");
        Assert.Equal(new TurnEnded(StopReason.EndTurn), (await first)[^1]);
    }

    [Fact]
    public async Task Replay_AfterTurn_YieldsPromptThinkingCallsResultsAndText()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("a.txt", "alpha");
        h.Script("""
            {"turns":[
              {"thinking":"look first","tool_calls":[{"id":"c1","name":"Read","arguments":{"path":"a.txt"}}]},
              {"text":"It says alpha."}
            ]}
            """);
        AgentSession session = await h.CreateSessionAsync();
        await AgentHarness.RunAsync(session, "what is in a.txt?");

        List<AgentEvent> replay = await AgentHarness.CollectAsync(session.ReplayAsync(AgentHarness.Ct));

        Assert.Collection(
            replay,
            e => Assert.Equal("what is in a.txt?", Assert.IsType<TurnStarted>(e).Prompt),
            e => Assert.Equal(new ThinkingDelta("look first"), e),
            e =>
            {
                var started = Assert.IsType<ToolCallStarted>(e);
                Assert.Equal(("c1", "Read", "Read a.txt", ToolKind.Read), (started.CallId, started.ToolName, started.Title, started.Kind));
            },
            e => Assert.Equal(("c1", "Read", "alpha"), (Assert.IsType<ToolCallFinished>(e).CallId, ((ToolCallFinished)e).ToolName, ((ToolCallFinished)e).Result.Content)),
            e => Assert.Equal(new TextDelta("It says alpha."), e));
    }
}
