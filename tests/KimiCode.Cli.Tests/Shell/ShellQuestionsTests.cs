using KimiCode.Agent.Plans;
using KimiCode.Cli.Shell;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>The shell's plan review and AskUserQuestion pickers: which option means what, and the typed text.</summary>
public sealed class ShellQuestionsTests
{
    private static PendingChoice Next(ShellPermissionPrompter prompter)
    {
        Assert.True(prompter.Requests.TryRead(out var pending));
        return Assert.IsType<PendingChoice>(pending);
    }

    [Fact]
    public async Task ReviewPlan_ReviseWithText_FeedbackReturned()
    {
        var prompter = new ShellPermissionPrompter();

        var answer = prompter.ReviewPlanAsync(new PlanReview("c1", "1. Do it", "/tmp/plan.md", []), CancellationToken.None);
        var choice = Next(prompter);
        Assert.Equal(["Yes, approve the plan", "Yes, and auto-accept edits", "No, revise it: tell the model what to change…", "No, reject it (plan mode stays on)"], choice.Picker.Options);
        Assert.Equal([2], choice.TextOptions);
        Assert.NotNull(choice.Details); // the plan box
        choice.Answer.TrySetResult(new ChoiceAnswer(2, "add tests"));

        Assert.Equal(new PlanReviewAnswer(PlanDecision.Revise, Feedback: "add tests"), await answer);
    }

    [Theory]
    [InlineData(0, PlanDecision.Approve)]
    [InlineData(1, PlanDecision.ApproveAcceptEdits)]
    [InlineData(3, PlanDecision.Reject)]
    public async Task ReviewPlan_OptionChosen_DecisionReturned(int option, PlanDecision decision)
    {
        var prompter = new ShellPermissionPrompter();

        var answer = prompter.ReviewPlanAsync(new PlanReview("c1", "1. Do it", "/tmp/plan.md", []), CancellationToken.None);
        Next(prompter).Answer.TrySetResult(new ChoiceAnswer(option, null));

        Assert.Equal(decision, (await answer).Decision);
    }

    [Fact]
    public async Task ReviewPlan_Approaches_OneApproveLinePerApproachAndTheLabelReturned()
    {
        var prompter = new ShellPermissionPrompter();
        ChoiceOption[] options = [new("Patch", "small"), new("Rewrite", "")];

        var answer = prompter.ReviewPlanAsync(new PlanReview("c1", "A or B", "/tmp/plan.md", options), CancellationToken.None);
        var choice = Next(prompter);
        Assert.Equal(["Approve: Patch — small", "Approve: Rewrite"], choice.Picker.Options.Take(2));
        choice.Answer.TrySetResult(new ChoiceAnswer(1, null));

        Assert.Equal(new PlanReviewAnswer(PlanDecision.Approve, "Rewrite"), await answer);
    }

    [Fact]
    public async Task ReviewPlan_Dismissed_Dismissed()
    {
        var prompter = new ShellPermissionPrompter();

        var answer = prompter.ReviewPlanAsync(new PlanReview("c1", "1. Do it", "/tmp/plan.md", []), CancellationToken.None);
        Next(prompter).Answer.TrySetResult(null);

        Assert.Equal(PlanDecision.Dismissed, (await answer).Decision);
    }

    [Fact]
    public async Task Ask_OptionThenOther_LabelAndTypedTextReturnedByQuestion()
    {
        var prompter = new ShellPermissionPrompter();
        UserQuestion[] questions =
        [
            new("Which database?", "DB", [new("Postgres", "robust"), new("SQLite", "")], false),
            new("Anything else?", "", [new("No", ""), new("Yes", "")], true),
        ];

        var answer = prompter.AskAsync("c1", questions, CancellationToken.None);
        var first = Next(prompter);
        Assert.Equal("[DB] Which database?", first.Picker.Title);
        Assert.Equal(["Postgres — robust", "SQLite", "Other… (your own answer)"], first.Picker.Options);
        first.Answer.TrySetResult(new ChoiceAnswer(0, null));
        var second = await NextAsync(prompter);
        Assert.Equal([2], second.TextOptions);
        second.Answer.TrySetResult(new ChoiceAnswer(2, " keep it small "));

        var answers = await answer;
        Assert.NotNull(answers);
        Assert.Equal("Postgres", answers["Which database?"]);
        Assert.Equal("keep it small", answers["Anything else?"]);
    }

    [Fact]
    public async Task Ask_Dismissed_Null()
    {
        var prompter = new ShellPermissionPrompter();

        var answer = prompter.AskAsync("c1", [new UserQuestion("Which?", "", [new("A", ""), new("B", "")], false)], CancellationToken.None);
        Next(prompter).Answer.TrySetResult(null);

        Assert.Null(await answer);
    }

    private static async Task<PendingChoice> NextAsync(ShellPermissionPrompter prompter)
    {
        Assert.True(await prompter.Requests.WaitToReadAsync(TestContext.Current.CancellationToken));
        return Next(prompter);
    }
}
