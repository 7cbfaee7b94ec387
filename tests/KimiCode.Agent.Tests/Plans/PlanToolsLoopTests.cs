using System.Collections.Concurrent;
using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Plans;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Plans;

/// <summary>EnterPlanMode, ExitPlanMode and AskUserQuestion in the loop, against the emulator.</summary>
[System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
public sealed class PlanToolsLoopTests
{
    private static async Task<(AgentHarness H, AgentSession Session, PermissionPolicy Policy)> StartAsync(IPermissionPrompter prompter, PermissionMode mode = PermissionMode.Default)
    {
        var h = await AgentHarness.StartAsync();
        var policy = new PermissionPolicy(mode, [], h.WorkDir, [], userHome: h.Root, kimiHome: h.Home.Root);
        var options = h.RealToolsOptions(policy);
        var session = await AgentSession.CreateAsync(new AgentSessionOptions
        {
            ChatClient = options.ChatClient,
            Model = options.Model,
            ContextWindowTokens = options.ContextWindowTokens,
            Tools = options.Tools.With([new EnterPlanModeTool(), new ExitPlanModeTool(), new AskUserQuestionTool()]),
            ToolContext = options.ToolContext,
            Permissions = policy,
            Prompter = prompter,
            Store = options.Store,
            Time = options.Time,
            SystemPrompt = "You are a test agent.",
        }, AgentHarness.Ct);
        return (h, session, policy);
    }

    private static string Json(string text) => "\"" + text.Replace("\\", "\\\\", StringComparison.Ordinal).Replace("\"", "\\\"", StringComparison.Ordinal) + "\"";

    private static void WritePlan(AgentSession session, string text)
    {
        Directory.CreateDirectory(Path.GetDirectoryName(session.Plan.FilePath)!);
        File.WriteAllText(session.Plan.FilePath, text);
    }

    private static string ToolResultIn(JsonElement request, string callId) =>
        Wire.Content(AgentHarness.Messages(request).Single(m => Wire.ToolCallId(m) == callId));

    [Fact]
    public async Task RunTurn_EnterWritePlanThenApprove_PlanModeOnlyWritesThePlanAndApprovalReachesTheModel()
    {
        var user = new ScriptedUser { Review = new PlanReviewAnswer(PlanDecision.Approve) };
        var (h, session, policy) = await StartAsync(user, PermissionMode.AcceptEdits);
        await using var _ = h;
        var planFile = session.Plan.FilePath;
        h.Script($$$"""
            {"turns":[
              {"tool_calls":[{"id":"enter","name":"EnterPlanMode","arguments":{}}]},
              {"tool_calls":[
                {"id":"code","name":"Write","arguments":{"file_path":"code.txt","content":"too early"}},
                {"id":"plan","name":"Write","arguments":{"file_path":{{{Json(planFile)}}},"content":"1. Change code.txt\n"}}]},
              {"tool_calls":[{"id":"exit","name":"ExitPlanMode","arguments":{}}]},
              {"tool_calls":[{"id":"after","name":"Write","arguments":{"file_path":"code.txt","content":"done"}}]},
              {"text":"Done."}
            ]}
            """);

        var events = await AgentHarness.RunAsync(session, "plan a change");

        Assert.Equal(new TurnEnded(StopReason.EndTurn), events[^1]);
        Assert.Equal([PermissionMode.Plan, PermissionMode.AcceptEdits], events.OfType<ModeChanged>().Select(e => e.Mode));
        Assert.Equal(PermissionMode.AcceptEdits, policy.Mode);
        Assert.Equal("1. Change code.txt\n", File.ReadAllText(planFile));
        Assert.Equal("done", h.ReadFile("code.txt")); // written after approval, not before
        var requests = h.ChatRequests();

        // After EnterPlanMode the request carries the plan-mode reminder with the plan file; the refused write says why.
        Assert.Contains($"Plan file: {planFile}", Wire.Content(AgentHarness.Messages(requests[1])[^1]), StringComparison.Ordinal);
        Assert.Contains("plan mode is read-only", ToolResultIn(requests[2], "code"), StringComparison.Ordinal);
        Assert.DoesNotContain("plan mode is read-only", ToolResultIn(requests[2], "plan"), StringComparison.Ordinal);

        // The approval and the plan reach the model, and the next request says plan mode is off.
        var approved = ToolResultIn(requests[3], "exit");
        Assert.Contains("The user approved the plan", approved, StringComparison.Ordinal);
        Assert.Contains("1. Change code.txt", approved, StringComparison.Ordinal);
        Assert.Contains("Plan mode is off", Wire.Content(AgentHarness.Messages(requests[3])[^1]), StringComparison.Ordinal);
        var review = Assert.Single(user.Reviews);
        Assert.Equal(("1. Change code.txt\n", planFile, "exit"), (review.Plan, review.FilePath, review.CallId));
    }

    [Theory]
    [InlineData(PlanDecision.Revise, "Also update the README.", "Their feedback:\n\nAlso update the README.")]
    [InlineData(PlanDecision.Revise, null, "Ask what to change with AskUserQuestion")]
    [InlineData(PlanDecision.Reject, null, "The user rejected the plan; plan mode stays on")]
    [InlineData(PlanDecision.Dismissed, null, "The plan was dismissed without an answer; plan mode stays on")]
    public async Task RunTurn_PlanNotApproved_AnswerReachesTheModelAndPlanModeStays(PlanDecision decision, string? feedback, string told)
    {
        var user = new ScriptedUser { Review = new PlanReviewAnswer(decision, Feedback: feedback) };
        var (h, session, policy) = await StartAsync(user, PermissionMode.Plan);
        await using var _ = h;
        WritePlan(session, "1. Change code\n");
        h.Script("""{"turns":[{"tool_calls":[{"id":"exit","name":"ExitPlanMode","arguments":{}}]},{"text":"OK."}]}""");

        await AgentHarness.RunAsync(session, "plan it");

        Assert.Equal(PermissionMode.Plan, policy.Mode);
        Assert.Contains(told, ToolResultIn(h.ChatRequests()[^1], "exit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_ExitPlanModeWithOptions_ChosenApproachReachesTheModel()
    {
        var user = new ScriptedUser { Review = new PlanReviewAnswer(PlanDecision.ApproveAcceptEdits, SelectedOption: "Rewrite") };
        var (h, session, policy) = await StartAsync(user, PermissionMode.Plan);
        await using var _ = h;
        WritePlan(session, "A: patch. B: rewrite.\n");
        h.Script("""
            {"turns":[{"tool_calls":[{"id":"exit","name":"ExitPlanMode","arguments":{"options":[
              {"label":"Patch","description":"small"},{"label":"Rewrite","description":"clean"}]}}]},{"text":"OK."}]}
            """);

        await AgentHarness.RunAsync(session, "plan it");

        Assert.Equal(PermissionMode.AcceptEdits, policy.Mode);
        Assert.Equal(["Patch", "Rewrite"], Assert.Single(user.Reviews).Options.Select(o => o.Label));
        Assert.Contains("Chosen approach: Rewrite", ToolResultIn(h.ChatRequests()[^1], "exit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_ExitPlanModeWithEmptyPlanFile_ModelToldWhereToWriteIt()
    {
        var user = new ScriptedUser { Review = new PlanReviewAnswer(PlanDecision.Approve) };
        var (h, session, policy) = await StartAsync(user, PermissionMode.Plan);
        await using var _ = h;
        h.Script("""{"turns":[{"tool_calls":[{"id":"exit","name":"ExitPlanMode","arguments":{}}]},{"text":"OK."}]}""");

        await AgentHarness.RunAsync(session, "plan it");

        Assert.Empty(user.Reviews);
        Assert.Equal(PermissionMode.Plan, policy.Mode);
        Assert.Contains($"Write your plan to {session.Plan.FilePath}", ToolResultIn(h.ChatRequests()[^1], "exit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_AskUserQuestion_ChosenLabelAndOtherTextReachTheModel()
    {
        var user = new ScriptedUser();
        user.Answers["Which database?"] = "Postgres";
        user.Answers["Anything else?"] = "keep it under 100 lines";
        var (h, session, _) = await StartAsync(user);
        await using var _h = h;
        h.Script("""
            {"turns":[{"tool_calls":[{"id":"ask","name":"AskUserQuestion","arguments":{"questions":[
              {"question":"Which database?","header":"DB","options":[{"label":"Postgres","description":"robust"},{"label":"SQLite"}]},
              {"question":"Anything else?","options":[{"label":"No"},{"label":"Yes"}],"multi_select":true}]}}]},
             {"text":"OK."}]}
            """);

        await AgentHarness.RunAsync(session, "build it");

        var asked = Assert.Single(user.Questions);
        Assert.Equal(["Which database?", "Anything else?"], asked.Select(q => q.Question));
        Assert.Equal((false, true), (asked[0].MultiSelect, asked[1].MultiSelect));
        Assert.Equal("""{"answers":{"Which database?":"Postgres","Anything else?":"keep it under 100 lines"}}""", ToolResultIn(h.ChatRequests()[^1], "ask"));
    }

    [Fact]
    public async Task RunTurn_AskUserQuestionDismissed_ModelToldItWasDismissed()
    {
        var (h, session, _) = await StartAsync(new ScriptedUser { Dismiss = true });
        await using var _h = h;
        h.Script("""
            {"turns":[{"tool_calls":[{"id":"ask","name":"AskUserQuestion","arguments":{"questions":[
              {"question":"Which?","options":[{"label":"A"},{"label":"B"}]}]}}]},{"text":"OK."}]}
            """);

        await AgentHarness.RunAsync(session, "build it");

        Assert.Equal("""{"answers":{},"note":"User dismissed the question without answering."}""", ToolResultIn(h.ChatRequests()[^1], "ask"));
    }

    [Fact]
    public async Task RunTurn_AskUserQuestionWithDuplicateLabels_RefusedWithHowToFix()
    {
        var user = new ScriptedUser();
        var (h, session, _) = await StartAsync(user);
        await using var _h = h;
        h.Script("""
            {"turns":[{"tool_calls":[{"id":"ask","name":"AskUserQuestion","arguments":{"questions":[
              {"question":"Which?","options":[{"label":"A"},{"label":"A"}]}]}}]},{"text":"OK."}]}
            """);

        await AgentHarness.RunAsync(session, "build it");

        Assert.Empty(user.Questions);
        Assert.Contains("the option \"A\" appears twice", ToolResultIn(h.ChatRequests()[^1], "ask"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_PrintModeWithoutQuestions_AskFailsOverToTheReplyAndPlanStaysUnapproved()
    {
        var (h, session, policy) = await StartAsync(new RejectingPermissionPrompter(), PermissionMode.Plan);
        await using var _ = h;
        WritePlan(session, "1. Do it\n");
        h.Script("""
            {"turns":[{"tool_calls":[
              {"id":"ask","name":"AskUserQuestion","arguments":{"questions":[{"question":"Which?","options":[{"label":"A"},{"label":"B"}]}]}},
              {"id":"exit","name":"ExitPlanMode","arguments":{}}]},
             {"text":"1. Do it"}]}
            """);

        await AgentHarness.RunAsync(session, "plan it");

        var last = h.ChatRequests()[^1];
        Assert.Equal("Error: " + AskUserQuestionTool.Unsupported, ToolResultIn(last, "ask"));
        Assert.Contains("End your turn now with the whole plan as your answer", ToolResultIn(last, "exit"), StringComparison.Ordinal);
        Assert.Equal(PermissionMode.Plan, policy.Mode);
    }

    [Fact]
    public async Task RunTurn_PlanModeBeforeWasAuto_PlanApprovedWithoutAskingAndSaidSo()
    {
        var user = new ScriptedUser { Review = new PlanReviewAnswer(PlanDecision.Reject) };
        var (h, session, policy) = await StartAsync(user, PermissionMode.Auto);
        await using var _ = h;
        session.Plan.Enter();
        WritePlan(session, "1. Do it\n");
        h.Script("""{"turns":[{"tool_calls":[{"id":"exit","name":"ExitPlanMode","arguments":{}}]},{"text":"OK."}]}""");

        await AgentHarness.RunAsync(session, "plan it");

        Assert.Empty(user.Reviews);
        Assert.Equal(PermissionMode.Auto, policy.Mode);
        Assert.Contains("the user has NOT reviewed this plan", ToolResultIn(h.ChatRequests()[^1], "exit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RunTurn_EnterPlanModeTwice_SecondCallSaysItIsOn()
    {
        var (h, session, policy) = await StartAsync(new ScriptedUser());
        await using var _ = h;
        h.Script("""
            {"turns":[{"tool_calls":[{"id":"e1","name":"EnterPlanMode","arguments":{}}]},
             {"tool_calls":[{"id":"e2","name":"EnterPlanMode","arguments":{}}]},{"text":"OK."}]}
            """);

        await AgentHarness.RunAsync(session, "plan it");

        Assert.Equal(PermissionMode.Plan, policy.Mode);
        Assert.Contains("Plan mode is already on", ToolResultIn(h.ChatRequests()[^1], "e2"), StringComparison.Ordinal);
        Assert.Contains(session.Plan.FilePath, ToolResultIn(h.ChatRequests()[^1], "e1"), StringComparison.Ordinal);
    }

    /// <summary>A user who answers plan reviews and questions from a script, and allows nothing else.</summary>
    private sealed class ScriptedUser : IPermissionPrompter, IUserQuestions
    {
        private readonly ConcurrentQueue<PlanReview> _reviews = new();
        private readonly ConcurrentQueue<IReadOnlyList<UserQuestion>> _questions = new();

        public PlanReviewAnswer Review { get; init; } = new(PlanDecision.Dismissed);

        public Dictionary<string, string> Answers { get; } = new(StringComparer.Ordinal);

        public bool Dismiss { get; init; }

        public IReadOnlyList<PlanReview> Reviews => [.. _reviews];

        public IReadOnlyList<IReadOnlyList<UserQuestion>> Questions => [.. _questions];

        public Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken) => Task.FromResult(PermissionAnswer.Reject);

        public Task<PlanReviewAnswer> ReviewPlanAsync(PlanReview review, CancellationToken cancellationToken)
        {
            _reviews.Enqueue(review);
            return Task.FromResult(Review);
        }

        public Task<IReadOnlyDictionary<string, string>?> AskAsync(string callId, IReadOnlyList<UserQuestion> questions, CancellationToken cancellationToken)
        {
            _questions.Enqueue(questions);
            return Task.FromResult<IReadOnlyDictionary<string, string>?>(Dismiss ? null : Answers);
        }
    }
}
