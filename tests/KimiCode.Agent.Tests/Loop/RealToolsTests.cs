using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Loop;

/// <summary>The loop with the built-in tools, the local file system and shell, and the real permission policy.</summary>
public sealed class RealToolsTests
{
    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task RunTurn_BuiltInTools_ReadEditPlanAndShellAgainstTheEmulator()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("notes.txt", "hello world\n");
        h.Prompter.Answer(PermissionAnswer.AllowOnce, PermissionAnswer.AllowOnce);
        h.Script("""
            {"turns":[
              {"tool_calls":[
                {"id":"t1","name":"TodoWrite","arguments":{"todos":[{"content":"Greet Kimi","status":"in_progress"}]}},
                {"id":"r1","name":"Read","arguments":{"file_path":"notes.txt"}}]},
              {"tool_calls":[{"id":"e1","name":"Edit","arguments":{"file_path":"notes.txt","old_string":"world","new_string":"kimi"}}]},
              {"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"cat notes.txt"}}]},
              {"text":"Done."}
            ]}
            """);
        var context = new ToolContext
        {
            WorkingDirectory = h.WorkDir,
            Files = new LocalWorkspaceFileSystem(),
            Commands = new LocalCommandRunner(),
        };
        AgentSessionOptions options = h.RealToolsOptions(new PermissionPolicy(PermissionMode.Default, [], h.WorkDir, []), context);
        AgentSession session = await AgentSession.CreateAsync(options, AgentHarness.Ct);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "greet kimi");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal("hello kimi\n", h.ReadFile("notes.txt"));
        Assert.Equal(["Edit", "Bash"], h.Prompter.Requests.Select(r => r.ToolName));
        var preview = Assert.IsType<DiffDisplay>(h.Prompter.Requests[0].Preview); // the diff is shown before the question
        Assert.Equal(("hello world\n", "hello kimi\n"), (preview.OldText, preview.NewText));
        Assert.Contains("-hello world\n+hello kimi\n", preview.UnifiedDiff, StringComparison.Ordinal);
        Assert.Equal("Greet Kimi", Assert.Single(Assert.Single(events.OfType<PlanUpdated>()).Items).Content);
        var results = events.OfType<ToolCallFinished>().ToDictionary(e => e.CallId, e => e.Result);
        Assert.All(results.Values, r => Assert.False(r.IsError, r.Content));
        Assert.Contains("hello world", results["r1"].Content, StringComparison.Ordinal);
        Assert.Contains("hello kimi", results["b1"].Content, StringComparison.Ordinal);
        Assert.Equal(
            ["system", "user", "assistant", "tool:t1", "tool:r1", "assistant", "tool:e1", "assistant", "tool:b1"],
            Wire.Shape(h.ChatRequests()[^1]));
        Assert.Contains("Read", Wire.ToolNames(h.ChatRequests()[0]));
        Assert.Contains("Kimi Code", session.SystemPromptText, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_TwoEditsOfOneFileInOneAnswer_EachPreviewedAfterTheOneBefore()
    {
        // Previews are worked out when a call's turn comes, not when the answer arrives: the second edit sees the first.
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.WriteFile("notes.txt", "one\ntwo\n");
        h.Prompter.Answer(PermissionAnswer.AllowOnce, PermissionAnswer.AllowOnce);
        h.Script("""
            {"turns":[
              {"tool_calls":[
                {"id":"e1","name":"Edit","arguments":{"file_path":"notes.txt","old_string":"one","new_string":"1"}},
                {"id":"e2","name":"Edit","arguments":{"file_path":"notes.txt","old_string":"two","new_string":"2"}}]},
              {"text":"Done."}
            ]}
            """);
        AgentDefaults(h, out var options);
        AgentSession session = await AgentSession.CreateAsync(options, AgentHarness.Ct);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "number them");

        Assert.All(events.OfType<ToolCallFinished>(), e => Assert.False(e.Result.IsError, e.Result.Content));
        Assert.Equal("1\n2\n", h.ReadFile("notes.txt"));
        var second = Assert.IsType<DiffDisplay>(h.Prompter.Requests[1].Preview);
        Assert.Equal(("1\ntwo\n", "1\n2\n"), (second.OldText, second.NewText));
    }

    private static void AgentDefaults(AgentHarness h, out AgentSessionOptions options)
    {
        AgentSessionOptions defaults = h.Options();
        options = new AgentSessionOptions
        {
            ChatClient = defaults.ChatClient,
            Model = defaults.Model,
            ContextWindowTokens = defaults.ContextWindowTokens,
            Tools = ToolRegistry.CreateDefault(new TodoList()),
            ToolContext = new ToolContext { WorkingDirectory = h.WorkDir, Files = new LocalWorkspaceFileSystem(), Commands = new LocalCommandRunner() },
            Permissions = new PermissionPolicy(PermissionMode.Default, [], h.WorkDir, []),
            Prompter = h.Prompter,
            Store = h.Store,
            Time = h.Time,
        };
    }
}
