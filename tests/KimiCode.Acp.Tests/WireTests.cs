using System.Text;
using System.Text.Json;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>JSON-RPC edge cases and content mapping (issue 22, "wire" part).</summary>
public sealed class WireTests
{
    private static string ToolLine(string tool, string argumentsJson) => $"tool: {tool} {argumentsJson}";

    private static string SessionParams(string sessionId, string cwd) =>
        $$"""{"sessionId":{{Json.Str(sessionId)}},"cwd":{{Json.Str(cwd)}},"mcpServers":[]}""";

    [Fact]
    public async Task Prompt_InvalidUtf8InsideAString_ParseErrorWithNullIdAndTheConnectionCarriesOn()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        byte[] head = Encoding.UTF8.GetBytes($$"""{"jsonrpc":"2.0","id":"bad-utf8","method":"session/prompt","params":{"sessionId":{{Json.Str(sessionId)}},"prompt":[{"type":"text","text":"caf""");
        byte[] tail = Encoding.UTF8.GetBytes("\"}]}}\n");

        await harness.Client.SendBytesAsync([.. head, 0xC3, 0x28, 0xFF, .. tail]);
        JsonElement response = await harness.Client.NextUnmatchedResponseAsync();

        Assert.Equal(-32700, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("id").ValueKind);
        Assert.Contains("UTF-8", response.GetProperty("error").Text("message"), StringComparison.Ordinal);
        Assert.Equal("end_turn", (await harness.PromptAsync(sessionId, "next line works")).Text("stopReason"));
    }

    [Theory]
    [InlineData("session/prompt", """{"sessionId":123,"prompt":[]}""", "params.sessionId: expected a string")]
    [InlineData("session/prompt", """{"sessionId":"s"}""", "params: missing required \"prompt\"")]
    [InlineData("session/prompt", """{"sessionId":"s","prompt":"just text"}""", "params.prompt: expected an array")]
    [InlineData("session/prompt", """{"sessionId":"s","prompt":[{"type":"bogus","text":"x"}]}""", "params.prompt[0].type: expected one of text, image, audio, resource_link, resource")]
    [InlineData("session/prompt", """{"sessionId":"s","prompt":[{"text":"no type"}]}""", "params.prompt[0]: missing required \"type\" (one of text, image")]
    [InlineData("session/prompt", """{"sessionId":"s","prompt":[{"type":"text","text":5}]}""", "params.prompt[0].text: expected a string, got a number")]
    [InlineData("session/prompt", """{"sessionId":"s","prompt":[{"type":"text"}]}""", "params.prompt[0]: missing required \"text\"")]
    [InlineData("session/prompt", """{"sessionId":"s","prompt":[{"type":"text","text":null}]}""", "params.prompt[0].text: expected a string, got null")]
    [InlineData("session/prompt", """{"sessionId":"s","prompt":[{"type":"resource","resource":{"text":"x"}}]}""", "params.prompt[0].resource: missing required \"uri\"")]
    [InlineData("session/new", """{"cwd":5,"mcpServers":[]}""", "params.cwd: expected a string, got a number")]
    [InlineData("session/new", """{"cwd":"/tmp","mcpServers":"none"}""", "params.mcpServers: expected an array, got a string")]
    [InlineData("session/list", """{"cursor":17}""", "params.cursor: expected a string, got a number")]
    [InlineData("session/load", """{"sessionId":[],"cwd":"/","mcpServers":[]}""", "params.sessionId: expected a string, got an array")]
    public async Task InvalidParams_MessageNamesThePathAndWhatWasExpected_NeverADotNetType(string method, string parameters, string expected)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync(method, parameters);

        string message = error.Text("message");
        Assert.True(error.GetProperty("code").GetInt32() == -32602, message);
        Assert.Contains(expected, message, StringComparison.Ordinal);
        Assert.DoesNotContain("KimiCode.", message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', message);
    }

    [Theory]
    [InlineData("""{"outcome":{"outcome":"maybe"}}""", "params.outcome.outcome: expected one of selected, cancelled, got \"maybe\"")]
    [InlineData("""{"outcome":{"outcome":1}}""", "params.outcome.outcome: expected one of selected, cancelled, got a number")]
    [InlineData("""{"outcome":{"optionId":"x"}}""", "params.outcome: missing required \"outcome\"")]
    [InlineData("""{"outcome":[]}""", "params.outcome: expected an object, got an array")]
    public void ReadParams_UnknownEnumValueOrBadShape_OneLineWithPathAndChoices(string parameters, string expected)
    {
        var request = new JsonRpcRequest("x/test", Json.Parse(parameters), Json.Parse("1"));

        AcpException error = Assert.Throws<AcpException>(() => request.ReadParams(AcpJsonContext.Default.RequestPermissionResponse));

        Assert.Equal(-32602, error.Code);
        Assert.Contains(expected, error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("KimiCode.", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("System.", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_LoneSurrogateEscapeInText_BecomesReplacementCharacter()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        harness.Client.DrainUpdates();

        JsonElement result = await harness.Client.ResultAsync("session/prompt", $$"""
            {"sessionId":{{Json.Str(sessionId)}},"prompt":[{"type":"text","text":"a\ud800b \udc00c \ud83d\ude00"}]}
            """);

        Assert.Equal("end_turn", result.Text("stopReason"));
        string echoed = string.Concat(harness.Client.DrainUpdates().Where(u => u.Tag() == "agent_message_chunk").Select(u => u.GetProperty("content").Text("text")));
        Assert.Equal("Echo: a\uFFFDb \uFFFDc \U0001F600", echoed);
    }

    [Fact]
    public async Task Prompt_TruncatedUnicodeEscape_StaysAParseError()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        await harness.Client.SendLineAsync($$$"""{"jsonrpc":"2.0","id":9,"method":"session/prompt","params":{"sessionId":{{{Json.Str(sessionId)}}},"prompt":[{"type":"text","text":"a\ud8"}]}}""");
        JsonElement response = await harness.Client.NextUnmatchedResponseAsync();

        Assert.Equal(-32700, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(JsonValueKind.Null, response.GetProperty("id").ValueKind);
    }

    [Fact]
    public async Task Prompt_ToolWithoutApproval_PendingThenInProgressThenCompleted()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string path = Path.Combine(harness.Workspace, "notes.txt");
        await File.WriteAllTextAsync(path, "hello", TestContext.Current.CancellationToken);
        string sessionId = await harness.NewSessionAsync();
        harness.Client.DrainUpdates();

        await harness.PromptAsync(sessionId, ToolLine("Read", $$"""{"file_path":{{Json.Str(path)}}}"""));

        string[] statuses = [.. harness.Client.DrainUpdates()
            .Where(u => u.Tag() is "tool_call" or "tool_call_update" && u.TryGetProperty("status", out _))
            .Select(u => u.Tag() + ":" + u.Text("status"))];
        Assert.Equal(["tool_call:pending", "tool_call_update:in_progress", "tool_call_update:completed"], statuses);
    }

    [Fact]
    public async Task Prompt_ToolAfterApproval_InProgressOnceThenCompleted()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string path = Path.Combine(harness.Workspace, "new.txt");
        harness.Client.OnRequest = (method, parameters) =>
            Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}"""));
        string sessionId = await harness.NewSessionAsync();
        harness.Client.DrainUpdates();

        await harness.PromptAsync(sessionId, ToolLine("Write", $$$"""{"file_path":{{{Json.Str(path)}}},"content":"x"}"""));

        string[] statuses = [.. harness.Client.DrainUpdates()
            .Where(u => u.Tag() is "tool_call" or "tool_call_update" && u.TryGetProperty("status", out _))
            .Select(u => u.Tag() + ":" + u.Text("status"))];
        Assert.Equal(["tool_call:pending", "tool_call_update:in_progress", "tool_call_update:completed"], statuses);
    }

    [Fact]
    public async Task Load_ImageOnlyPromptAndEmbeddedResource_ReplayedAsTheBlocksSent()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        string png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);
        await harness.Client.ResultAsync("session/prompt", $$"""
            {"sessionId":{{Json.Str(sessionId)}},"prompt":[{"type":"image","data":"{{png}}","mimeType":"image/png"}]}
            """);
        await harness.Client.ResultAsync("session/prompt", $$$"""
            {"sessionId":{{{Json.Str(sessionId)}}},"prompt":[
              {"type":"text","text":"Summarise"},
              {"type":"resource","resource":{"uri":"file:///project/a \"q\".md","text":"body with </context> inside\nline 2","mimeType":"text/markdown"}},
              {"type":"text","text":"please"}
            ]}
            """);

        AcpConnection again = harness.Connect();
        await AcpHarness.InitializeAsync(again.Client);
        await again.Client.ResultAsync("session/load", SessionParams(sessionId, harness.Workspace));

        List<JsonElement> user = [.. again.Client.DrainUpdates().Where(u => u.Tag() == "user_message_chunk").Select(u => u.GetProperty("content"))];
        Assert.Equal(4, user.Count);
        Assert.Equal(("image", png, "image/png"), (user[0].Text("type"), user[0].Text("data"), user[0].Text("mimeType")));
        Assert.Equal(("text", "Summarise"), (user[1].Text("type"), user[1].Text("text")));
        Assert.Equal("resource", user[2].Text("type"));
        JsonElement resource = user[2].GetProperty("resource");
        Assert.Equal(("file:///project/a \"q\".md", "body with </context> inside\nline 2", "text/markdown"), (resource.Text("uri"), resource.Text("text"), resource.Text("mimeType")));
        Assert.Equal(("text", "please"), (user[3].Text("type"), user[3].Text("text").Trim()));
    }
}
