namespace KimiCode.EndToEnd.Tests;

/// <summary><c>kimi -p --plan</c>: nobody can approve the plan or answer a question, so the model is told to answer in its reply.</summary>
public sealed class PlanPrintEndToEndTests
{
    private const string Key = "sk-plan-print-e2e";

    [Fact]
    public async Task Print_PlanModeExitAndQuestion_FailOverToTheReplyAndNothingChanges()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace(("code.txt", "old\n"));
        home.Emulator.State.LoadScript("""{"turns":[{"text":"Hello."}]}""");
        var first = await home.RunAsync("-p", "hello", "-w", work);
        Assert.True(first.ExitCode == 0, first.ToString());
        PlanFiles.Write(home, "1. Change code.txt\n");
        home.Emulator.State.LoadScript("""
            {"turns":[
              {"tool_calls":[
                {"id":"ask","name":"AskUserQuestion","arguments":{"questions":[{"question":"Which style?","options":[{"label":"A"},{"label":"B"}]}]}},
                {"id":"exit","name":"ExitPlanMode","arguments":{}},
                {"id":"write","name":"Write","arguments":{"file_path":"code.txt","content":"new\n"}}]},
              {"text":"1. Change code.txt"}]}
            """);

        var result = await home.RunAsync("-p", "plan the change", "--plan", "--continue", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("1. Change code.txt", result.Stdout, StringComparison.Ordinal);
        Assert.Equal("old\n", File.ReadAllText(Path.Combine(work, "code.txt")));
        var results = PlanFiles.LastToolResults(home);
        Assert.Contains("Ask the user directly in your text response instead", results["ask"], StringComparison.Ordinal);
        Assert.Contains("End your turn now with the whole plan as your answer", results["exit"], StringComparison.Ordinal);
        Assert.Contains("plan mode is read-only", results["write"], StringComparison.Ordinal);
    }
}
