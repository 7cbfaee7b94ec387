using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

public sealed class PromptTests
{
    private const string FsCapabilities = """{"fs":{"readTextFile":true,"writeTextFile":true},"terminal":false}""";

    private static string Joined(IEnumerable<JsonElement> updates, string tag) =>
        string.Concat(updates.Where(u => u.Tag() == tag).Select(u => u.GetProperty("content").Text("text")));

    private static string ToolLine(string tool, string argumentsJson) => $"tool: {tool} {argumentsJson}";

    [Fact]
    public async Task Prompt_Text_StreamsThoughtMessageTitleAndUsage()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        harness.Client.DrainUpdates();

        JsonElement result = await harness.PromptAsync(sessionId, "Explain the build\nin detail please");

        Assert.Equal("end_turn", result.Text("stopReason"));
        List<JsonElement> updates = harness.Client.DrainUpdates();
        Assert.Equal("Echo: Explain the build\nin detail please", Joined(updates, "agent_message_chunk"));
        Assert.StartsWith("The user said: Explain the build", Joined(updates, "agent_thought_chunk"), StringComparison.Ordinal);
        Assert.True(updates.Count(u => u.Tag() == "agent_message_chunk") > 1, "the answer streams in several chunks");
        JsonElement info = Assert.Single(updates, u => u.Tag() == "session_info_update");
        Assert.Equal("Explain the build", info.Text("title"));
        JsonElement usage = updates.Last(u => u.Tag() == "usage_update");
        Assert.True(usage.GetProperty("used").GetInt64() > 0);
        Assert.Equal(131072, usage.GetProperty("size").GetInt64());
    }

    [Fact]
    public async Task NewSession_AfterResponse_AnnouncesTheCompactCommand()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        await harness.NewSessionAsync();
        JsonElement commands = await harness.Client.NextUpdateAsync(u => u.Tag() == "available_commands_update");

        Assert.Equal("compact", commands.GetProperty("update").GetProperty("availableCommands")[0].Text("name"));
        int response = harness.Client.Lines.ToList().FindIndex(l => l.Contains("\"sessionId\"", StringComparison.Ordinal) && l.Contains("\"result\"", StringComparison.Ordinal));
        int announce = harness.Client.Lines.ToList().FindIndex(l => l.Contains("available_commands_update", StringComparison.Ordinal));
        Assert.True(response >= 0 && response < announce, "the session id reaches the client before updates about it");
    }

    [Fact]
    public async Task Prompt_ReadTool_ReadsThroughTheEditorBuffer()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        var reads = new List<JsonElement>();
        harness.Client.OnRequest = (method, parameters) =>
        {
            if (method == "fs/read_text_file")
            {
                lock (reads)
                {
                    reads.Add(parameters.Clone());
                }

                return Task.FromResult(ClientReply.Result("""{"content":"unsaved line from the editor\nsecond line"}"""));
            }

            return Task.FromResult(ClientReply.Error(-32601, method));
        };
        string sessionId = await harness.NewSessionAsync(FsCapabilities);
        string path = Path.Combine(harness.Workspace, "unsaved.txt");

        JsonElement result = await harness.PromptAsync(sessionId, ToolLine("Read", $$"""{"file_path":{{Json.Str(path)}}}"""));

        Assert.Equal("end_turn", result.Text("stopReason"));
        JsonElement read = Assert.Single(reads);
        Assert.Equal(sessionId, read.Text("sessionId"));
        Assert.Equal(path, read.Text("path"));
        List<JsonElement> updates = harness.Client.DrainUpdates();
        JsonElement call = Assert.Single(updates, u => u.Tag() == "tool_call");
        Assert.Equal("read", call.Text("kind"));
        Assert.Equal("pending", call.Text("status"));
        Assert.Equal(path, call.GetProperty("locations")[0].Text("path"));
        Assert.Equal(path, call.GetProperty("rawInput").Text("file_path"));
        JsonElement done = updates.Last(u => u.Tag() == "tool_call_update");
        Assert.Equal(call.Text("toolCallId"), done.Text("toolCallId"));
        Assert.Equal("completed", done.Text("status"));
        Assert.Contains("unsaved line from the editor", done.GetProperty("content")[0].GetProperty("content").Text("text"), StringComparison.Ordinal);
        Assert.Contains("unsaved line from the editor", Joined(updates, "agent_message_chunk"), StringComparison.Ordinal);
        Assert.False(File.Exists(path));
    }

    [Fact]
    public async Task Prompt_EditorCannotFindFile_ModelSeesFileDoesNotExist()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        List<JsonElement> updates = await ReadWithEditorErrorAsync(harness, -32603, "ENOENT: no such file", Path.Combine(harness.Workspace, "missing.txt"));

        JsonElement done = updates.Last(u => u.Tag() == "tool_call_update");
        Assert.Equal("failed", done.Text("status"));
        Assert.Contains("File does not exist", done.GetProperty("content")[0].GetProperty("content").Text("text"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_EditorRefusesToReadAFileOnDisk_ReadFailsWithItsReasonAndTheDiskIsNotRead()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string path = Path.Combine(harness.Workspace, "private.txt");
        File.WriteAllText(path, "kept from the model\n");

        List<JsonElement> updates = await ReadWithEditorErrorAsync(harness, -32001, "Permission denied by the editor", path);

        JsonElement done = updates.Last(u => u.Tag() == "tool_call_update");
        Assert.Equal("failed", done.Text("status"));
        Assert.Contains("Permission denied by the editor", done.GetProperty("content")[0].GetProperty("content").Text("text"), StringComparison.Ordinal);
        Assert.Contains("Permission denied by the editor", Joined(updates, "agent_message_chunk"), StringComparison.Ordinal); // what acpx's permission_denied case looks for
        Assert.DoesNotContain("kept from the model", LastChatBody(harness), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_EditNeedsPermission_TheDiffArrivesBeforeTheQuestionAndInIt()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string path = Path.Combine(harness.Workspace, "notes.txt");
        File.WriteAllText(path, "alpha\nbeta\n");
        var asked = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Client.OnRequest = (method, parameters) =>
        {
            Assert.Equal("session/request_permission", method);
            asked.TrySetResult(parameters.Clone());
            return Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"reject_once"}}"""));
        };
        string sessionId = await harness.NewSessionAsync();

        await harness.PromptAsync(sessionId, ToolLine("Edit", $$"""{"file_path":{{Json.Str(path)}},"old_string":"beta","new_string":"gamma"}"""));

        JsonElement inRequest = (await asked.Task).GetProperty("toolCall").GetProperty("content")[0];
        Assert.Equal(("diff", path, "alpha\nbeta\n", "alpha\ngamma\n"), (inRequest.Text("type"), inRequest.Text("path"), inRequest.Text("oldText"), inRequest.Text("newText")));
        List<string> lines = [.. harness.Client.Lines];
        int requested = lines.FindIndex(l => l.Contains("session/request_permission", StringComparison.Ordinal));
        int diffShown = lines.FindIndex(l => l.Contains("\"sessionUpdate\":\"tool_call_update\"", StringComparison.Ordinal) && l.Contains("\"type\":\"diff\"", StringComparison.Ordinal));
        Assert.True(diffShown >= 0 && diffShown < requested, "the diff reaches the editor before the permission request");
        Assert.Equal("alpha\nbeta\n", File.ReadAllText(path)); // rejected: nothing written
    }

    [Theory]
    [InlineData("allow_once", true)]
    [InlineData("allow_always", true)]
    [InlineData("reject_once", false)]
    [InlineData(null, false)]
    public async Task Prompt_WriteNeedsPermission_AnswerDecides(string? option, bool written)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        var asked = new TaskCompletionSource<JsonElement>(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Client.OnRequest = (method, parameters) =>
        {
            Assert.Equal("session/request_permission", method);
            asked.TrySetResult(parameters.Clone());
            return Task.FromResult(ClientReply.Result(option is null
                ? """{"outcome":{"outcome":"cancelled"}}"""
                : $$$"""{"outcome":{"outcome":"selected","optionId":"{{{option}}}"}}"""));
        };
        string sessionId = await harness.NewSessionAsync();
        string path = Path.Combine(harness.Workspace, "out.txt");

        JsonElement result = await harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(path)}},"content":"written by kimi"}"""));

        Assert.Equal("end_turn", result.Text("stopReason"));
        JsonElement request = await asked.Task;
        Assert.Equal(sessionId, request.Text("sessionId"));
        Assert.Equal(["allow_once", "allow_always", "reject_once"], request.GetProperty("options").EnumerateArray().Select(o => o.Text("kind")));
        Assert.Equal("edit", request.GetProperty("toolCall").Text("kind"));
        Assert.Equal(path, request.GetProperty("toolCall").GetProperty("locations")[0].Text("path"));
        List<string> lines = [.. harness.Client.Lines];
        int announced = lines.FindIndex(l => l.Contains("\"sessionUpdate\":\"tool_call\"", StringComparison.Ordinal));
        int requested = lines.FindIndex(l => l.Contains("session/request_permission", StringComparison.Ordinal));
        Assert.True(announced >= 0 && announced < requested, "the tool call is announced before the permission request");

        Assert.Equal(written, File.Exists(path));
        JsonElement done = harness.Client.DrainUpdates().Last(u => u.Tag() == "tool_call_update");
        Assert.Equal(written ? "completed" : "failed", done.Text("status"));
        if (written)
        {
            Assert.Equal("written by kimi", File.ReadAllText(path));
            JsonElement diff = done.GetProperty("content")[0];
            Assert.Equal("diff", diff.Text("type"));
            Assert.Equal(path, diff.Text("path"));
            Assert.Equal("written by kimi", diff.Text("newText"));
            Assert.False(diff.TryGetProperty("oldText", out _));
        }
        else
        {
            Assert.Contains("denied", done.GetProperty("content")[0].GetProperty("content").Text("text"), StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Prompt_AllowAlways_LaterEditsInTheSessionDoNotAsk()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        int asked = 0;
        harness.Client.OnRequest = (_, _) =>
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_always"}}"""));
        };
        string sessionId = await harness.NewSessionAsync();

        await harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(Path.Combine(harness.Workspace, "a.txt"))}},"content":"a"}"""));
        await harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(Path.Combine(harness.Workspace, "b.txt"))}},"content":"b"}"""));

        Assert.Equal(1, asked);
        Assert.True(File.Exists(Path.Combine(harness.Workspace, "b.txt")));
    }

    [Fact]
    public async Task Prompt_AllowAlwaysThenModeSwitch_GrantIsKept()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        int asked = 0;
        harness.Client.OnRequest = (_, _) =>
        {
            Interlocked.Increment(ref asked);
            return Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_always"}}"""));
        };
        string sessionId = await harness.NewSessionAsync();

        await harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(Path.Combine(harness.Workspace, "a.txt"))}},"content":"a"}"""));
        await harness.Client.ResultAsync("session/set_mode", $$"""{"sessionId":{{Json.Str(sessionId)}},"modeId":"plan"}""");
        await harness.Client.ResultAsync("session/set_mode", $$"""{"sessionId":{{Json.Str(sessionId)}},"modeId":"default"}""");
        await harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(Path.Combine(harness.Workspace, "b.txt"))}},"content":"b"}"""));

        Assert.Equal(1, asked);
        Assert.True(File.Exists(Path.Combine(harness.Workspace, "b.txt")));
    }

    [Fact]
    public async Task Prompt_WriteWithEditorFs_WritesThroughTheEditor()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        var writes = new List<JsonElement>();
        harness.Client.OnRequest = (method, parameters) =>
        {
            switch (method)
            {
                case "session/request_permission":
                    return Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}"""));
                case "fs/write_text_file":
                    lock (writes)
                    {
                        writes.Add(parameters.Clone());
                    }

                    return Task.FromResult(ClientReply.Result("{}"));
                default:
                    return Task.FromResult(ClientReply.Error(-32002, "not open in the editor"));
            }
        };
        string sessionId = await harness.NewSessionAsync(FsCapabilities);
        string path = Path.Combine(harness.Workspace, "via-editor.txt");

        await harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(path)}},"content":"through the buffer"}"""));

        JsonElement write = Assert.Single(writes);
        Assert.Equal(path, write.Text("path"));
        Assert.Equal("through the buffer", write.Text("content"));
        Assert.False(File.Exists(path));
        Assert.Equal("completed", harness.Client.DrainUpdates().Last(u => u.Tag() == "tool_call_update").Text("status"));
    }

    [Fact]
    public async Task Prompt_WriteOverExistingFileTheEditorCannotFind_DiffShowsTheContentOnDisk()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string path = Path.Combine(harness.Workspace, "existing.txt");
        File.WriteAllText(path, "old line\n");
        EditorFiles editor = EditorFiles.Answering(harness, readError: -32002);
        string sessionId = await harness.NewSessionAsync(FsCapabilities);

        await harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(path)}},"content":"new line\n"}"""));

        JsonElement inRequest = (await editor.Asked.Task).GetProperty("toolCall").GetProperty("content")[0];
        Assert.Equal(("diff", "old line\n", "new line\n"), (inRequest.Text("type"), inRequest.Text("oldText"), inRequest.Text("newText")));
        JsonElement done = harness.Client.DrainUpdates().Last(u => u.Tag() == "tool_call_update");
        Assert.Equal("completed", done.Text("status"));
        Assert.Equal("old line\n", done.GetProperty("content")[0].Text("oldText"));
        Assert.Equal("new line\n", Assert.Single(editor.Writes).Text("content"));
        Assert.Contains("Overwrote", LastChatBody(harness), StringComparison.Ordinal); // not "Created": the model knows it replaced a file
    }

    [Theory]
    [InlineData(-32001, "Permission denied by the editor")]
    [InlineData(-32603, "buffer is locked")]
    public async Task Prompt_WriteOverExistingFileTheEditorRefusesToRead_RefusedClearlyAndNothingWritten(int code, string message)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string path = Path.Combine(harness.Workspace, "existing.txt");
        File.WriteAllText(path, "old line\n");
        EditorFiles editor = EditorFiles.Answering(harness, readError: code, readMessage: message);
        string sessionId = await harness.NewSessionAsync(FsCapabilities);

        JsonElement result = await harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(path)}},"content":"new line\n"}"""));

        Assert.Equal("end_turn", result.Text("stopReason"));
        JsonElement done = harness.Client.DrainUpdates().Last(u => u.Tag() == "tool_call_update");
        Assert.Equal("failed", done.Text("status"));
        string shown = done.GetProperty("content")[0].GetProperty("content").Text("text");
        Assert.Contains("Could not read 'existing.txt' to show what the change replaces", shown, StringComparison.Ordinal);
        Assert.Contains(message, shown, StringComparison.Ordinal);
        Assert.Empty(editor.Writes);
        Assert.Equal("old line\n", File.ReadAllText(path));
        Assert.Contains(message, LastChatBody(harness), StringComparison.Ordinal); // the model learns why
    }

    /// <summary>A Read of <paramref name="path"/> in a new session whose editor answers every request with error <paramref name="code"/>; the updates sent.</summary>
    private static async Task<List<JsonElement>> ReadWithEditorErrorAsync(AcpHarness harness, int code, string message, string path)
    {
        harness.Client.OnRequest = (_, _) => Task.FromResult(ClientReply.Error(code, message));
        string sessionId = await harness.NewSessionAsync(FsCapabilities);
        await harness.PromptAsync(sessionId, ToolLine("Read", $$"""{"file_path":{{Json.Str(path)}}}"""));
        return harness.Client.DrainUpdates();
    }

        private static string LastChatBody(AcpHarness harness) =>
        harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;

    /// <summary>An editor that approves every permission request, records fs/write_text_file and answers fs/read_text_file with an error.</summary>
    private sealed class EditorFiles
    {
        public TaskCompletionSource<JsonElement> Asked { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public List<JsonElement> Writes { get; } = [];

        public static EditorFiles Answering(AcpHarness harness, int readError, string readMessage = "the editor will not read that")
        {
            var editor = new EditorFiles();
            harness.Client.OnRequest = (method, parameters) =>
            {
                switch (method)
                {
                    case "session/request_permission":
                        editor.Asked.TrySetResult(parameters.Clone());
                        return Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}"""));
                    case "fs/write_text_file":
                        lock (editor.Writes)
                        {
                            editor.Writes.Add(parameters.Clone());
                        }

                        return Task.FromResult(ClientReply.Result("{}"));
                    default:
                        return Task.FromResult(ClientReply.Error(readError, readMessage));
                }
            };
            return editor;
        }
    }

    [Fact]
    public async Task Cancel_DuringStreaming_PromptEndsCancelledAndNextPromptWorks()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        harness.Emulator.State.LoadScript($$"""{"turns":[{"text":"{{new string('z', 600)}}","chunk_size":1,"delay_ms":25}]}""");
        string sessionId = await harness.NewSessionAsync();

        Task<JsonElement> prompt = harness.PromptAsync(sessionId, "write a lot");
        await harness.Client.NextUpdateAsync(u => u.Tag() == "agent_message_chunk");
        await harness.Client.NotifyAsync("session/cancel", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");

        Assert.Equal("cancelled", (await prompt).Text("stopReason"));
        harness.Client.DrainUpdates();
        JsonElement next = await harness.PromptAsync(sessionId, "still there?");
        Assert.Equal("end_turn", next.Text("stopReason"));
        Assert.Equal("Echo: still there?", Joined(harness.Client.DrainUpdates(), "agent_message_chunk"));
    }

    [Fact]
    public async Task Cancel_WhilePermissionPending_PromptEndsCancelledAndRequestIsCancelled()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        var pending = new TaskCompletionSource<ClientReply>(TaskCreationOptions.RunContinuationsAsynchronously);
        var asked = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        harness.Client.OnRequest = (_, _) =>
        {
            asked.TrySetResult();
            return pending.Task;
        };
        string sessionId = await harness.NewSessionAsync();
        string path = Path.Combine(harness.Workspace, "never.txt");

        Task<JsonElement> prompt = harness.PromptAsync(sessionId, ToolLine("Write", $$"""{"file_path":{{Json.Str(path)}},"content":"no"}"""));
        await asked.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        await harness.Client.NotifyAsync("session/cancel", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");
        JsonElement result = await prompt;

        // As the protocol asks, the client then answers the pending request with "cancelled".
        pending.SetResult(ClientReply.Result("""{"outcome":{"outcome":"cancelled"}}"""));
        Assert.Equal("cancelled", result.Text("stopReason"));
        Assert.False(File.Exists(path));
        JsonElement cancelRequest = await harness.Client.NextNotificationAsync("$/cancel_request");
        Assert.True(cancelRequest.GetProperty("params").TryGetProperty("requestId", out _));
    }

    [Fact]
    public async Task Prompt_WhileAnotherRuns_InvalidRequest()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        harness.Emulator.State.LoadScript($$"""{"turns":[{"text":"{{new string('y', 400)}}","chunk_size":1,"delay_ms":25}]}""");
        string sessionId = await harness.NewSessionAsync();
        Task<JsonElement> first = harness.PromptAsync(sessionId, "long one");
        await harness.Client.NextUpdateAsync(u => u.Tag() == "agent_message_chunk");

        JsonElement error = await harness.Client.ErrorAsync("session/prompt", AcpHarness.PromptParams(sessionId, "second"));
        await harness.Client.NotifyAsync("session/cancel", $$"""{"sessionId":{{Json.Str(sessionId)}}}""");

        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Equal("cancelled", (await first).Text("stopReason"));
    }

    [Fact]
    public async Task Prompt_UnknownSession_ResourceNotFoundWithSessionId()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync("session/prompt", AcpHarness.PromptParams("no-such-session", "hi"));

        Assert.Equal(-32002, error.GetProperty("code").GetInt32());
        Assert.Equal("no-such-session", error.GetProperty("data").Text("sessionId"));
    }

    [Fact]
    public async Task Prompt_ImageLinkAndEmbeddedContext_ReachTheModel()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        string png = Convert.ToBase64String([0x89, 0x50, 0x4E, 0x47, 1, 2, 3]);

        JsonElement result = await harness.Client.ResultAsync("session/prompt", $$$"""
            {"sessionId":{{{Json.Str(sessionId)}}},"prompt":[
              {"type":"text","text":"Look at these"},
              {"type":"image","data":"{{{png}}}","mimeType":"image/png"},
              {"type":"resource_link","uri":"file:///project/src/app.cs","name":"app.cs"},
              {"type":"resource","resource":{"uri":"file:///project/notes.md","text":"embedded notes body","mimeType":"text/markdown"}}
            ]}
            """);

        Assert.Equal("end_turn", result.Text("stopReason"));
        string body = harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Contains("data:image/png;base64," + png, body, StringComparison.Ordinal);
        Assert.Contains("[@app.cs](file:///project/src/app.cs)", body, StringComparison.Ordinal);
        Assert.Contains("embedded notes body", body, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("""[{"type":"audio","data":"AAAA","mimeType":"audio/wav"}]""", "audio")]
    [InlineData("""[]""", "at least one")]
    [InlineData("""[{"type":"video","data":"AAAA"}]""", "prompt")]
    [InlineData("""[{"type":"image","data":"%%%","mimeType":"image/png"}]""", "base64")]
    [InlineData("""[{"type":"text"}]""", "text")]
    public async Task Prompt_UnsupportedContent_InvalidParams(string prompt, string mentioned)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        JsonElement error = await harness.Client.ErrorAsync("session/prompt", $$"""{"sessionId":{{Json.Str(sessionId)}},"prompt":{{prompt}}}""");

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains(mentioned, error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_TodoWrite_SendsThePlan()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        await harness.PromptAsync(sessionId, ToolLine("TodoWrite", """{"todos":[{"content":"Read the code","status":"completed"},{"content":"Fix the bug","status":"in_progress"},{"content":"Run tests","status":"pending"}]}"""));

        JsonElement plan = Assert.Single(harness.Client.DrainUpdates(), u => u.Tag() == "plan");
        JsonElement[] entries = [.. plan.GetProperty("entries").EnumerateArray()];
        Assert.Equal(["Read the code", "Fix the bug", "Run tests"], entries.Select(e => e.Text("content")));
        Assert.Equal(["completed", "in_progress", "pending"], entries.Select(e => e.Text("status")));
        Assert.All(entries, e => Assert.Equal("medium", e.Text("priority")));
    }

    [Fact]
    public async Task Prompt_ProviderRefuses_ErrorWithCodeAndNextPromptWorks()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        harness.Emulator.State.SetAllowedPlatforms(["someone_else"]);

        JsonElement error = await harness.Client.ErrorAsync("session/prompt", AcpHarness.PromptParams(sessionId, "refused"));
        harness.Emulator.State.SetAllowedPlatforms(["kimi_cli"]);
        JsonElement next = await harness.PromptAsync(sessionId, "accepted");

        Assert.Equal(-32603, error.GetProperty("code").GetInt32());
        Assert.Equal("provider.access_terminated", error.GetProperty("data").Text("code"));
        Assert.Equal("end_turn", next.Text("stopReason"));
    }

    [Fact]
    public async Task Prompt_CompactCommand_AnswersWithTheOutcome()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        harness.Client.DrainUpdates();

        JsonElement result = await harness.PromptAsync(sessionId, "/compact");

        Assert.Equal("end_turn", result.Text("stopReason"));
        Assert.StartsWith("Nothing was compacted", Joined(harness.Client.DrainUpdates(), "agent_message_chunk"), StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Emulator.State.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
    }
}
