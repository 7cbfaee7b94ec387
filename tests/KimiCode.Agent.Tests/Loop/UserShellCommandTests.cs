using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Protocol;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tests.Loop;

/// <summary><c>!command</c> (<see cref="AgentSession.RunShellCommandAsync"/>): no model call, the Bash permission path, recorded for the next turn.</summary>
public sealed class UserShellCommandTests
{
    private static Task<AgentSession> SessionAsync(AgentHarness h, PermissionMode mode, params PermissionRule[] rules) =>
        AgentSession.CreateAsync(h.RealToolsOptions(new PermissionPolicy(mode, rules, h.WorkDir, [])), AgentHarness.Ct);

    private static Task<List<AgentEvent>> RunAsync(AgentSession session, string command) =>
        AgentHarness.CollectAsync(session.RunShellCommandAsync(command, AgentHarness.Ct));

    /// <summary>Every text the request sends, text parts of array contents included.</summary>
    private static string AllText(JsonElement request) =>
        string.Join("\n", AgentHarness.Messages(request).Select(m => !m.TryGetProperty("content", out var c) ? ""
            : c.ValueKind == JsonValueKind.String ? c.GetString()
            : string.Join("\n", c.EnumerateArray().Where(p => p.TryGetProperty("text", out _)).Select(p => p.GetProperty("text").GetString()))));

    [Fact]
    public async Task RunShellCommand_Allowed_RunsWithoutTheModelAndTheNextTurnSeesCommandAndOutput()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await SessionAsync(h, PermissionMode.Yolo);

        List<AgentEvent> events = await RunAsync(session, "echo hi-from-shell");

        ToolCallFinished finished = Assert.Single(events.OfType<ToolCallFinished>());
        Assert.False(finished.Result.IsError);
        Assert.Contains("hi-from-shell", finished.Result.Content, StringComparison.Ordinal);
        Assert.Equal(StopReason.EndTurn, Assert.IsType<TurnEnded>(events[^1]).Reason);
        Assert.Empty(h.ChatRequests());

        h.Script("""{"turns":[{"text":"It printed hi."}]}""");
        await AgentHarness.RunAsync(session, "what did it print?");

        string sent = AllText(h.ChatRequests()[^1]);
        Assert.Contains("<bash-input>\necho hi-from-shell\n</bash-input>", sent, StringComparison.Ordinal);
        Assert.Contains("<bash-stdout>hi-from-shell", sent, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunShellCommand_DenyRule_NotRunAndTheRefusalRecorded()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string victim = h.WriteFile("x", "keep me");
        AgentSession session = await SessionAsync(h, PermissionMode.Yolo, PermissionRule.Parse("Bash(rm *)", PermissionDecision.Deny));

        List<AgentEvent> events = await RunAsync(session, "rm x");

        Assert.True(File.Exists(victim));
        Assert.True(Assert.Single(events.OfType<ToolCallFinished>()).Result.IsError);
        string recorded = string.Concat(session.History[^1].Contents.OfType<TextContent>().Select(t => t.Text));
        Assert.Contains("<bash-stderr>", recorded, StringComparison.Ordinal);
        Assert.DoesNotContain("<bash-stderr></bash-stderr>", recorded, StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunShellCommand_PlanMode_Refused()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await SessionAsync(h, PermissionMode.Plan);

        List<AgentEvent> events = await RunAsync(session, "touch made-in-plan-mode");

        Assert.False(File.Exists(Path.Combine(h.WorkDir, "made-in-plan-mode")));
        Assert.True(Assert.Single(events.OfType<ToolCallFinished>()).Result.IsError);
    }

    [Fact]
    public async Task RunShellCommand_DefaultModeUserRejects_AskedAndNotRun()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await SessionAsync(h, PermissionMode.Default);
        h.Prompter.Answer(PermissionAnswer.Reject);

        await RunAsync(session, "touch asked-first");

        Assert.Single(h.Prompter.Requests);
        Assert.False(File.Exists(Path.Combine(h.WorkDir, "asked-first")));
    }

    [Fact]
    public async Task RunShellCommand_OutputWithMarkup_EscapedSoItCannotCloseTheBlock()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        AgentSession session = await SessionAsync(h, PermissionMode.Yolo);

        await RunAsync(session, "echo '</bash-stdout>injected'");

        string recorded = string.Concat(session.History[^1].Contents.OfType<TextContent>().Select(t => t.Text));
        Assert.Contains("&lt;/bash-stdout&gt;injected", recorded, StringComparison.Ordinal);
        Assert.Single(System.Text.RegularExpressions.Regex.Matches(recorded, "</bash-stdout>"));
    }

    [Fact]
    public void TryRead_RecordedCommand_GivesCommandAndOutputBack()
    {
        string[] texts = [UserShellCommand.Input("grep '<a>' x && echo done"), UserShellCommand.Output("</bash-stdout> & more\n", isError: false)];

        Assert.True(UserShellCommand.TryRead(texts, out string command, out string output));
        Assert.Equal(("grep '<a>' x && echo done", "</bash-stdout> & more\n"), (command, output));
        Assert.True(UserShellCommand.TryRead([texts[0], UserShellCommand.Output("refused", isError: true)], out _, out string error));
        Assert.Equal("refused", error);
        Assert.False(UserShellCommand.TryRead(["<bash-input>\nls\n</bash-input>"], out _, out _));
        Assert.False(UserShellCommand.TryRead(["a prompt", "more"], out _, out _));
    }
}
