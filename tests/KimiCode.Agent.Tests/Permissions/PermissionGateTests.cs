using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.PermissionTests;

public sealed class PermissionGateTests
{
    private const string Work = "/work/project";

    private readonly List<AgentEvent> _events = [];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static PermissionPolicy Policy(params PermissionRule[] rules) => new(PermissionMode.Default, rules, Work, []);

    private static StubCall Command(string command) => new()
    {
        Title = command,
        Kind = ToolKind.Execute,
        Action = PermissionAction.Execute,
        Subject = command,
    };

    private static StubCall ReadCall(string relative) => new()
    {
        Title = "Read " + relative,
        Kind = ToolKind.Read,
        Action = PermissionAction.Read,
        Subject = relative,
        Locations = [Path.Combine(Work, relative)],
    };

    private Task<PermissionOutcome> AuthorizeAsync(PermissionGate gate, PreparedToolCall call, string tool = "Bash", CancellationToken? token = null) =>
        gate.AuthorizeAsync("call-1", tool, call, """{"command":"x"}""", _events.Add, token ?? Ct);

    [Fact]
    public async Task Authorize_DenyRule_RefusesWithoutAsking()
    {
        var prompter = new ScriptedPrompter();
        prompter.Answer(PermissionAnswer.AllowOnce);
        var gate = new PermissionGate(Policy(PermissionRule.Parse("Bash(rm -rf*)", PermissionDecision.Deny)), prompter);

        PermissionOutcome outcome = await AuthorizeAsync(gate, Command("rm -rf build"));

        Assert.False(outcome.IsCancelled);
        Assert.StartsWith("The permission rules deny the Bash call (rm -rf build): denied by the permission rule 'Bash(rm -rf*)'", outcome.Refusal);
        Assert.DoesNotContain("user denied", outcome.Refusal, StringComparison.Ordinal);
        Assert.EndsWith(". Do not repeat it; find another way, or ask the user.", outcome.Refusal);
        Assert.Empty(prompter.Requests);
        Assert.Empty(_events);
        Assert.False(gate.Allows("Bash", Command("rm -rf build")));
    }

    [Fact]
    public async Task Authorize_AskAnsweredAllowForSession_PrompterCalledGrantRecordedNextCallRunsWithoutAsking()
    {
        var prompter = new ScriptedPrompter();
        prompter.Answer(PermissionAnswer.AllowForSession);
        var gate = new PermissionGate(Policy(), prompter);
        Assert.False(gate.Allows("Bash", Command("make")));

        PermissionOutcome first = await AuthorizeAsync(gate, Command("make"));

        Assert.Same(PermissionOutcome.Run, first);
        PermissionRequest request = Assert.Single(prompter.Requests);
        Assert.Equal(("call-1", "Bash", "make", PermissionAction.Execute, "make", """{"command":"x"}"""),
            (request.CallId, request.ToolName, request.Title, request.Action, request.Subject, request.ArgumentsJson));
        Assert.Collection(
            _events,
            e => Assert.Equal("call-1", Assert.IsType<PermissionRequested>(e).CallId),
            e => Assert.Equal(PermissionAnswer.AllowForSession, Assert.IsType<PermissionResolved>(e).Answer));

        Assert.True(gate.Allows("Bash", Command("make")));
        Assert.Same(PermissionOutcome.Run, await AuthorizeAsync(gate, Command("make")));
        Assert.Single(prompter.Requests);
        Assert.False(gate.Allows("Bash", Command("make install")));
    }

    [Fact]
    public async Task Authorize_AskAnsweredAllowOnce_RunsWithoutGranting()
    {
        var prompter = new ScriptedPrompter();
        prompter.Answer(PermissionAnswer.AllowOnce);
        var gate = new PermissionGate(Policy(), prompter);

        Assert.Same(PermissionOutcome.Run, await AuthorizeAsync(gate, Command("make")));

        Assert.False(gate.Allows("Bash", Command("make")));
    }

    [Fact]
    public async Task Authorize_AskAnsweredReject_RefusesWithTheAskedWording()
    {
        var gate = new PermissionGate(Policy(), new ScriptedPrompter());

        PermissionOutcome outcome = await AuthorizeAsync(gate, Command("make"));

        Assert.Equal(
            "The user denied the Bash call (make) when asked for permission. Do not repeat it; try a different approach, or ask the user how to proceed.",
            outcome.Refusal);
        Assert.Equal(PermissionAnswer.Reject, Assert.IsType<PermissionResolved>(_events[^1]).Answer);
    }

    [Fact]
    public async Task Authorize_PrompterThrowsOrAnswersNonsense_Rejects()
    {
        foreach (IPermissionPrompter prompter in new IPermissionPrompter[]
        {
            new DelegatePrompter((_, _) => throw new IOException("terminal gone")),
            new DelegatePrompter((_, _) => Task.FromResult((PermissionAnswer)42)),
        })
        {
            var gate = new PermissionGate(Policy(), prompter);

            PermissionOutcome outcome = await AuthorizeAsync(gate, Command("make"));

            Assert.Contains("when asked for permission", outcome.Refusal, StringComparison.Ordinal);
            Assert.False(gate.Allows("Bash", Command("make")));
        }
    }

    [Fact]
    public async Task Authorize_CancelledWhileAsking_CancelledAndNothingGranted()
    {
        using var cancellation = new CancellationTokenSource();
        var gate = new PermissionGate(Policy(), new DelegatePrompter((_, _) =>
        {
            cancellation.Cancel();
            return Task.FromResult(PermissionAnswer.AllowForSession);
        }));

        PermissionOutcome outcome = await AuthorizeAsync(gate, Command("make"), token: cancellation.Token);

        Assert.Same(PermissionOutcome.Cancelled, outcome);
        Assert.Null(outcome.Refusal);
        Assert.False(gate.Allows("Bash", Command("make")));
    }

    [Fact]
    public async Task Authorize_ReadInsideWorkspace_RunsWithoutAsking()
    {
        var prompter = new ScriptedPrompter();
        var gate = new PermissionGate(Policy(), prompter);

        Assert.True(gate.Allows("Read", ReadCall("src/a.cs")));
        Assert.Same(PermissionOutcome.Run, await AuthorizeAsync(gate, ReadCall("src/a.cs"), "Read"));
        Assert.Empty(prompter.Requests);
    }

    [Fact]
    public async Task Authorize_NobodyToAsk_RefusesSayingHowToAllowNeverThatTheUserDenied()
    {
        var heard = new List<PermissionRequest>();
        var gate = new PermissionGate(Policy(), new RejectingPermissionPrompter(heard.Add));

        PermissionOutcome outcome = await AuthorizeAsync(gate, Command("make"));

        Assert.Equal(PermissionGate.UnattendedRefusal("Bash", "make"), outcome.Refusal);
        Assert.Contains("nobody can approve tool calls in print mode", outcome.Refusal, StringComparison.Ordinal);
        Assert.Contains("not allowed without --yolo or an allow rule", outcome.Refusal, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", outcome.Refusal, StringComparison.OrdinalIgnoreCase);
        Assert.Equal("make", Assert.Single(heard).Title);
        Assert.Equal(PermissionAnswer.Unattended, Assert.IsType<PermissionResolved>(_events[^1]).Answer);
        Assert.False(gate.Allows("Bash", Command("make")));
    }

    [Fact]
    public async Task Authorize_PolicyThrows_DeniesNamingTheFailure()
    {
        var prompter = new ScriptedPrompter();
        var gate = new PermissionGate(new ThrowingPolicy(), prompter);

        PermissionOutcome outcome = await AuthorizeAsync(gate, ReadCall("a.txt"), "Read");

        Assert.False(gate.Allows("Read", ReadCall("a.txt")));
        Assert.Equal("The permission rules deny the Read call (Read a.txt): the permission check failed: rules exploded. Do not repeat it; find another way, or ask the user.", outcome.Refusal);
        Assert.Empty(prompter.Requests);
    }

    private sealed class DelegatePrompter(Func<PermissionRequest, CancellationToken, Task<PermissionAnswer>> answer) : IPermissionPrompter
    {
        public Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken) => answer(request, cancellationToken);
    }

    private sealed class ThrowingPolicy : IPermissionPolicy
    {
        public PermissionMode Mode { get; set; }

        public PermissionVerdict Evaluate(string toolName, PreparedToolCall call) => throw new InvalidOperationException("rules exploded");

        public void GrantForSession(string toolName, PreparedToolCall call) => throw new InvalidOperationException("never granted");
    }
}
