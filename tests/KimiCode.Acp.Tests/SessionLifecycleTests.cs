using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

public sealed class SessionLifecycleTests
{
    private static string SessionParams(string sessionId, string cwd) =>
        $$"""{"sessionId":{{Json.Str(sessionId)}},"cwd":{{Json.Str(cwd)}},"mcpServers":[]}""";

    [Fact]
    public async Task Load_FromAFreshServer_ReplaysTheHistoryBeforeResponding()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        string file = Path.Combine(harness.Workspace, "notes.txt");
        await File.WriteAllTextAsync(file, "remember the milk", TestContext.Current.CancellationToken);
        await harness.PromptAsync(sessionId, "first question");
        await harness.PromptAsync(sessionId, $$"""tool: Read {"file_path":{{Json.Str(file)}}}""");

        AcpConnection again = harness.Connect();
        await AcpHarness.InitializeAsync(again.Client);
        JsonElement result = await again.Client.ResultAsync("session/load", SessionParams(sessionId, harness.Workspace));

        Assert.Equal("default", result.GetProperty("modes").Text("currentModeId"));
        List<string> lines = [.. again.Client.Lines];
        int response = lines.FindLastIndex(l => l.Contains("\"result\"", StringComparison.Ordinal) && l.Contains("currentModeId", StringComparison.Ordinal));
        List<JsonElement> replay = [.. lines.Take(response).Select(Json.Parse)
            .Where(m => m.TryGetProperty("method", out JsonElement method) && method.GetString() == "session/update")
            .Select(m => m.GetProperty("params").GetProperty("update"))];
        string[] tags = [.. replay.Select(u => u.Tag())];
        Assert.Equal(["user_message_chunk", "agent_thought_chunk", "agent_message_chunk", "user_message_chunk", "agent_thought_chunk", "tool_call", "tool_call_update", "agent_message_chunk"], tags);
        Assert.Equal("first question", replay[0].GetProperty("content").Text("text"));
        Assert.Equal("Echo: first question", replay[2].GetProperty("content").Text("text"));
        Assert.Equal("read", replay[5].Text("kind"));
        Assert.Equal("completed", replay[6].Text("status"));
        Assert.Contains("remember the milk", replay[7].GetProperty("content").Text("text"), StringComparison.Ordinal);
        JsonElement title = await again.Client.NextUpdateAsync(u => u.Tag() == "session_info_update");
        Assert.Equal("first question", title.GetProperty("update").Text("title"));
    }

    [Fact]
    public async Task Resume_FromAFreshServer_ContinuesWithoutReplay()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        await harness.PromptAsync(sessionId, "remember: the password is swordfish");

        AcpConnection again = harness.Connect();
        await AcpHarness.InitializeAsync(again.Client);
        await again.Client.ResultAsync("session/resume", SessionParams(sessionId, harness.Workspace));
        JsonElement result = await again.Client.ResultAsync("session/prompt", AcpHarness.PromptParams(sessionId, "what was it?"));

        Assert.Equal("end_turn", result.Text("stopReason"));
        Assert.DoesNotContain(again.Client.Lines, l => l.Contains("user_message_chunk", StringComparison.Ordinal));
        string body = harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Contains("swordfish", body, StringComparison.Ordinal);
        Assert.Contains("what was it?", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("session/load")]
    [InlineData("session/resume")]
    public async Task LoadOrResume_UnknownSession_ResourceNotFound(string method)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync(method, SessionParams("0198a3f0-0000-7000-8000-000000000000", harness.Workspace));

        Assert.Equal(-32002, error.GetProperty("code").GetInt32());
        Assert.Equal("0198a3f0-0000-7000-8000-000000000000", error.GetProperty("data").Text("sessionId"));
    }

    [Fact]
    public async Task List_TwoSessions_NewestFirstWithTitles()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string first = await harness.NewSessionAsync();
        await harness.PromptAsync(first, "alpha task");
        JsonElement second = await harness.Client.ResultAsync("session/new", harness.NewSessionParams());
        await harness.PromptAsync(second.Text("sessionId"), "beta task");

        JsonElement byCwd = await harness.Client.ResultAsync("session/list", $$"""{"cwd":{{Json.Str(harness.Workspace)}}}""");
        JsonElement all = await harness.Client.ResultAsync("session/list", "{}");

        JsonElement[] sessions = [.. byCwd.GetProperty("sessions").EnumerateArray()];
        Assert.Equal([second.Text("sessionId"), first], sessions.Select(s => s.Text("sessionId")));
        Assert.Equal(["beta task", "alpha task"], sessions.Select(s => s.Text("title")));
        Assert.All(sessions, s => Assert.Equal(harness.Workspace, s.Text("cwd")));
        Assert.All(sessions, s => Assert.True(DateTimeOffset.TryParse(s.Text("updatedAt"), System.Globalization.CultureInfo.InvariantCulture, out _)));
        Assert.False(byCwd.TryGetProperty("nextCursor", out _));
        Assert.Equal(2, all.GetProperty("sessions").GetArrayLength());
    }

    [Fact]
    public async Task List_SessionWithAdditionalDirectories_EchoesTheOnesItWasLastOpenedWith()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string docs = Directory.CreateDirectory(Path.Combine(harness.Root, "docs")).FullName;
        string shared = Directory.CreateDirectory(Path.Combine(harness.Root, "shared")).FullName;
        await harness.InitializeAsync();
        JsonElement created = await harness.Client.ResultAsync("session/new", $$"""{"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[],"additionalDirectories":[{{Json.Str(docs)}}]}""");
        string withDirs = created.Text("sessionId");
        string plain = (await harness.Client.ResultAsync("session/new", harness.NewSessionParams())).Text("sessionId");

        JsonElement[] listed = [.. (await harness.Client.ResultAsync("session/list", "{}")).GetProperty("sessions").EnumerateArray()];
        AcpConnection again = harness.Connect();
        await AcpHarness.InitializeAsync(again.Client);
        await again.Client.ResultAsync("session/resume", $$"""{"sessionId":{{Json.Str(withDirs)}},"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[],"additionalDirectories":[{{Json.Str(docs)}},{{Json.Str(shared)}}]}""");
        JsonElement[] relisted = [.. (await again.Client.ResultAsync("session/list", "{}")).GetProperty("sessions").EnumerateArray()];

        Assert.Equal([docs], listed.Single(s => s.Text("sessionId") == withDirs).GetProperty("additionalDirectories").EnumerateArray().Select(d => d.GetString()));
        Assert.False(listed.Single(s => s.Text("sessionId") == plain).TryGetProperty("additionalDirectories", out _));
        Assert.Equal([docs, shared], relisted.Single(s => s.Text("sessionId") == withDirs).GetProperty("additionalDirectories").EnumerateArray().Select(d => d.GetString()));
    }

    [Theory]
    [InlineData("""{"cursor":"not-ours"}""")]
    [InlineData("""{"cwd":"relative/dir"}""")]
    [InlineData("""{"cwd":42}""")]
    public async Task List_BadParams_InvalidParams(string parameters)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync("session/list", parameters);

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Close_ThenPrompt_ResourceNotFound()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        JsonElement closed = await harness.Client.ResultAsync("session/close", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");
        JsonElement prompt = await harness.Client.ErrorAsync("session/prompt", AcpHarness.PromptParams(sessionId, "hello?"));
        JsonElement again = await harness.Client.ErrorAsync("session/close", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");

        Assert.Empty(closed.EnumerateObject());
        Assert.Equal(-32002, prompt.GetProperty("code").GetInt32());
        Assert.Equal(-32002, again.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Fork_CopiesTheHistoryUnderANewId()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        Assert.Equal("end_turn", (await harness.PromptAsync(sessionId, "the original question")).Text("stopReason"));

        JsonElement forked = await harness.Client.ResultAsync("session/fork", $$"""{"sessionId":{{Json.Str(sessionId)}},"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[]}""");
        string forkId = forked.Text("sessionId");
        Assert.NotEqual(sessionId, forkId);
        Assert.Equal("end_turn", (await harness.PromptAsync(forkId, "a follow-up in the fork")).Text("stopReason"));

        // The fork's model call carries the original history; the original session does not see the fork's turn.
        string body = harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Contains("the original question", body, StringComparison.Ordinal);
        JsonElement list = await harness.Client.ResultAsync("session/list", "{}");
        Assert.Contains(list.GetProperty("sessions").EnumerateArray(), s => s.Text("sessionId") == forkId);
        AcpConnection fresh = harness.Connect();
        await AcpHarness.InitializeAsync(fresh.Client);
        await fresh.Client.ResultAsync("session/load", $$"""{"sessionId":{{Json.Str(sessionId)}},"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[]}""");
        string replayed = string.Concat(fresh.Client.DrainUpdates().Select(u => u.ToString()));
        Assert.Contains("the original question", replayed, StringComparison.Ordinal);
        Assert.DoesNotContain("a follow-up in the fork", replayed, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Fork_UnknownSession_ResourceNotFound()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.NewSessionAsync();

        JsonElement error = await harness.Client.ErrorAsync("session/fork", $$"""{"sessionId":"0190c2a3-0000-7000-8000-000000000000","cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[]}""");

        Assert.Equal(-32002, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Delete_OpenSession_RemovedFromListAndCannotBeLoaded()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        Assert.Equal("end_turn", (await harness.PromptAsync(sessionId, "remember me")).Text("stopReason"));
        string idParams = $$"""{"sessionId":{{Json.Str(sessionId)}}}""";

        JsonElement deleted = await harness.Client.ResultAsync("session/delete", idParams);
        JsonElement list = await harness.Client.ResultAsync("session/list", "{}");
        JsonElement load = await harness.Client.ErrorAsync("session/load", $$"""{"sessionId":{{Json.Str(sessionId)}},"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[]}""");
        JsonElement prompt = await harness.Client.ErrorAsync("session/prompt", AcpHarness.PromptParams(sessionId, "still there?"));
        JsonElement again = await harness.Client.ErrorAsync("session/delete", idParams);

        Assert.Empty(deleted.EnumerateObject());
        Assert.DoesNotContain(list.GetProperty("sessions").EnumerateArray(), s => s.Text("sessionId") == sessionId);
        Assert.Equal(-32002, load.GetProperty("code").GetInt32());
        Assert.Equal(-32002, prompt.GetProperty("code").GetInt32());
        Assert.Equal(-32002, again.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Close_ReleasesTheSessionLock()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        string lockPath = SessionLockFiles.PathFor(harness.Home, sessionId);
        Assert.True(SessionLockFiles.IsHeld(lockPath));

        await harness.Client.ResultAsync("session/close", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");

        Assert.False(SessionLockFiles.IsHeld(lockPath)); // another kimi (or the shell) may open it now
    }

    [Fact]
    public async Task Disconnect_OpenSession_RunsSessionEndAndReleasesTheLock()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string log = Path.Combine(harness.Root, "hooks.log");
        File.AppendAllText(HomeFiles.ConfigPath(harness.Home), $$"""

            [[hooks]]
            event = "SessionEnd"
            command = "cat >> '{{log}}'"
            """);
        string sessionId = await harness.NewSessionAsync();
        Assert.Equal("end_turn", (await harness.PromptAsync(sessionId, "hello")).Text("stopReason"));

        await harness.Client.DisposeAsync(); // the editor closes our stdin
        await harness.Main.ServerTask.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        string text = File.ReadAllText(log);
        Assert.Contains("\"hook_event_name\":\"SessionEnd\"", text, StringComparison.Ordinal);
        Assert.Contains(sessionId, text, StringComparison.Ordinal);
        Assert.False(SessionLockFiles.IsHeld(SessionLockFiles.PathFor(harness.Home, sessionId)));
    }

    [Theory]
    [InlineData("session/load", "cannot be resumed")]
    [InlineData("session/resume", "cannot be resumed")]
    [InlineData("session/delete", "was not deleted")]
    public async Task LoadResumeOrDelete_SessionOpenInAnotherProcess_InUseNamingThePid(string method, string outcome)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        Assert.Equal("end_turn", (await harness.PromptAsync(sessionId, "remember me")).Text("stopReason"));
        await harness.Client.ResultAsync("session/close", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");

        using (SessionLockFiles.HoldAsAnotherProcess(SessionLockFiles.PathFor(harness.Home, sessionId), pid: 31337))
        {
            string parameters = method == "session/delete" ? $$"""{"sessionId":{{Json.Str(sessionId)}}}""" : SessionParams(sessionId, harness.Workspace);
            JsonElement error = await harness.Client.ErrorAsync(method, parameters);

            Assert.Equal(-32603, error.GetProperty("code").GetInt32());
            Assert.Equal("session.in_use", error.GetProperty("data").Text("code"));
            Assert.Contains($"Session {sessionId} is open in another kimi process (pid 31337), so it {outcome}", error.Text("message"), StringComparison.Ordinal);
        }

        JsonElement list = await harness.Client.ResultAsync("session/list", "{}");
        Assert.Contains(list.GetProperty("sessions").EnumerateArray(), s => s.Text("sessionId") == sessionId); // nothing deleted
        await harness.Client.ResultAsync("session/load", SessionParams(sessionId, harness.Workspace)); // the holder is gone
    }

    [Fact]
    public async Task Close_DuringPrompt_CancelsIt()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        harness.Emulator.State.LoadScript($$"""{"turns":[{"text":"{{new string('c', 400)}}","chunk_size":1,"delay_ms":25}]}""");
        string sessionId = await harness.NewSessionAsync();
        Task<JsonElement> prompt = harness.PromptAsync(sessionId, "long");
        await harness.Client.NextUpdateAsync(u => u.Tag() == "agent_message_chunk");

        await harness.Client.ResultAsync("session/close", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");

        Assert.Equal("cancelled", (await prompt).Text("stopReason"));
    }

    [Theory]
    [InlineData("""{"cwd":"relative","mcpServers":[]}""", "absolute")]
    [InlineData("""{"cwd":"/definitely/not/here/kimi","mcpServers":[]}""", "not an existing directory")]
    [InlineData("""{"mcpServers":[]}""", "cwd")]
    [InlineData("""{"cwd":"/tmp"}""", "mcpServers")]
    [InlineData("""{"cwd":null,"mcpServers":[]}""", "cwd")]
    public async Task NewSession_BadParams_InvalidParams(string parameters, string mentioned)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync("session/new", parameters);

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains(mentioned, error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task NewSession_Response_CarriesModesAndConfigOptions()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement result = await harness.Client.ResultAsync("session/new", harness.NewSessionParams());

        JsonElement modes = result.GetProperty("modes");
        Assert.Equal("default", modes.Text("currentModeId"));
        Assert.Equal(["default", "accept-edits", "plan", "yolo", "auto"], modes.GetProperty("availableModes").EnumerateArray().Select(m => m.Text("id")));
        JsonElement[] options = [.. result.GetProperty("configOptions").EnumerateArray()];
        Assert.Equal(["model", "mode", "thinking"], options.Select(o => o.Text("id")));
        Assert.Equal(["model", "mode", "thought_level"], options.Select(o => o.Text("category")));
        Assert.Equal(AcpHarness.ModelAlias, options[0].Text("currentValue"));
        Assert.Equal([AcpHarness.ModelAlias, "test/second"], options[0].GetProperty("options").EnumerateArray().Select(o => o.Text("value")));
        Assert.Equal("Kimi for Coding (test)", options[0].GetProperty("options")[0].Text("name"));
        Assert.Equal("select", options[2].Text("type"));
        Assert.Equal("on", options[2].Text("currentValue"));
    }

    [Fact]
    public async Task SetMode_Yolo_LaterWritesDoNotAskAndOptionsFollow()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        int asked = 0;
        harness.Client.OnRequest = (_, _) =>
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"cancelled"}}"""));
        };
        string sessionId = await harness.NewSessionAsync();
        string path = Path.Combine(harness.Workspace, "free.txt");

        JsonElement result = await harness.Client.ResultAsync("session/set_mode", $$"""{"sessionId":{{Json.Str(sessionId)}},"modeId":"yolo"}""");
        JsonElement options = await harness.Client.NextUpdateAsync(u => u.Tag() == "config_option_update");
        await harness.PromptAsync(sessionId, $$"""tool: Write {"file_path":{{Json.Str(path)}},"content":"no questions"}""");

        Assert.Empty(result.EnumerateObject());
        Assert.Equal("yolo", options.GetProperty("update").GetProperty("configOptions")[1].Text("currentValue"));
        Assert.Equal(0, asked);
        Assert.Equal("no questions", File.ReadAllText(path));
    }

    [Fact]
    public async Task SetMode_Plan_WritesAreRefusedWithoutAsking()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        string path = Path.Combine(harness.Workspace, "plan.txt");

        await harness.Client.ResultAsync("session/set_mode", $$"""{"sessionId":{{Json.Str(sessionId)}},"modeId":"plan"}""");
        await harness.PromptAsync(sessionId, $$"""tool: Write {"file_path":{{Json.Str(path)}},"content":"nope"}""");

        Assert.False(File.Exists(path));
        Assert.DoesNotContain(harness.Client.Lines, l => l.Contains("session/request_permission", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SetMode_Unknown_InvalidParams()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        JsonElement error = await harness.Client.ErrorAsync("session/set_mode", $$"""{"sessionId":{{Json.Str(sessionId)}},"modeId":"reckless"}""");

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("accept-edits", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task SetConfigOption_Model_SwitchesAndLaterCallsUseIt()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        JsonElement result = await harness.Client.ResultAsync("session/set_config_option", $$"""{"sessionId":{{Json.Str(sessionId)}},"configId":"model","value":"test/second"}""");
        harness.Client.DrainUpdates();
        await harness.PromptAsync(sessionId, "which model?");

        Assert.Equal("test/second", result.GetProperty("configOptions")[0].Text("currentValue"));
        Assert.Equal(65536, harness.Client.DrainUpdates().Last(u => u.Tag() == "usage_update").GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task SetConfigOption_Mode_AlsoSendsCurrentModeUpdate()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        JsonElement result = await harness.Client.ResultAsync("session/set_config_option", $$"""{"sessionId":{{Json.Str(sessionId)}},"configId":"mode","value":"accept-edits"}""");
        JsonElement update = await harness.Client.NextUpdateAsync(u => u.Tag() == "current_mode_update");

        Assert.Equal("accept-edits", result.GetProperty("configOptions")[1].Text("currentValue"));
        Assert.Equal("accept-edits", update.GetProperty("update").Text("currentModeId"));
    }

    [Fact]
    public async Task SetConfigOption_ThinkingAsBoolean_WhenTheClientTakesBooleans()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync("""{"session":{"configOptions":{"boolean":{}}}}""");

        JsonElement result = await harness.Client.ResultAsync("session/set_config_option", $$"""{"sessionId":{{Json.Str(sessionId)}},"configId":"thinking","type":"boolean","value":false}""");

        JsonElement thinking = result.GetProperty("configOptions")[2];
        Assert.Equal("boolean", thinking.Text("type"));
        Assert.False(thinking.GetProperty("currentValue").GetBoolean());
    }

    [Theory]
    [InlineData("model", "\"no/such-model\"", "test/second")]
    [InlineData("model", "7", "string")]
    [InlineData("thinking", "\"maybe\"", "true/false")]
    [InlineData("colour", "\"blue\"", "unknown configId")]
    public async Task SetConfigOption_BadValue_InvalidParams(string configId, string value, string mentioned)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        JsonElement error = await harness.Client.ErrorAsync("session/set_config_option", $$"""{"sessionId":{{Json.Str(sessionId)}},"configId":"{{configId}}","value":{{value}}}""");

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains(mentioned, error.Text("message"), StringComparison.Ordinal);
    }
}
