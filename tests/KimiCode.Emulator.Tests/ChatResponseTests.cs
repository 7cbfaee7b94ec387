using System.Text.Json;
using System.Text.Json.Nodes;
using KimiCode.Emulator.Tests.TestSupport;
using static KimiCode.Emulator.Tests.TestSupport.EmulatorHarness;

namespace KimiCode.Emulator.Tests;

public sealed class ChatResponseTests
{
    [Fact]
    public async Task Models_CodingApi_ListsKimiForCoding()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.GetAsync("/coding/v1/models");
        Assert.Equal(200, (int)response.StatusCode);
        using var json = await ReadJsonAsync(response);
        Assert.Equal("list", json.RootElement.GetProperty("object").GetString());
        var model = json.RootElement.GetProperty("data")[0];
        Assert.Equal("kimi-for-coding", model.GetProperty("id").GetString());
        Assert.Equal(262144, model.GetProperty("context_length").GetInt32());
        Assert.Equal("Kimi For Coding", model.GetProperty("display_name").GetString());
        Assert.True(model.GetProperty("supports_reasoning").GetBoolean());
        Assert.True(model.GetProperty("supports_image_in").GetBoolean());
        Assert.False(model.GetProperty("supports_video_in").GetBoolean());
        Assert.True(model.GetProperty("supports_tool_use").GetBoolean());
        Assert.Equal("both", model.GetProperty("supports_thinking_type").GetString());
    }

    [Fact]
    public async Task ChatStream_DefaultEcho_ThinkingTextUsageAndDone()
    {
        await using var h = await EmulatorHarness.StartAsync();
        const string prompt = "please say something long enough to be split into pieces";
        using var response = await h.ChatAsync(UserChat(prompt));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(response.Headers.TryGetValues("x-trace-id", out var trace) && !string.IsNullOrEmpty(trace.Single()));

        var sse = await SseStream.ReadAsync(response, Ct);
        Assert.True(sse.SawDone);
        Assert.False(sse.Broken);
        Assert.Equal("The user said: " + prompt, sse.Reasoning);
        Assert.Equal("Echo: " + prompt, sse.Content);
        Assert.Equal("stop", sse.FinishReason);
        Assert.True(sse.Chunks.Count > 10, "content is split into small pieces");
        Assert.All(sse.Chunks, c => Assert.Equal("chat.completion.chunk", c.GetProperty("object").GetString()));
        Assert.StartsWith("chatcmpl-", sse.Chunks[0].GetProperty("id").GetString(), StringComparison.Ordinal);

        var usage = Assert.NotNull(sse.Usage);
        Assert.Empty(sse.Chunks[^1].GetProperty("choices").EnumerateArray());
        var prompt_tokens = usage.GetProperty("prompt_tokens").GetInt32();
        var completion = usage.GetProperty("completion_tokens").GetInt32();
        Assert.True(prompt_tokens > 0 && completion > 0);
        Assert.Equal(prompt_tokens + completion, usage.GetProperty("total_tokens").GetInt32());
        Assert.Equal(0, usage.GetProperty("cached_tokens").GetInt32());
    }

    [Fact]
    public async Task ChatStream_ChunkSizeOption_EachAnswerPartInOneChunkUnlessTheScriptSaysOtherwise()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.ChunkSize = 1_048_576);
        const string prompt = "please say something long enough to be split into pieces";

        using var echoed = await h.ChatAsync(UserChat(prompt));
        var echo = await SseStream.ReadAsync(echoed, Ct);
        h.State.LoadScript("""{"turns":[{"text":"scripted in pieces of four","chunk_size":4},{"text":"scripted whole","tool_calls":[{"name":"Read","arguments":{"path":"a-rather-long-file-name.txt"}}]}]}""");
        using var pieces = await h.ChatAsync(UserChat("go"));
        var scripted = await SseStream.ReadAsync(pieces, Ct);
        using var whole = await h.ChatAsync(UserChat("again"));
        var unsized = await SseStream.ReadAsync(whole, Ct);

        Assert.Equal("Echo: " + prompt, echo.Content);
        Assert.Single(echo.Chunks, c => Delta(c).TryGetProperty("content", out var text) && text.GetString()!.Length > 0);
        Assert.Single(echo.Chunks, c => Delta(c).TryGetProperty("reasoning_content", out _));
        Assert.Equal("scripted in pieces of four", scripted.Content);
        Assert.Equal(7, scripted.Chunks.Count(c => Delta(c).TryGetProperty("content", out var text) && text.GetString()!.Length > 0));
        Assert.Single(unsized.Chunks, c => Delta(c).TryGetProperty("content", out var text) && text.GetString()!.Length > 0);
        Assert.Equal(2, unsized.Chunks.Count(c => Delta(c).TryGetProperty("tool_calls", out _))); // the header, then all arguments at once
    }

    private static readonly JsonElement NoDelta = JsonDocument.Parse("{}").RootElement;

    /// <summary>A chunk's delta; an empty object for the usage chunk, which has no choices.</summary>
    private static JsonElement Delta(JsonElement chunk) =>
        chunk.GetProperty("choices") is { ValueKind: JsonValueKind.Array } choices && choices.GetArrayLength() > 0 ? choices[0].GetProperty("delta") : NoDelta;

    [Fact]
    public async Task ChatStream_WithoutIncludeUsage_NoUsageChunk()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.ChatAsync(UserChat("hi", includeUsage: false));
        var sse = await SseStream.ReadAsync(response, Ct);
        Assert.True(sse.SawDone);
        Assert.Null(sse.Usage);
    }

    [Fact]
    public async Task ChatStream_ScriptedParallelToolCalls_ReassembledByIndex()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.LoadScript("""
            {"turns":[{"thinking":"I will read two files","chunk_size":3,"tool_calls":[
              {"id":"call_a","name":"Read","arguments":{"path":"src/alpha.cs","limit":20}},
              {"id":"call_b","name":"Grep","arguments":{"pattern":"TODO","glob":"**/*.cs"}}]}]}
            """);

        using var response = await h.ChatAsync(UserChat("go"));
        var sse = await SseStream.ReadAsync(response, Ct);

        Assert.True(sse.SawDone);
        Assert.Equal("I will read two files", sse.Reasoning);
        Assert.Equal("", sse.Content);
        Assert.Equal("tool_calls", sse.FinishReason);
        Assert.Equal([0, 1], sse.ToolCalls.Keys);
        Assert.Equal(("call_a", "Read"), (sse.ToolCalls[0].Id, sse.ToolCalls[0].Name));
        Assert.Equal(("call_b", "Grep"), (sse.ToolCalls[1].Id, sse.ToolCalls[1].Name));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"path":"src/alpha.cs","limit":20}"""), JsonNode.Parse(sse.ToolCalls[0].Arguments.ToString())));
        Assert.True(JsonNode.DeepEquals(JsonNode.Parse("""{"pattern":"TODO","glob":"**/*.cs"}"""), JsonNode.Parse(sse.ToolCalls[1].Arguments.ToString())));

        // Interleaved: argument deltas for index 1 arrive before those for index 0 are finished.
        var argumentOrder = sse.Chunks
            .SelectMany(c => c.GetProperty("choices").EnumerateArray())
            .Where(c => c.GetProperty("delta").TryGetProperty("tool_calls", out _))
            .Select(c => c.GetProperty("delta").GetProperty("tool_calls")[0])
            .Where(t => !t.TryGetProperty("id", out _))
            .Select(t => t.GetProperty("index").GetInt32())
            .ToList();
        Assert.True(argumentOrder.Count > 4);
        Assert.True(argumentOrder.IndexOf(1) < argumentOrder.LastIndexOf(0));
    }

    [Fact]
    public async Task Chat_ScriptedRawStringArguments_SentVerbatimWithScriptedFinishReason()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.LoadScript("""{"turns":[{"text":"partial","tool_calls":[{"name":"Bash","arguments":"{\"command\": \"ls"}],"finish_reason":"length"}]}""");

        using var response = await h.ChatAsync(UserChat("x", stream: false));
        using var json = await ReadJsonAsync(response);
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("length", choice.GetProperty("finish_reason").GetString());
        var call = choice.GetProperty("message").GetProperty("tool_calls")[0];
        Assert.Equal("{\"command\": \"ls", call.GetProperty("function").GetProperty("arguments").GetString());
        Assert.StartsWith("call_", call.GetProperty("id").GetString(), StringComparison.Ordinal);
        Assert.Equal("partial", choice.GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task ChatStream_ScriptExhausted_FallsBackToDefaultModel()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.LoadScript("""{"turns":[{"text":"scripted answer","usage":{"prompt_tokens":7,"completion_tokens":3,"cached_tokens":2}}]}""");

        using (var first = await h.ChatAsync(UserChat("one")))
        {
            var sse = await SseStream.ReadAsync(first, Ct);
            Assert.Equal("scripted answer", sse.Content);
            Assert.Equal("", sse.Reasoning);
            var usage = Assert.NotNull(sse.Usage);
            Assert.Equal(7, usage.GetProperty("prompt_tokens").GetInt32());
            Assert.Equal(10, usage.GetProperty("total_tokens").GetInt32());
            Assert.Equal(2, usage.GetProperty("cached_tokens").GetInt32());
        }

        using var second = await h.ChatAsync(UserChat("two"));
        Assert.Equal("Echo: two", (await SseStream.ReadAsync(second, Ct)).Content);
        Assert.Equal(0, h.State.ScriptTurnsRemaining);
    }

    [Fact]
    public async Task Chat_NonStreaming_SingleCompletionObject()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.ChatAsync(UserChat("hello", stream: false));
        Assert.Equal(200, (int)response.StatusCode);
        Assert.True(response.Headers.Contains("x-trace-id"));
        using var json = await ReadJsonAsync(response);
        var root = json.RootElement;
        Assert.Equal("chat.completion", root.GetProperty("object").GetString());
        Assert.Equal("kimi-for-coding", root.GetProperty("model").GetString());
        var choice = root.GetProperty("choices")[0];
        Assert.Equal("stop", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal("assistant", message.GetProperty("role").GetString());
        Assert.Equal("Echo: hello", message.GetProperty("content").GetString());
        Assert.Equal("The user said: hello", message.GetProperty("reasoning_content").GetString());
        Assert.True(root.GetProperty("usage").GetProperty("total_tokens").GetInt32() > 0);
    }

    [Fact]
    public async Task Chat_PromptFollowedBySystemReminders_EchoesThePrompt()
    {
        // The official Node client sends the date and permission-mode reminders as user messages after the prompt.
        await using var h = await EmulatorHarness.StartAsync();
        var body = new JsonObject
        {
            ["model"] = "kimi-for-coding",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "hello there" },
                new JsonObject { ["role"] = "user", ["content"] = "<system-reminder>\nToday's date is 2026-12-05.\n</system-reminder>" },
                new JsonObject { ["role"] = "user", ["content"] = "\n<system-reminder>\nAuto permission mode is active.\n</system-reminder>\n" }),
        }.ToJsonString();

        using var response = await h.ChatAsync(body);

        Assert.Equal(200, (int)response.StatusCode);
        using var json = await ReadJsonAsync(response);
        Assert.Equal("Echo: hello there", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Chat_SystemReminderAfterAToolResult_SummarisesTheResultInsteadOfCallingAgain()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var body = new JsonObject
        {
            ["model"] = "kimi-for-coding",
            ["messages"] = new JsonArray(
                new JsonObject { ["role"] = "user", ["content"] = "go\ntool: Bash {\"command\":\"ls\"}" },
                new JsonObject
                {
                    ["role"] = "assistant",
                    ["content"] = null,
                    ["tool_calls"] = new JsonArray(new JsonObject
                    {
                        ["id"] = "c1", ["type"] = "function",
                        ["function"] = new JsonObject { ["name"] = "Bash", ["arguments"] = "{\"command\":\"ls\"}" },
                    }),
                },
                new JsonObject { ["role"] = "tool", ["tool_call_id"] = "c1", ["content"] = "a.txt" },
                new JsonObject { ["role"] = "user", ["content"] = "<system-reminder>\nPlan mode is on.\n</system-reminder>" }),
        }.ToJsonString();

        using var response = await h.ChatAsync(body);

        using var json = await ReadJsonAsync(response);
        Assert.Equal("Tool Bash returned:\na.txt", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Chat_OnlySystemReminders_EchoesTheLastOne()
    {
        await using var h = await EmulatorHarness.StartAsync();

        using var response = await h.ChatAsync(UserChat("<system-reminder>x</system-reminder>", stream: false));

        using var json = await ReadJsonAsync(response);
        Assert.Equal("Echo: <system-reminder>x</system-reminder>", json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString());
    }

    [Fact]
    public async Task Chat_UserAsksForToolLines_DefaultModelCallsThem()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.ChatAsync(UserChat("do this\ntool: Bash {\"command\":\"ls -la\"}\ntool: Read {\"path\":\"a.txt\"}", stream: false));
        using var json = await ReadJsonAsync(response);
        var choice = json.RootElement.GetProperty("choices")[0];
        Assert.Equal("tool_calls", choice.GetProperty("finish_reason").GetString());
        var message = choice.GetProperty("message");
        Assert.Equal(JsonValueKind.Null, message.GetProperty("content").ValueKind);
        Assert.Equal("The user asked for tool Bash, Read", message.GetProperty("reasoning_content").GetString());
        var calls = message.GetProperty("tool_calls");
        Assert.Equal(2, calls.GetArrayLength());
        Assert.Equal("Bash", calls[0].GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"command":"ls -la"}""", calls[0].GetProperty("function").GetProperty("arguments").GetString());
        Assert.Equal("Read", calls[1].GetProperty("function").GetProperty("name").GetString());
        Assert.NotEqual(calls[0].GetProperty("id").GetString(), calls[1].GetProperty("id").GetString());
    }

    [Fact]
    public async Task Chat_LastMessageIsToolResult_SummarisesFirstTwentyLines()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var lines = string.Join("\\n", Enumerable.Range(1, 30).Select(i => "line" + i));
        var body = $$$"""{"model":"kimi-for-coding","stream":false,"messages":[{"role":"user","content":"read it"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"Read","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"{{{lines}}}"}]}""";
        using var response = await h.ChatAsync(body);
        using var json = await ReadJsonAsync(response);
        var content = json.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
        Assert.Equal("Tool Read returned:\n" + string.Join('\n', Enumerable.Range(1, 20).Select(i => "line" + i)), content);
    }

    [Fact]
    public async Task Chat_ScriptedErrorTurn_StatusBodyAndRetryAfter()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.LoadScript("""{"turns":[{"error":{"status":429,"body":{"error":{"message":"slow down","type":"engine_overloaded_error"}},"retry_after":3}},{"text":"ok now"}]}""");

        using (var failed = await h.ChatAsync(UserChat("x")))
        {
            Assert.Equal(429, (int)failed.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(3), failed.Headers.RetryAfter?.Delta);
            Assert.Equal("engine_overloaded_error", await ErrorTypeAsync(failed));
        }

        using var ok = await h.ChatAsync(UserChat("x"));
        Assert.Equal("ok now", (await SseStream.ReadAsync(ok, Ct)).Content);
    }

    [Fact]
    public async Task ControlScript_PostedOverHttp_UsedByNextChat()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using (var load = await h.Http.PostAsync("/_emulator/script", new StringContent("""{"turns":[{"text":"from http"}]}"""), Ct))
        {
            Assert.Equal(200, (int)load.StatusCode);
        }

        using var response = await h.ChatAsync(UserChat("x"));
        Assert.Equal("from http", (await SseStream.ReadAsync(response, Ct)).Content);
    }

    [Fact]
    public async Task ControlScript_Invalid_BadRequestWithReason()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var load = await h.Http.PostAsync("/_emulator/script", new StringContent("""{"turns":[{"tool_calls":[{"arguments":{}}]}]}"""), Ct);
        Assert.Equal(400, (int)load.StatusCode);
        using var json = await ReadJsonAsync(load);
        Assert.Contains("name", json.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("not json", "not valid JSON")]
    [InlineData("""{"steps":[]}""", "\"turns\"")]
    [InlineData("""{"turns":[{"chunk_size":0}]}""", "chunk_size")]
    [InlineData("""{"turns":[{"text":"a"},{"error":{"status":200}}]}""", "turn 1")]
    public void LoadScript_Invalid_FormatExceptionSaysWhy(string script, string expectedFragment)
    {
        var state = new EmulatorState(new EmulatorOptions());
        var ex = Assert.Throws<FormatException>(() => state.LoadScript(script));
        Assert.Contains(expectedFragment, ex.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("disabled", "")]
    [InlineData("enabled", "The user said: hi")]
    public async Task ChatStream_ThinkingType_DefaultModelThinksOnlyWhenNotDisabled(string type, string reasoning)
    {
        await using var h = await EmulatorHarness.StartAsync();
        var body = JsonNode.Parse(UserChat("hi"))!.AsObject();
        body["thinking"] = new JsonObject { ["type"] = type };

        using var response = await h.ChatAsync(body.ToJsonString());

        var sse = await SseStream.ReadAsync(response, Ct);
        Assert.Equal(reasoning, sse.Reasoning);
        Assert.Equal("Echo: hi", sse.Content);
    }

    [Theory]
    [InlineData("length")]
    [InlineData("content_filter")]
    public async Task ChatStream_ScriptedFinishReason_SentAsGiven(string finishReason)
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.Emulator.State.LoadScript($$"""{"turns":[{"text":"cut","finish_reason":"{{finishReason}}"}]}""");

        using var response = await h.ChatAsync(UserChat("hi"));

        var sse = await SseStream.ReadAsync(response, Ct);
        Assert.Equal(finishReason, sse.FinishReason);
    }
}
