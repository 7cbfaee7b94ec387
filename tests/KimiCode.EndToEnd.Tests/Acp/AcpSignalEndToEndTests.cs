using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.EndToEnd.Tests.Acp;

/// <summary>An editor closing the project sends SIGTERM: `kimi acp` cancels its turns, kills their tools, answers and exits.</summary>
public sealed class AcpSignalEndToEndTests
{
    private const string ApiKey = "sk-e2e-acp-sigterm";

    private static async Task<string> StartSessionAsync(AcpProcess kimi, string workspace)
    {
        await kimi.Client.ResultAsync("initialize", """{"protocolVersion":1,"clientCapabilities":{},"clientInfo":{"name":"e2e","version":"1"}}""");
        JsonElement created = await kimi.Client.ResultAsync("session/new", $$"""{"cwd":{{Json.Str(workspace)}},"mcpServers":[]}""");
        return created.Text("sessionId");
    }

    [Fact]
    public async Task Acp_SigTermDuringBash_PromptCancelledChildKilledSessionFileValidAndExits()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(ApiKey);
        string work = home.Workspace();
        string pidFile = Path.Combine(work, "child.pid");
        await using var kimi = AcpProcess.Start(home);
        kimi.Client.OnRequest = (method, _) => Task.FromResult(method == "session/request_permission"
            ? ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}""")
            : ClientReply.Error(-32601, method));
        string sessionId = await StartSessionAsync(kimi, work);

        string command = $"sleep 30 & echo $! > {pidFile}; wait";
        string text = "wait\ntool: Bash " + JsonSerializer.Serialize(new Dictionary<string, string> { ["command"] = command });
        Task<JsonElement> prompt = kimi.Client.RequestAsync("session/prompt",
            $$"""{"sessionId":{{Json.Str(sessionId)}},"prompt":[{"type":"text","text":{{Json.Str(text)}}}]}""");
        int childPid = await ProcessWatch.WaitForPidFileAsync(pidFile);

        Assert.Equal(0, ProcessWatch.Signal(kimi.Id, ProcessWatch.SigTerm));
        (int exitCode, string stderr) = await kimi.WaitForExitAsync();

        Assert.True(exitCode == 0, stderr);
        JsonElement response = await prompt;
        Assert.Equal("cancelled", response.GetProperty("result").Text("stopReason"));
        await ProcessWatch.WaitUntilGoneAsync(childPid);
        string sessionFile = Assert.Single(Directory.GetFiles(Path.Combine(home.Root, "sessions"), "context.jsonl", SearchOption.AllDirectories));
        string[] records = File.ReadAllLines(sessionFile);
        Assert.NotEmpty(records);
        Assert.All(records, line => JsonDocument.Parse(line).Dispose());
        Assert.Contains(records, line => line.Contains(sessionId, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acp_SigTermWhileIdle_Exits()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(ApiKey);
        await using var kimi = AcpProcess.Start(home);
        await StartSessionAsync(kimi, home.Workspace());

        Assert.Equal(0, ProcessWatch.Signal(kimi.Id, ProcessWatch.SigTerm));
        (int exitCode, string stderr) = await kimi.WaitForExitAsync();

        Assert.True(exitCode == 0, stderr);
    }
}
