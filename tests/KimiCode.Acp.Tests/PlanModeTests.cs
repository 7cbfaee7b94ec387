using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>Plan approval and AskUserQuestion over <c>session/request_permission</c>; mode changes as <c>current_mode_update</c>.</summary>
public sealed class PlanModeTests
{
    /// <summary>What the model got back for call <paramref name="callId"/> in the last chat request.</summary>
    private static string ToolResult(AcpHarness harness, string callId)
    {
        using JsonDocument body = JsonDocument.Parse(harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body);
        return body.RootElement.GetProperty("messages").EnumerateArray()
            .Single(m => m.TryGetProperty("tool_call_id", out JsonElement id) && id.GetString() == callId).Text("content");
    }

    private static string WritePlan(AcpHarness harness, string sessionId, string text)
    {
        string sessionDir = Directory.GetDirectories(Path.Combine(harness.Home, "sessions"), sessionId, SearchOption.AllDirectories).Single();
        string plans = Directory.CreateDirectory(Path.Combine(sessionDir, "plans")).FullName;
        string file = Path.Combine(plans, "plan.md");
        File.WriteAllText(file, text);
        return file;
    }

    private static async Task<(AcpHarness Harness, string SessionId, Task<JsonElement> Asked)> StartInPlanModeAsync(string optionId)
    {
        AcpHarness harness = await AcpHarness.StartAsync();
        var asked = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Client.OnRequest = (method, parameters) =>
        {
            Assert.Equal("session/request_permission", method);
            asked.TrySetResult(parameters.Clone());
            return Task.FromResult(ClientReply.Result($$$"""{"outcome":{"outcome":"selected","optionId":"{{{optionId}}}"}}"""));
        };
        string sessionId = await harness.NewSessionAsync();
        await harness.Client.ResultAsync("session/set_mode", $$"""{"sessionId":{{Json.Str(sessionId)}},"modeId":"plan"}""");
        return (harness, sessionId, asked.Task);
    }

    [Fact]
    public async Task Prompt_ExitPlanModeApproved_PlanShownInTheRequestModeUpdatedAndApprovalReachesTheModel()
    {
        var (harness, sessionId, asked) = await StartInPlanModeAsync("plan_approve");
        await using var _ = harness;
        string planFile = WritePlan(harness, sessionId, "1. Land the bridge\n");
        harness.Emulator.State.LoadScript("""{"turns":[{"tool_calls":[{"id":"exit","name":"ExitPlanMode","arguments":{}}]},{"text":"Carrying it out."}]}""");

        JsonElement result = await harness.PromptAsync(sessionId, "plan the bridge");

        Assert.Equal("end_turn", result.Text("stopReason"));
        JsonElement request = await asked;
        Assert.Equal(["plan_approve", "plan_approve_accept_edits", "plan_revise", "plan_reject"], request.GetProperty("options").EnumerateArray().Select(o => o.Text("optionId")));
        Assert.Equal("exit", request.GetProperty("toolCall").Text("toolCallId"));
        Assert.Equal($"Plan saved to: {planFile}\n\n1. Land the bridge\n", request.GetProperty("toolCall").GetProperty("content")[0].GetProperty("content").Text("text"));
        List<JsonElement> updates = harness.Client.DrainUpdates();
        Assert.Contains(updates, u => u.Tag() == "current_mode_update" && u.Text("currentModeId") == "default");
        Assert.StartsWith("The user approved the plan", ToolResult(harness, "exit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_ExitPlanModeRevised_PlanModeStaysAndModelToldToRevise()
    {
        var (harness, sessionId, asked) = await StartInPlanModeAsync("plan_revise");
        await using var _ = harness;
        WritePlan(harness, sessionId, "1. Land the bridge\n");
        harness.Emulator.State.LoadScript("""{"turns":[{"tool_calls":[{"id":"exit","name":"ExitPlanMode","arguments":{}}]},{"text":"Which part?"}]}""");

        await harness.PromptAsync(sessionId, "plan the bridge");

        await asked;
        Assert.DoesNotContain(harness.Client.DrainUpdates(), u => u.Tag() == "current_mode_update");
        Assert.StartsWith("The user wants the plan revised; plan mode stays on", ToolResult(harness, "exit"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_AskUserQuestion_OptionsOfferedAndTheChosenLabelReachesTheModel()
    {
        var (harness, sessionId, asked) = await StartInPlanModeAsync("q0_opt_1");
        await using var _ = harness;
        harness.Emulator.State.LoadScript("""
            {"turns":[{"tool_calls":[{"id":"ask","name":"AskUserQuestion","arguments":{"questions":[
              {"question":"Which store?","options":[{"label":"Postgres","description":"robust"},{"label":"SQLite","description":"simple"}]}]}}]},
             {"text":"SQLite it is."}]}
            """);

        await harness.PromptAsync(sessionId, "pick a store");

        JsonElement request = await asked;
        Assert.Equal("Which store?", request.GetProperty("toolCall").Text("title"));
        Assert.Equal(["Postgres", "SQLite", "Skip"], request.GetProperty("options").EnumerateArray().Select(o => o.Text("name")));
        Assert.Equal("""{"answers":{"Which store?":"SQLite"}}""", ToolResult(harness, "ask"));
    }
}
