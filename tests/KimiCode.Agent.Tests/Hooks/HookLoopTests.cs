using System.Globalization;
using System.Text.Json;
using KimiCode.Agent.Hooks;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;
using KimiCode.Config;

namespace KimiCode.Agent.Tests.Hooks;

/// <summary>[[hooks]] in the loop, against the emulator, with the real shell tool and real hook processes.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class HookLoopTests
{
    private static HookDispatcher Hooks(AgentHarness h, params HookEntry[] entries) => new(entries, h.WorkDir, time: TimeProvider.System);

    private static HookEntry Entry(string eventName, string command, string matcher = "", int timeout = 30) =>
        new() { Event = eventName, Command = command, Matcher = matcher, TimeoutSeconds = timeout };

    private static async Task<(AgentSession Session, List<AgentEvent> Events)> RunBashAsync(AgentHarness h, HookDispatcher hooks, string command)
    {
        h.Script($$$"""
            {"turns":[
              {"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"{{{JsonEncodedText.Encode(command)}}}"}}]},
              {"text":"Done."}
            ]}
            """);
        AgentSession session = await AgentSession.CreateAsync(
            h.RealToolsOptions(new PermissionPolicy(PermissionMode.Yolo, [], h.WorkDir, []), hooks: hooks), AgentHarness.Ct);
        return (session, await AgentHarness.RunAsync(session, "run it"));
    }

    private static Task<AgentSession> SessionAsync(AgentHarness h, HookDispatcher hooks, PermissionMode mode) =>
        AgentSession.CreateAsync(h.RealToolsOptions(new PermissionPolicy(mode, [], h.WorkDir, []), hooks: hooks), AgentHarness.Ct);

    /// <summary>A turn whose one Bash call the user allows once, under <paramref name="entries"/>; the session is ended after it.</summary>
    private static async Task RunAllowedBashAsync(AgentHarness h, params HookEntry[] entries)
    {
        h.Prompter.Answer(PermissionAnswer.AllowOnce);
        h.Script("""{"turns":[{"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"true"}}]},{"text":"Done."}]}""");
        AgentSession session = await SessionAsync(h, Hooks(h, entries), PermissionMode.Default);
        await AgentHarness.RunAsync(session, "run it");
        await session.EndAsync();
    }

    /// <summary>A hook command that appends its input, one event a line, to <paramref name="log"/>.</summary>
    private static string AppendInput(string log) => $"cat >> {log}; echo >> {log}";

    /// <summary>The log written by <see cref="AppendInput"/> holds exactly these events, in order, each with its field.</summary>
    private static void AssertLogged(string log, params (string Event, string Field)[] expected)
    {
        string[] lines = File.ReadAllLines(log);
        Assert.Equal(expected.Length, lines.Length);
        for (int i = 0; i < lines.Length; i++)
        {
            Assert.Contains($"\"hook_event_name\":\"{expected[i].Event}\"", lines[i], StringComparison.Ordinal);
            Assert.Contains(expected[i].Field, lines[i], StringComparison.Ordinal);
        }
    }

    private static string LastToolText(AgentHarness h) =>
        Wire.Content(AgentHarness.Messages(h.ChatRequests()[^1]).Last(m => Wire.Role(m) == "tool"));

    private static string AllText(JsonElement request) =>
        string.Join("\n", AgentHarness.Messages(request).Select(m => m.TryGetProperty("content", out var c) ? (c.ValueKind == JsonValueKind.String ? c.GetString() : c.GetRawText()) : ""));

    [Fact]
    public async Task PreToolUse_ExitTwoOnBash_CommandNotRunAndReasonInNextRequest()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string marker = Path.Combine(h.WorkDir, "ran");
        var hooks = Hooks(h, Entry("PreToolUse", "echo 'no shell today' >&2; exit 2", matcher: "^Bash$"));

        (_, List<AgentEvent> events) = await RunBashAsync(h, hooks, $"touch {marker}");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.False(File.Exists(marker));
        string tool = LastToolText(h);
        Assert.Contains("PreToolUse hook blocked", tool, StringComparison.Ordinal);
        Assert.Contains("no shell today", tool, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreToolUse_ExitZeroJsonDeny_Blocks()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string marker = Path.Combine(h.WorkDir, "ran");
        var hooks = Hooks(h, Entry("PreToolUse", """echo '{"hookSpecificOutput":{"permissionDecision":"deny","permissionDecisionReason":"use rg instead"}}'"""));

        await RunBashAsync(h, hooks, $"touch {marker}");

        Assert.False(File.Exists(marker));
        Assert.Contains("use rg instead", LastToolText(h), StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreToolUse_MatcherMissesTheTool_HookNotRunAndCommandRuns()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string marker = Path.Combine(h.WorkDir, "ran");
        var hooks = Hooks(h, Entry("PreToolUse", "exit 2", matcher: "^(Write|Edit)$"));

        await RunBashAsync(h, hooks, $"touch {marker}");

        Assert.True(File.Exists(marker));
    }

    [Theory]
    [InlineData("exit 1")]
    [InlineData("kill -SEGV $$")]
    [InlineData("/no/such/hook-binary")]
    public async Task PreToolUse_HookFailsOrCrashes_FailsOpenAndCommandRuns(string command)
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string marker = Path.Combine(h.WorkDir, "ran");

        await RunBashAsync(h, Hooks(h, Entry("PreToolUse", command)), $"touch {marker}");

        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task PreToolUse_HookTimesOut_CallProceedsAndHookProcessGroupKilled()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string marker = Path.Combine(h.WorkDir, "ran");
        string pidFile = Path.Combine(h.WorkDir, "hook-child.pid");

        // A child in the hook's group that would outlive a plain kill of the shell.
        var hooks = Hooks(h, Entry("PreToolUse", $"sleep 300 & echo $! > {pidFile}; wait; exit 2", timeout: 1));
        await RunBashAsync(h, hooks, $"touch {marker}");

        Assert.True(File.Exists(marker));
        int pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.True(await DiesAsync(pid), $"the hook's child {pid} survived the timeout");
    }

    [Fact]
    public async Task PreToolUse_EventJsonOnStdin_SnakeCaseWithToolFields()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string input = Path.Combine(h.WorkDir, "input.json");

        (AgentSession session, _) = await RunBashAsync(h, Hooks(h, Entry("PreToolUse", $"cat > {input}")), "echo hi");

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(input));
        JsonElement root = doc.RootElement;
        Assert.Equal("PreToolUse", root.GetProperty("hook_event_name").GetString());
        Assert.Equal(session.Id, root.GetProperty("session_id").GetString());
        Assert.Equal(h.WorkDir, root.GetProperty("cwd").GetString());
        Assert.Equal("Bash", root.GetProperty("tool_name").GetString());
        Assert.Equal("b1", root.GetProperty("tool_call_id").GetString());
        Assert.Equal("echo hi", root.GetProperty("tool_input").GetProperty("command").GetString());
    }

    [Fact]
    public async Task PreToolUse_SameCommandTwice_RunsOnce()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.WorkDir, "log");
        string command = $"echo x >> {log}";

        await RunBashAsync(h, Hooks(h, Entry("PreToolUse", command), Entry("PreToolUse", command, matcher: "Bash")), "true");

        Assert.Equal(["x"], File.ReadAllLines(log));
    }

    [Fact]
    public async Task PreToolUse_TwoHooks_RunInParallel()
    {
        // Each waits for the other's start file: run one after the other, the first would time out before writing "done".
        await using AgentHarness h = await AgentHarness.StartAsync();
        string Wait(string me, string other) => $"touch {me}; while [ ! -e {other} ]; do sleep 0.02; done; touch {me}.done";
        string a = Path.Combine(h.WorkDir, "a");
        string b = Path.Combine(h.WorkDir, "b");

        await RunBashAsync(h, Hooks(h, Entry("PreToolUse", Wait(a, b), timeout: 20), Entry("PreToolUse", Wait(b, a), timeout: 20)), "true");

        Assert.True(File.Exists(a + ".done") && File.Exists(b + ".done"));
    }

    [Fact]
    public async Task PostToolUse_AfterTheCall_GetsToolOutput()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string input = Path.Combine(h.WorkDir, "post.json");

        (AgentSession session, _) = await RunBashAsync(h, Hooks(h, Entry("PostToolUse", $"cat > {input}", matcher: "Bash")), "echo from-bash");
        await session.EndAsync();

        using JsonDocument doc = JsonDocument.Parse(File.ReadAllText(input));
        Assert.Equal("PostToolUse", doc.RootElement.GetProperty("hook_event_name").GetString());
        Assert.Contains("from-bash", doc.RootElement.GetProperty("tool_output").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserPromptSubmit_ExitTwo_ModelNotCalledAndPromptNotKept()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var hooks = Hooks(h, Entry("UserPromptSubmit", "echo 'no secrets in prompts' >&2; exit 2", matcher: "password"));
        AgentSession session = await SessionAsync(h, hooks, PermissionMode.Default);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "my password is hunter2");

        Assert.Empty(h.ChatRequests());
        Assert.Empty(session.History);
        AgentError error = Assert.Single(events.OfType<AgentError>());
        Assert.Equal(AgentErrorCodes.HookBlocked, error.Code);
        Assert.Contains("no secrets in prompts", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task UserPromptSubmit_StdoutOnExitZero_AddedToTheRequest()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        var hooks = Hooks(h, Entry("UserPromptSubmit", "echo 'current branch: feature/x'"));
        AgentSession session = await SessionAsync(h, hooks, PermissionMode.Default);

        await AgentHarness.RunAsync(session, "hello");

        Assert.Contains("current branch: feature/x", AllText(h.ChatRequests()[0]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Stop_Blocks_ModelGoesOnOnceWithTheReason()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        h.Script("""{"turns":[{"text":"first"},{"text":"second"}]}""");
        var hooks = Hooks(h, Entry("Stop", "echo 'run the tests first' >&2; exit 2"));
        AgentSession session = await SessionAsync(h, hooks, PermissionMode.Default);

        List<AgentEvent> events = await AgentHarness.RunAsync(session, "go");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal(2, h.ChatRequests().Count);
        Assert.Contains("run the tests first", AllText(h.ChatRequests()[1]), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionStartAndEnd_Fire_WithSourceAndReason()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.WorkDir, "log");
        var hooks = Hooks(h, Entry("SessionStart", AppendInput(log), matcher: "startup"), Entry("SessionEnd", AppendInput(log)));

        AgentSession session = await SessionAsync(h, hooks, PermissionMode.Default);
        await session.EndAsync();

        AssertLogged(log, ("SessionStart", "\"source\":\"startup\""), ("SessionEnd", "\"reason\":\"exit\""));
    }

    [Fact]
    public async Task PermissionRequestAndResult_UserAsked_BothFireWithToolAndAnswer()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.WorkDir, "log");
        await RunAllowedBashAsync(h, Entry("PermissionRequest", AppendInput(log), matcher: "Bash"), Entry("PermissionResult", AppendInput(log)));

        string text = File.ReadAllText(log);
        Assert.Contains("\"hook_event_name\":\"PermissionRequest\"", text, StringComparison.Ordinal);
        Assert.Contains("\"hook_event_name\":\"PermissionResult\"", text, StringComparison.Ordinal);
        Assert.Contains("\"decision\":\"allow_once\"", text, StringComparison.Ordinal);
        Assert.Contains("\"tool_name\":\"Bash\"", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PreCompactAndPostCompact_ManualCompaction_FireWithTrigger()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.WorkDir, "log");
        h.Script("""{"turns":[{"text":"one"},{"text":"two"},{"text":"three"},{"text":"SUMMARY"}]}""");
        var hooks = Hooks(h, Entry("PreCompact", AppendInput(log), matcher: "^manual$"), Entry("PostCompact", AppendInput(log)));
        AgentSession session = await SessionAsync(h, hooks, PermissionMode.Default);
        foreach (string prompt in new[] { "a", "b", "c" })
        {
            await AgentHarness.RunAsync(session, prompt);
        }

        Assert.True((await session.CompactAsync(AgentHarness.Ct)).Succeeded);
        await session.EndAsync();

        AssertLogged(log, ("PreCompact", "\"trigger\":\"manual\""), ("PostCompact", "\"trigger\":\"manual\""));
    }

    [Fact]
    public async Task Interrupt_TurnCancelled_Fires()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.WorkDir, "log");
        h.Script("""{"turns":[{"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"sleep 300"}}]},{"text":"Done."}]}""");
        var hooks = Hooks(h, Entry("Interrupt", $"cat > {log}"));
        AgentSession session = await SessionAsync(h, hooks, PermissionMode.Yolo);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(AgentHarness.Ct);

        var events = new List<AgentEvent>();
        await foreach (AgentEvent e in session.RunTurnAsync("wait", cancel.Token))
        {
            events.Add(e);
            if (e is ToolCallRunning)
            {
                await cancel.CancelAsync();
            }
        }

        await session.EndAsync();

        Assert.Equal(new TurnEnded(StopReason.Cancelled), events[^1]);
        Assert.Contains("\"reason\":\"cancelled\"", File.ReadAllText(log), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notification_CallAwaitsApprovalThenTurnEnds_FiresApprovalRequiredAndTurnCompleted()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.WorkDir, "log");
        await RunAllowedBashAsync(h, Entry("Notification", AppendInput(log)));

        // Observe-only hooks run beside the work: the two lines may come in either order.
        string[] lines = File.ReadAllLines(log);
        Assert.Equal(2, lines.Length);
        string approval = Assert.Single(lines, l => l.Contains("\"notification_type\":\"approval.required\"", StringComparison.Ordinal));
        Assert.Contains("\"hook_event_name\":\"Notification\"", approval, StringComparison.Ordinal);
        Assert.Contains("\"title\":\"Kimi Code approval required\"", approval, StringComparison.Ordinal);
        Assert.Contains("\"tool_name\":\"Bash\"", approval, StringComparison.Ordinal);
        Assert.Contains("\"body\":", approval, StringComparison.Ordinal);
        string completed = Assert.Single(lines, l => l.Contains("\"notification_type\":\"turn.completed\"", StringComparison.Ordinal));
        Assert.Contains("\"title\":\"Kimi Code task complete\"", completed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Notification_MatcherNamesTurnCompleted_OnlyThatTypeRuns()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.WorkDir, "log");
        await RunAllowedBashAsync(h, Entry("Notification", AppendInput(log), matcher: "^turn\\.completed$"));

        AssertLogged(log, ("Notification", "\"notification_type\":\"turn.completed\""));
    }

    [Fact]
    public async Task Notification_TurnCancelled_DoesNotFire()
    {
        await using AgentHarness h = await AgentHarness.StartAsync();
        string log = Path.Combine(h.WorkDir, "log");
        h.Script("""{"turns":[{"tool_calls":[{"id":"b1","name":"Bash","arguments":{"command":"sleep 300"}}]},{"text":"Done."}]}""");
        var hooks = Hooks(h, Entry("Notification", AppendInput(log)), Entry("Interrupt", AppendInput(log)));
        AgentSession session = await SessionAsync(h, hooks, PermissionMode.Yolo);
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(AgentHarness.Ct);

        await foreach (AgentEvent e in session.RunTurnAsync("wait", cancel.Token))
        {
            if (e is ToolCallRunning)
            {
                await cancel.CancelAsync();
            }
        }

        await session.EndAsync();

        AssertLogged(log, ("Interrupt", "\"reason\":\"cancelled\"")); // the user is there: no notification
    }

    /// <summary>SIGKILL is delivered asynchronously: gone or a zombie soon after, or never (a generous bound, not a timing claim).</summary>
    private static async Task<bool> DiesAsync(int pid)
    {
        for (int i = 0; i < 500; i++)
        {
            string stat = Path.Combine("/proc", pid.ToString(CultureInfo.InvariantCulture), "stat");
            string? text = null;
            try
            {
                text = File.ReadAllText(stat);
            }
            catch (IOException)
            {
            }
            catch (UnauthorizedAccessException)
            {
            }

            if (text is null || text[(text.LastIndexOf(')') + 2)..].StartsWith('Z'))
            {
                return true;
            }

            await Task.Delay(20, AgentHarness.Ct);
        }

        return false;
    }
}
