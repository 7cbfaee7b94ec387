using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>An Agent call over ACP: one tool call with progress, and the subagent's approvals asked about that call.</summary>
public sealed class SubagentTests
{
    private static string ToolLine(string tool, string argumentsJson) => $"tool: {tool} {argumentsJson}";

    [Fact]
    public async Task Prompt_AgentCall_ShownAsOneToolCallWithProgress_SubagentApprovalAskedUnderIt()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        var asked = new TaskCompletionSource<(string Method, JsonElement Parameters)>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Client.OnRequest = (method, parameters) => asked.TrySetResult((method, parameters.Clone()))
            ? Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}"""))
            : Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"cancelled"}}""")); // only one question is expected
        string sessionId = await harness.NewSessionAsync();
        string path = Path.Combine(harness.Workspace, "by-agent.txt");
        string childPrompt = ToolLine("Write", $$"""{"file_path":{{Json.Str(path)}},"content":"written by a subagent"}""");

        JsonElement result = await harness.PromptAsync(sessionId, ToolLine("Agent", $$"""{"prompt":{{Json.Str(childPrompt)}},"description":"write a file","subagent_type":"coder"}"""));

        Assert.Equal("end_turn", result.Text("stopReason"));
        Assert.Equal("written by a subagent", File.ReadAllText(path));
        List<JsonElement> updates = harness.Client.DrainUpdates();
        JsonElement call = Assert.Single(updates, u => u.Tag() == "tool_call");
        string callId = call.Text("toolCallId")!;
        Assert.Equal("coder agent: write a file", call.Text("title"));
        Assert.Equal("think", call.Text("kind"));

        (string method, JsonElement parameters) = await asked.Task;
        Assert.Equal("session/request_permission", method);
        JsonElement request = parameters.GetProperty("toolCall");
        Assert.Equal(callId, request.Text("toolCallId"));
        Assert.StartsWith("coder agent: ", request.Text("title"), StringComparison.Ordinal);
        Assert.Equal("edit", request.Text("kind"));

        List<JsonElement> progress = [.. updates.Where(u => u.Tag() == "tool_call_update" && u.Text("toolCallId") == callId)];
        // Updates may come without a status (content alone): ask for one only where it is there.
        static string? Status(JsonElement u) => u.TryGetProperty("status", out var status) ? status.GetString() : null;
        Assert.Contains(progress, u => Status(u) == "in_progress" && u.TryGetProperty("content", out var content)
            && content[0].GetProperty("content").Text("text")!.Contains("Write: ", StringComparison.Ordinal));
        JsonElement done = progress.Last(u => Status(u) is not null);
        Assert.Equal("completed", Status(done));
        Assert.Contains("Tool Write returned:", done.GetProperty("content")[0].GetProperty("content").Text("text"), StringComparison.Ordinal);
    }
}
