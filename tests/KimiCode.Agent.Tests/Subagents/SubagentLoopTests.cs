using System.Text.Json;
using System.Text.Json.Nodes;
using KimiCode.Agent.Hooks;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Subagents;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;
using KimiCode.Config;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tests.Subagents;

/// <summary>
/// The Agent tool in the loop, against the emulator, with the real tools and a real permission policy. Subagents' model
/// calls come after the scripted turns run out, from the emulator's default model: it calls the tools a prompt names on
/// <c>tool: NAME {json}</c> lines, answers a tool result with <c>Tool NAME returned:</c> and echoes anything else.
/// </summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class SubagentLoopTests
{
    private static AgentSessionOptions Options(
        AgentHarness h, PermissionMode mode, AgentCatalog? catalog = null, IEnumerable<IAgentTool>? extraTools = null, HookDispatcher? hooks = null, IToolSource? dynamicTools = null)
    {
        catalog ??= AgentCatalog.BuiltInOnly;
        return new AgentSessionOptions
        {
            DynamicTools = dynamicTools,
            Hooks = hooks ?? HookDispatcher.None,
            ChatClient = h.Client,
            Model = "kimi-for-coding",
            ContextWindowTokens = 262_144,
            Tools = ToolRegistry.CreateDefault(new TodoList()).With([.. extraTools ?? [], new AgentTool(catalog, catalog.MainAllowlist)]),
            ToolContext = new ToolContext { WorkingDirectory = h.WorkDir, Files = new LocalWorkspaceFileSystem(), Commands = new LocalCommandRunner() },
            Permissions = new PermissionPolicy(mode, [], h.WorkDir, []),
            Prompter = h.Prompter,
            Store = h.Store,
            Time = h.Time,
            SystemPrompt = "You are the main test agent.",
        };
    }

    private static string AgentCall(string id, string prompt, string description, string? type = null, string? resume = null)
    {
        var args = new JsonObject { ["prompt"] = prompt, ["description"] = description };
        if (type is not null)
        {
            args["subagent_type"] = type;
        }

        if (resume is not null)
        {
            args["resume"] = resume;
        }

        return $$"""{"id":"{{id}}","name":"Agent","arguments":{{args.ToJsonString()}}}""";
    }

    private static string ToolLine(string name, JsonObject arguments) => $"tool: {name} {arguments.ToJsonString()}";

    private static string AllText(JsonElement request) =>
        string.Join("\n", AgentHarness.Messages(request).Select(m => m.TryGetProperty("content", out var c) ? (c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText()) : ""));

    private static string ToolText(JsonElement request, string callId) =>
        Wire.Content(AgentHarness.Messages(request).Single(m => Wire.ToolCallId(m) == callId));

    private static string AgentId(string result) => result[(result.LastIndexOf("agent_id: ", StringComparison.Ordinal) + "agent_id: ".Length)..].Split(' ')[0];

    private static string TranscriptPath(AgentHarness h, AgentSession session, string agentId) =>
        Path.Combine(h.Store.WorkspaceDirectory(h.WorkDir), session.Id, "subagents", agentId + ".jsonl");

    [Fact]
    public async Task Agent_ExploreCall_SecondConversationWithoutParentHistory_FinalTextIsToolResult()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script($$"""{"turns":[{"text":"Delegating.","tool_calls":[{{AgentCall("a1", "Say hello from the child", "greet", "explore")}}]}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Default), AgentHarness.Ct);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "PARENT-ONLY-CONTEXT: please delegate");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        List<JsonElement> requests = h.ChatRequests();
        Assert.Equal(3, requests.Count);
        JsonElement child = requests[1];
        Assert.Equal(["system", "user"], Wire.Shape(child));
        Assert.Equal("Say hello from the child", Wire.Content(AgentHarness.Messages(child)[1]));
        Assert.DoesNotContain("PARENT-ONLY-CONTEXT", AllText(child), StringComparison.Ordinal);
        Assert.DoesNotContain("Delegating.", AllText(child), StringComparison.Ordinal);
        Assert.Contains("You are the main test agent.", AllText(child), StringComparison.Ordinal);
        Assert.Contains("running as a subagent", AllText(child), StringComparison.Ordinal);
        Assert.Equal(["Read", "Glob", "Grep"], Wire.ToolNames(child)); // explore: no Write, Edit, Bash, TodoWrite or Agent

        string result = ToolText(requests[2], "a1");
        Assert.StartsWith("Echo: Say hello from the child\n\nagent_id: ", result, StringComparison.Ordinal);
        ToolCallFinished finished = events.OfType<ToolCallFinished>().Single();
        Assert.False(finished.Result.IsError);
        Assert.Contains(events.OfType<ToolCallStarted>(), s => s.CallId == "a1" && s.Title == "explore agent: greet" && s.Kind == ToolKind.Think);
    }

    [Fact]
    public async Task Agent_Transcript_SavedBesideSessionAndResumeContinuesIt()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", "first task", "one", "plan")}}]}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Default), AgentHarness.Ct);
        await AgentHarness.RunAsync(session, "go");
        string agentId = AgentId(ToolText(h.ChatRequests()[^1], "a1"));

        string transcript = TranscriptPath(h, session, agentId);
        LoadedSession loaded = SessionReader.Read(transcript)!;
        Assert.Equal(agentId, loaded.Id);
        Assert.Equal(["user:first task", "assistant:Echo: first task"], loaded.Messages.Select(m => $"{m.Role}:{m.Text}"));
        Assert.Contains("\"agent_type\":\"plan\"", File.ReadAllLines(transcript)[0], StringComparison.Ordinal);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(transcript));

        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a2", "second task", "two", resume: agentId)}}]}]}""");
        await AgentHarness.RunAsync(session, "go on");

        List<JsonElement> requests = h.ChatRequests();
        JsonElement resumed = requests[^2];
        Assert.Equal(["system", "user", "assistant", "user"], Wire.Shape(resumed));
        Assert.Equal(["Read", "Glob", "Grep"], Wire.ToolNames(resumed)); // still a plan agent
        Assert.StartsWith("Echo: second task", ToolText(requests[^1], "a2"), StringComparison.Ordinal);
        Assert.Equal(4, SessionReader.Read(transcript)!.Messages.Count);
    }

    [Fact]
    public async Task Agent_ResumeUnknownOrPathLikeId_RefusedWithoutModelCall()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", "x", "x", resume: "../../context")}}]},{"text":"ok"}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Yolo), AgentHarness.Ct);

        await AgentHarness.RunAsync(session, "go");

        List<JsonElement> requests = h.ChatRequests();
        Assert.Equal(2, requests.Count);
        Assert.StartsWith("Error: Agent: there is no agent \"../../context\" in this session to resume", ToolText(requests[1], "a1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_ExploreCallsWrite_RefusedAndFileNotWritten()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string prompt = ToolLine("Write", new JsonObject { ["file_path"] = "x.txt", ["content"] = "hi" });
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", prompt, "write it", "explore")}}]}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Yolo), AgentHarness.Ct);

        await AgentHarness.RunAsync(session, "go");

        Assert.False(File.Exists(Path.Combine(h.WorkDir, "x.txt")));
        List<JsonElement> requests = h.ChatRequests();
        Assert.Equal(4, requests.Count);
        Assert.Contains("There is no tool named 'Write'", AllText(requests[2]), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("coder", true)]
    [InlineData("explore", false)]
    public async Task Agent_CallerHasMcpTools_OfferedAsTheProfileAllows(string type, bool offered)
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var ping = new DynamicTools.PingTool("mcp__srv__ping");
        var source = new DynamicTools.ScriptedToolSource(new ToolSourceSnapshot([ping], []));
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", ToolLine("mcp__srv__ping", new JsonObject()), "ping it", type)}}]}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Yolo, dynamicTools: source), AgentHarness.Ct);

        await AgentHarness.RunAsync(session, "go");

        List<JsonElement> requests = h.ChatRequests();
        Assert.Contains("mcp__srv__ping", Wire.ToolNames(requests[0])); // the main agent has it
        Assert.Equal(offered, Wire.ToolNames(requests[1]).Contains("mcp__srv__ping"));
        Assert.Equal(offered ? 1 : 0, ping.Executions);
    }

    [Fact]
    public async Task Agent_CustomAgentToolsList_UndeclaredToolRefusedAtExecution()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile(".kimi-code/agents/reader.md", "---\nname: reader\ndescription: reads files\ntools: [Read]\n---\nYou read files.\n");
        AgentCatalog catalog = AgentCatalog.Discover(new AgentFolders(h.WorkDir, h.Home.Root, Path.Combine(h.Root, "user"), []));
        string marker = Path.Combine(h.WorkDir, "ran");
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", ToolLine("Bash", new JsonObject { ["command"] = "touch " + marker }), "sneak", "reader")}}]}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Yolo, catalog), AgentHarness.Ct);

        await AgentHarness.RunAsync(session, "go");

        Assert.False(File.Exists(marker));
        List<JsonElement> requests = h.ChatRequests();
        Assert.Equal(["Read"], Wire.ToolNames(requests[1]));
        Assert.Equal("You read files.", Wire.Content(AgentHarness.Messages(requests[1])[0])); // the body is the whole prompt
        Assert.Contains("There is no tool named 'Bash'", AllText(requests[2]), StringComparison.Ordinal);
        Assert.Contains("- reader: reads files", AgentToolDescription(requests[0]), StringComparison.Ordinal);
    }

    private static string AgentToolDescription(JsonElement request) =>
        request.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("function").GetProperty("name").GetString() == "Agent")
            .GetProperty("function").GetProperty("description").GetString()!;

    [Fact]
    public async Task Agent_SubagentTypeOutsideAllowlist_Refused()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", "x", "x", "reviewer")}}]},{"text":"ok"}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Yolo), AgentHarness.Ct);

        await AgentHarness.RunAsync(session, "go");

        List<JsonElement> requests = h.ChatRequests();
        Assert.Equal(2, requests.Count);
        Assert.Equal("Error: Agent: there is no agent type \"reviewer\" you may start. Use one of: coder, explore, plan.", ToolText(requests[1], "a1"));
    }

    [Fact]
    public async Task Agent_SubagentNeedsApproval_AskedThroughParentPrompterUnderTheAgentCall()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string marker = Path.Combine(h.WorkDir, "ran");
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", ToolLine("Bash", new JsonObject { ["command"] = "touch " + marker }), "touch it", "coder")}}]}]}""");
        h.Prompter.Answer(PermissionAnswer.AllowForSession);
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Default), AgentHarness.Ct);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "go");

        Assert.True(File.Exists(marker));
        PermissionRequest request = Assert.Single(h.Prompter.Requests);
        Assert.Equal("Bash", request.ToolName);
        Assert.Equal("a1", request.CallId);
        Assert.StartsWith("coder agent: ", request.Title, StringComparison.Ordinal);
        Assert.Equal("touch " + marker, request.Subject);

        // The grant is the session's: the parent's own identical command now runs without asking.
        Assert.Equal(PermissionDecision.Allow, session.Permissions.Evaluate("Bash", BashCall(h, "touch " + marker)).Decision);
        Assert.Contains(events.OfType<ToolCallUpdated>(), u => u.CallId == "a1" && u.Text.StartsWith("Bash: ", StringComparison.Ordinal));
    }

    private static PreparedToolCall BashCall(AgentHarness h, string command) =>
        new BashTool().Prepare(JsonDocument.Parse(new JsonObject { ["command"] = command }.ToJsonString()).RootElement, new ToolContext { WorkingDirectory = h.WorkDir, Files = new LocalWorkspaceFileSystem(), Commands = new LocalCommandRunner() }).Call!;

    [Fact]
    public async Task Agent_TwoCallsInOneStep_BothRunAtTheSameTime()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var rendezvous = new RendezvousTool(2);
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", "tool: Rendezvous {}", "left", "coder")}},{{AgentCall("a2", "tool: Rendezvous {}", "right", "coder")}}]}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Default, extraTools: [rendezvous]), AgentHarness.Ct);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "go");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        JsonElement last = h.ChatRequests()[^1];
        Assert.Contains("Tool Rendezvous returned:\nmet 2", ToolText(last, "a1"), StringComparison.Ordinal);
        Assert.Contains("Tool Rendezvous returned:\nmet 2", ToolText(last, "a2"), StringComparison.Ordinal);
        Assert.Equal(2, rendezvous.MostAtOnce);
    }

    [Fact]
    public async Task Agent_TurnCancelled_ChildCancelledAndResultSaysSo()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var hang = new HangTool();
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", "tool: Hang {}", "hang", "coder")}}]}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Default, extraTools: [hang]), AgentHarness.Ct);
        using var cts = new CancellationTokenSource();

        Task<List<AgentEvent>> turn = AgentHarness.CollectAsync(session.RunTurnAsync("go", cts.Token));
        await hang.Started.WaitAsync(TestTimeouts.Default, AgentHarness.Ct);
        await cts.CancelAsync();
        List<AgentEvent> events = await turn;

        Assert.Equal(new TurnEnded(StopReason.Cancelled), events[^1]);
        Assert.True(hang.SawCancellation);
        ToolCallFinished finished = events.OfType<ToolCallFinished>().Single(f => f.CallId == "a1");
        Assert.True(finished.Result.IsError);
    }

    [Fact]
    public async Task Agent_NestedCustomAgents_AgentToolNotOfferedPastTheDepthLimit()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile(".kimi-code/agents/nest.md", "---\ndescription: nests\nsubagents: [nest]\n---\nYou nest.\n");
        AgentCatalog catalog = AgentCatalog.Discover(new AgentFolders(h.WorkDir, h.Home.Root, Path.Combine(h.Root, "user"), []));
        h.Script($$"""
            {"turns":[
              {"tool_calls":[{{AgentCall("d1", "level 1", "one", "nest")}}]},
              {"tool_calls":[{{AgentCall("d2", "level 2", "two", "nest")}}]},
              {"tool_calls":[{{AgentCall("d3", "level 3", "three", "nest")}}]},
              {"tool_calls":[{{AgentCall("d4", "level 4", "four", "nest")}}]},
              {"text":"deepest done"},
              {"text":"level 2 done"},
              {"text":"level 1 done"},
              {"text":"all done"}
            ]}
            """);
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Yolo, catalog), AgentHarness.Ct);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "go");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        List<JsonElement> requests = h.ChatRequests();
        Assert.Equal(8, requests.Count);
        Assert.Contains("Agent", Wire.ToolNames(requests[1])); // depth 1
        Assert.Contains("Agent", Wire.ToolNames(requests[2])); // depth 2
        Assert.DoesNotContain("Agent", Wire.ToolNames(requests[3])); // depth 3: the limit
        Assert.Contains("There is no tool named 'Agent'", ToolText(requests[4], "d4"), StringComparison.Ordinal);
        Assert.StartsWith("level 1 done", ToolText(requests[7], "d1"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Agent_Hooks_SubagentStartAndStopReceiveTheirJson()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.Root, "hooks.log");
        var hooks = new HookDispatcher(
            [
                new HookEntry { Event = "SubagentStart", Command = $"cat >> {log}; echo >> {log}", Matcher = "^explore$" },
                new HookEntry { Event = "SubagentStop", Command = $"cat >> {log}; echo >> {log}" },
            ],
            h.WorkDir, time: TimeProvider.System);
        h.Script($$"""{"turns":[{"tool_calls":[{{AgentCall("a1", "look around", "look", "explore")}}]}]}""");
        AgentSession session = await AgentSession.CreateAsync(Options(h, PermissionMode.Default, hooks: hooks), AgentHarness.Ct);

        await AgentHarness.RunAsync(session, "go");
        await hooks.DrainAsync();

        string[] lines = File.ReadAllLines(log);
        Assert.Equal(2, lines.Length);
        using JsonDocument start = JsonDocument.Parse(lines[0]);
        using JsonDocument stop = JsonDocument.Parse(lines[1]);
        Assert.Equal("SubagentStart", start.RootElement.GetProperty("hook_event_name").GetString());
        Assert.Equal("explore", start.RootElement.GetProperty("agent_name").GetString());
        Assert.Equal("look around", start.RootElement.GetProperty("prompt").GetString());
        Assert.Equal(session.Id, start.RootElement.GetProperty("session_id").GetString());
        Assert.Equal("SubagentStop", stop.RootElement.GetProperty("hook_event_name").GetString());
        Assert.Equal("Echo: look around", stop.RootElement.GetProperty("response").GetString());
        Assert.Equal(start.RootElement.GetProperty("agent_id").GetString(), stop.RootElement.GetProperty("agent_id").GetString());
    }

    /// <summary>Every call waits until <paramref name="expected"/> calls are inside at once (it only happens when they run in parallel).</summary>
    private sealed class RendezvousTool(int expected) : IAgentTool
    {
        private readonly TaskCompletionSource _all = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private int _inside;
        private int _most;

        public int MostAtOnce => Volatile.Read(ref _most);

        public string Name => "Rendezvous";

        public string Description => "Waits for the other callers.";

        public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

        public ToolPreparation Prepare(JsonElement arguments, ToolContext context) =>
            ToolPreparation.Ok(new DelegateCall(async (_, token) =>
            {
                int inside = Interlocked.Increment(ref _inside);
                InterlockedMax(inside);
                if (inside >= expected)
                {
                    _all.TrySetResult();
                }

                try
                {
                    // Sequential subagents never meet: the first one gives up at the shared test timeout and the test fails.
                    await _all.Task.WaitAsync(TestTimeouts.Default, token);
                    return ToolResult.Success($"met {MostAtOnce}");
                }
                catch (TimeoutException)
                {
                    return ToolResult.Error("alone: no other caller arrived");
                }
                finally
                {
                    Interlocked.Decrement(ref _inside);
                }
            }) { Title = "Rendezvous", Kind = ToolKind.Other, Action = PermissionAction.None });

        private void InterlockedMax(int value)
        {
            int seen;
            while (value > (seen = Volatile.Read(ref _most)) && Interlocked.CompareExchange(ref _most, value, seen) != seen)
            {
            }
        }
    }

    /// <summary>Runs until cancelled; says when it started and whether it saw the cancellation.</summary>
    private sealed class HangTool : IAgentTool
    {
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public bool SawCancellation { get; private set; }

        public string Name => "Hang";

        public string Description => "Never finishes on its own.";

        public JsonElement ParametersSchema { get; } = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

        public ToolPreparation Prepare(JsonElement arguments, ToolContext context) =>
            ToolPreparation.Ok(new DelegateCall(async (_, token) =>
            {
                _started.TrySetResult();
                try
                {
                    await Task.Delay(Timeout.Infinite, token);
                }
                catch (OperationCanceledException)
                {
                    SawCancellation = true;
                    throw;
                }

                return ToolResult.Success("unreachable");
            }) { Title = "Hang", Kind = ToolKind.Other, Action = PermissionAction.None });
    }
}
