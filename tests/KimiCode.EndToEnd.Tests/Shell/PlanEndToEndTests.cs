namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>Plan approval in the real shell under tmux: the plan box, Revise with typed feedback, then Approve.</summary>
public sealed class PlanEndToEndTests
{
    private const string Key = "sk-plan-end-to-end-0123456789";

    [Fact]
    public async Task Shell_PlanRevisedThenApproved_FeedbackAndApprovalReachTheModel()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work, "--plan");
        await tmux.WaitForIdleAsync(1);

        // A first prompt creates the session's folder, where the plan file lives.
        home.Emulator.State.LoadScript("""{"turns":[{"text":"Looking around."}]}""");
        await tmux.SubmitAsync("hello");
        await tmux.WaitForIdleAsync(2);
        var planFile = PlanFiles.Write(home, "# Greeting plan\n\n1. Rename the greeting\n");

        home.Emulator.State.LoadScript("""
            {"turns":[
              {"tool_calls":[{"id":"exit1","name":"ExitPlanMode","arguments":{}}]},
              {"tool_calls":[{"id":"exit2","name":"ExitPlanMode","arguments":{}}]},
              {"text":"Carrying out the plan."}]}
            """);
        await tmux.SubmitAsync("plan the greeting");
        var review = await tmux.WaitForTextAsync("Approve this plan?");
        Assert.Contains("Rename the greeting", review, StringComparison.Ordinal);
        Assert.Contains("Greeting plan", review, StringComparison.Ordinal);
        Assert.Contains(planFile, review.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);

        await tmux.PressAsync("3");
        await tmux.WaitForTextAsync("Esc goes back");
        await tmux.TypeAsync("also greet in French");
        await tmux.PressAsync("Enter");
        await tmux.WaitForAsync(s => s.IndexOf("Their feedback", StringComparison.Ordinal) is >= 0 and var feedback && s.LastIndexOf("Approve this plan?", StringComparison.Ordinal) > feedback, "the second review");
        await tmux.PressAsync("1");
        var done = await tmux.WaitForAsync(s => s.Contains("Carrying out the plan.", StringComparison.Ordinal) && TmuxTerminal.LastLine(s) == "›", "the answer");

        Assert.Contains("✓ Yes, approve the plan", done, StringComparison.Ordinal); // and the prompt is no longer "plan ›"
        var results = PlanFiles.LastToolResults(home);
        Assert.Contains("also greet in French", results["exit1"], StringComparison.Ordinal);
        Assert.StartsWith("The user approved the plan", results["exit2"], StringComparison.Ordinal);
    }
}
