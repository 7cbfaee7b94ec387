using KimiCode.Acp.Tests.Support;
using System.Text.Json;
using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests.Acp;

/// <summary>`kimi acp` driven as a subprocess, the way editors run it, against the in-process emulator.</summary>
public sealed class AcpEndToEndTests
{
    private const string ApiKey = "sk-e2e-acp-key";

    private static string SessionNew(string cwd) => $$"""{"cwd":{{Json.Str(cwd)}},"mcpServers":[]}""";

    private static string Prompt(string sessionId, string text) =>
        $$$"""{"sessionId":{{{Json.Str(sessionId)}}},"prompt":[{"type":"text","text":{{{Json.Str(text)}}}}]}""";

    private static string Joined(IEnumerable<JsonElement> updates, string tag) =>
        string.Concat(updates.Where(u => u.Tag() == tag).Select(u => u.GetProperty("content").Text("text")));

    /// <summary>An API-key-only home: a provider with an api_key (and a custom header), no OAuth login.</summary>
    private static void WriteApiKeyConfig(TestHome home)
    {
        home.Emulator.State.AddApiKey(ApiKey);
        HomeFiles.WriteConfig(
            home.Root,
            HomeFiles.DefaultModel("moonshot/kimi-for-coding"),
            HomeFiles.ApiKeyProvider("moonshot", ApiKey, home.Emulator.CodingBaseUrl, ("X-E2E-Custom", "acp-path")),
            HomeFiles.Model("moonshot/kimi-for-coding", "moonshot", "kimi-for-coding", 262144));
    }

    private static string Workspace(TestHome home)
    {
        string path = Path.Combine(home.Root, "project");
        Directory.CreateDirectory(path);
        return path;
    }

    private static async Task<string> StartSessionAsync(AcpProcess kimi, string workspace, string capabilities = "{}")
    {
        await kimi.Client.ResultAsync("initialize", $$$"""{"protocolVersion":1,"clientCapabilities":{{{capabilities}}},"clientInfo":{"name":"e2e","version":"1"}}""");
        JsonElement created = await kimi.Client.ResultAsync("session/new", SessionNew(workspace));
        return created.Text("sessionId");
    }

    [Fact]
    public async Task Acp_ApiKeyOnlyHome_NewSessionSucceedsPromptStreamsWithIdentityAndCustomHeaders()
    {
        await using var home = await TestHome.StartAsync();
        WriteApiKeyConfig(home);
        await using var kimi = AcpProcess.Start(home);

        string sessionId = await StartSessionAsync(kimi, Workspace(home));
        JsonElement result = await kimi.Client.ResultAsync("session/prompt", Prompt(sessionId, "hello from the editor"));

        Assert.Equal("end_turn", result.Text("stopReason"));
        List<JsonElement> updates = kimi.Client.DrainUpdates();
        Assert.Equal("Echo: hello from the editor", Joined(updates, "agent_message_chunk"));
        Assert.True(updates.Count(u => u.Tag() == "agent_message_chunk") > 1);
        var chat = home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal(200, chat.StatusCode);
        Assert.Equal("kimi_cli", chat.Headers["x-msh-platform"]);
        Assert.Equal("acp-path", chat.Headers["x-e2e-custom"]);
        Assert.Equal("Bearer " + ApiKey, chat.Headers["authorization"]);

        (int exitCode, string stderr) = await kimi.StopAsync();
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain(ApiKey, stderr, StringComparison.Ordinal);
        Assert.All(kimi.Client.Lines, line => Assert.Equal("2.0", Json.Parse(line).Text("jsonrpc")));
        Assert.DoesNotContain(kimi.Client.Lines, line => line.Contains(ApiKey, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acp_EmptyHome_NewSessionAuthRequiredWithAuthMethods()
    {
        await using var home = await TestHome.StartAsync();
        await using var kimi = AcpProcess.Start(home);
        await kimi.Client.ResultAsync("initialize", """{"protocolVersion":1,"clientCapabilities":{"auth":{"terminal":true}}}""");

        JsonElement error = await kimi.Client.ErrorAsync("session/new", SessionNew(Workspace(home)));

        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
        JsonElement[] methods = [.. error.GetProperty("data").GetProperty("authMethods").EnumerateArray()];
        Assert.Equal("login", methods[0].Text("id"));
        Assert.Equal("terminal", methods[0].Text("type"));
        Assert.Equal(["login"], methods[0].GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("kimi-api-key", methods[1].Text("id"));
    }

    [Fact]
    public async Task Acp_OAuthHome_PromptStreamsWithTheAccessToken()
    {
        await using var home = await TestHome.StartAsync();
        var tokens = home.LogInDirectly();
        await using var kimi = AcpProcess.Start(home);

        string sessionId = await StartSessionAsync(kimi, Workspace(home));
        JsonElement result = await kimi.Client.ResultAsync("session/prompt", Prompt(sessionId, "oauth works"));

        Assert.Equal("end_turn", result.Text("stopReason"));
        Assert.Equal("Echo: oauth works", Joined(kimi.Client.DrainUpdates(), "agent_message_chunk"));
        var chat = home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal("Bearer " + tokens.AccessToken, chat.Headers["authorization"]);
        Assert.Equal("kimi_cli", chat.Headers["x-msh-platform"]);
    }

    [Fact]
    public async Task Acp_ReadToolCall_ReadsThroughFsReadTextFile()
    {
        await using var home = await TestHome.StartAsync();
        WriteApiKeyConfig(home);
        await using var kimi = AcpProcess.Start(home);
        string workspace = Workspace(home);
        string path = Path.Combine(workspace, "draft.md");
        var reads = new List<string>();
        kimi.Client.OnRequest = (method, parameters) =>
        {
            if (method != "fs/read_text_file")
            {
                return Task.FromResult(ClientReply.Error(-32601, method));
            }

            lock (reads)
            {
                reads.Add(parameters.Text("path"));
            }

            return Task.FromResult(ClientReply.Result("""{"content":"# Draft only in the editor\nnot saved yet"}"""));
        };
        string sessionId = await StartSessionAsync(kimi, workspace, """{"fs":{"readTextFile":true,"writeTextFile":true}}""");

        JsonElement result = await kimi.Client.ResultAsync("session/prompt", Prompt(sessionId, $$"""tool: Read {"file_path":{{Json.Str(path)}}}"""));

        Assert.Equal("end_turn", result.Text("stopReason"));
        Assert.Equal([path], reads);
        List<JsonElement> updates = kimi.Client.DrainUpdates();
        JsonElement call = Assert.Single(updates, u => u.Tag() == "tool_call");
        Assert.Equal("read", call.Text("kind"));
        Assert.Equal("completed", updates.Last(u => u.Tag() == "tool_call_update").Text("status"));
        Assert.Contains("Draft only in the editor", Joined(updates, "agent_message_chunk"), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Theory]
    [InlineData("allow_once", true)]
    [InlineData("reject_once", false)]
    [InlineData(null, false)]
    public async Task Acp_PermissionRequest_AnsweredEachWay(string? option, bool written)
    {
        await using var home = await TestHome.StartAsync();
        WriteApiKeyConfig(home);
        await using var kimi = AcpProcess.Start(home);
        string workspace = Workspace(home);
        string path = Path.Combine(workspace, "result.txt");
        JsonElement? asked = null;
        kimi.Client.OnRequest = (method, parameters) =>
        {
            asked = parameters.Clone();
            return Task.FromResult(method != "session/request_permission"
                ? ClientReply.Error(-32601, method)
                : ClientReply.Result(option is null ? """{"outcome":{"outcome":"cancelled"}}""" : $$$"""{"outcome":{"outcome":"selected","optionId":"{{{option}}}"}}"""));
        };
        string sessionId = await StartSessionAsync(kimi, workspace);

        JsonElement result = await kimi.Client.ResultAsync("session/prompt", Prompt(sessionId, $$"""tool: Write {"file_path":{{Json.Str(path)}},"content":"approved content"}"""));

        Assert.Equal("end_turn", result.Text("stopReason"));
        Assert.NotNull(asked);
        Assert.Equal(["allow_once", "allow_always", "reject_once"], asked.Value.GetProperty("options").EnumerateArray().Select(o => o.Text("optionId")));
        Assert.Equal(written, File.Exists(path));
        JsonElement done = kimi.Client.DrainUpdates().Last(u => u.Tag() == "tool_call_update");
        Assert.Equal(written ? "completed" : "failed", done.Text("status"));
        string body = home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Equal(!written, body.Contains("The user denied the Write call", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Acp_CancelMidTurn_PromptAnswersCancelledAndTheSessionGoesOn()
    {
        await using var home = await TestHome.StartAsync();
        WriteApiKeyConfig(home);
        home.Emulator.State.LoadScript($$"""{"turns":[{"thinking":"let me think","text":"{{new string('w', 800)}}","chunk_size":1,"delay_ms":20}]}""");
        await using var kimi = AcpProcess.Start(home);
        string sessionId = await StartSessionAsync(kimi, Workspace(home));

        Task<JsonElement> prompt = kimi.Client.ResultAsync("session/prompt", Prompt(sessionId, "a long answer please"));
        await kimi.Client.NextUpdateAsync(u => u.Tag() == "agent_message_chunk");
        await kimi.Client.NotifyAsync("session/cancel", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");

        Assert.Equal("cancelled", (await prompt).Text("stopReason"));
        kimi.Client.DrainUpdates();
        JsonElement next = await kimi.Client.ResultAsync("session/prompt", Prompt(sessionId, "and now?"));
        Assert.Equal("end_turn", next.Text("stopReason"));
        Assert.Equal("Echo: and now?", Joined(kimi.Client.DrainUpdates(), "agent_message_chunk"));
    }

    [Fact]
    public async Task Acp_LoadInANewProcess_ReplaysTheHistoryBeforeResponding()
    {
        await using var home = await TestHome.StartAsync();
        WriteApiKeyConfig(home);
        string workspace = Workspace(home);
        string sessionId;
        await using (var first = AcpProcess.Start(home))
        {
            sessionId = await StartSessionAsync(first, workspace);
            await first.Client.ResultAsync("session/prompt", Prompt(sessionId, "remember this conversation"));
            Assert.Equal(0, (await first.StopAsync()).ExitCode);
        }

        await using var second = AcpProcess.Start(home);
        await second.Client.ResultAsync("initialize", """{"protocolVersion":1,"clientCapabilities":{}}""");
        JsonElement listed = await second.Client.ResultAsync("session/list", $$"""{"cwd":{{Json.Str(workspace)}}}""");
        JsonElement loaded = await second.Client.ResultAsync("session/load", $$"""{"sessionId":{{Json.Str(sessionId)}},"cwd":{{Json.Str(workspace)}},"mcpServers":[]}""");

        Assert.Equal(sessionId, listed.GetProperty("sessions")[0].Text("sessionId"));
        Assert.Equal("remember this conversation", listed.GetProperty("sessions")[0].Text("title"));
        Assert.Equal("default", loaded.GetProperty("modes").Text("currentModeId"));
        List<string> lines = [.. second.Client.Lines];
        int response = lines.FindIndex(l => l.Contains("currentModeId", StringComparison.Ordinal) && l.Contains("\"result\"", StringComparison.Ordinal));
        List<JsonElement> replay = [.. lines.Take(response).Select(Json.Parse)
            .Where(m => m.TryGetProperty("method", out JsonElement method) && method.GetString() == "session/update")
            .Select(m => m.GetProperty("params").GetProperty("update"))];
        Assert.Equal("remember this conversation", replay.First(u => u.Tag() == "user_message_chunk").GetProperty("content").Text("text"));
        Assert.Equal("Echo: remember this conversation", Joined(replay, "agent_message_chunk"));

        JsonElement next = await second.Client.ResultAsync("session/prompt", Prompt(sessionId, "continue"));
        Assert.Equal("end_turn", next.Text("stopReason"));
        string body = home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Contains("remember this conversation", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Acp_200FuzzedMalformedLines_EachGetsTheRightErrorAndTheSessionStillWorks()
    {
        await using var home = await TestHome.StartAsync();
        WriteApiKeyConfig(home);
        await using var kimi = AcpProcess.Start(home);
        string sessionId = await StartSessionAsync(kimi, Workspace(home));

        List<MalformedLine> lines = MalformedLines.Generate(seed: 7_000_007, count: 200);
        foreach (MalformedLine line in lines)
        {
            await kimi.Client.SendBytesAsync([.. line.Bytes, (byte)'\n']);
            JsonElement response = await kimi.Client.NextUnmatchedResponseAsync();

            Assert.True(response.TryGetProperty("error", out JsonElement error), $"{line} got {response.GetRawText()}");
            Assert.True(line.ExpectedCode == error.GetProperty("code").GetInt32(), $"{line} got {response.GetRawText()}");
            Assert.True(line.ExpectedId == response.GetProperty("id").GetRawText(), $"{line} got {response.GetRawText()}");
        }

        JsonElement result = await kimi.Client.ResultAsync("session/prompt", Prompt(sessionId, "survived"));
        Assert.Equal("end_turn", result.Text("stopReason"));
        Assert.Equal("Echo: survived", Joined(kimi.Client.DrainUpdates(), "agent_message_chunk"));
        (int exitCode, string stderr) = await kimi.StopAsync();
        Assert.Equal(0, exitCode);
        Assert.DoesNotContain("   at ", stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task AcpLogin_RunsTheLoginCommand()
    {
        await using var home = await TestHome.StartAsync(o => o.AutoApprove = true);

        var result = await home.RunAsync("acp", "login", "--no-browser");

        Assert.Equal(0, result.ExitCode);
        Assert.True(File.Exists(home.ConfigPath), result.ToString());
        Assert.Contains("managed:kimi-code", File.ReadAllText(home.ConfigPath), StringComparison.Ordinal);
    }
}
