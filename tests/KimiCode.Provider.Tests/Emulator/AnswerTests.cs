using System.Text.Json;
using KimiCode.Emulator;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests.Emulator;

/// <summary>Answers from the real emulator over loopback: streamed, not streamed, and the model list.</summary>
public sealed class AnswerTests
{
    private const string ParallelToolsScript = """
        {"turns":[{
          "thinking": "I should read both files first.",
          "text": "Reading them now.",
          "tool_calls": [
            {"id": "call_a", "name": "Read", "arguments": {"path": "a.txt"}},
            {"id": "call_b", "name": "Grep", "arguments": "{\"pattern\":\"TODO\",\"paths\":[\"src\",\"tests\"],\"limit\":5}"}
          ],
          "chunk_size": 3,
          "usage": {"prompt_tokens": 1200, "completion_tokens": 42, "cached_tokens": 1024}
        }]}
        """;

    [Fact]
    public async Task Streaming_ThinkingTextAndTwoParallelToolCalls_AssemblesEverything()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.LoadScript(ParallelToolsScript);
        KimiChatClient client = session.Client();

        StreamOutcome outcome = (await session.StreamAsync(client)).ExpectSuccess();

        Assert.Equal("I should read both files first.", outcome.Reasoning);
        Assert.Equal("Reading them now.", outcome.Text);
        Assert.Collection(
            outcome.Calls,
            read =>
            {
                Assert.Equal(("call_a", "Read"), (read.CallId, read.Name));
                Assert.Null(read.Exception);
                Assert.Equal("a.txt", Assert.IsType<JsonElement>(Assert.Single(read.Arguments!, a => a.Key == "path").Value).GetString());
                Assert.Single(read.Arguments!);
            },
            grep =>
            {
                Assert.Equal(("call_b", "Grep"), (grep.CallId, grep.Name));
                Assert.Null(grep.Exception);
                Assert.Equal(["pattern", "paths", "limit"], grep.Arguments!.Keys);
                Assert.Equal("TODO", ((JsonElement)grep.Arguments!["pattern"]!).GetString());
                Assert.Equal(["src", "tests"], ((JsonElement)grep.Arguments!["paths"]!).EnumerateArray().Select(e => e.GetString()));
                Assert.Equal(5, ((JsonElement)grep.Arguments!["limit"]!).GetInt32());
            });
        Assert.Equal(ChatFinishReason.ToolCalls, Assert.Single(outcome.Updates, u => u.FinishReason is not null).FinishReason);
        UsageDetails usage = Assert.Single(outcome.Updates.SelectMany(u => u.Contents).OfType<UsageContent>()).Details;
        Assert.Equal((1200L, 42L, 1242L, 1024L), (usage.InputTokenCount, usage.OutputTokenCount, usage.TotalTokenCount, usage.CachedInputTokenCount));

        // Every update carries the response's x-trace-id and the emulator's response id and model.
        string traceId = Assert.IsType<string>(outcome.Updates[0].AdditionalProperties?["trace_id"]);
        Assert.StartsWith("trace-", traceId, StringComparison.Ordinal);
        Assert.All(outcome.Updates, u => Assert.Equal(traceId, u.AdditionalProperties?["trace_id"]));
        Assert.All(outcome.Updates, u => Assert.Equal(EmulatorSession.Model, u.ModelId));
        Assert.All(outcome.Updates, u => Assert.StartsWith("chatcmpl-", u.ResponseId, StringComparison.Ordinal));
        Assert.Empty(outcome.RetryNotices);

        RecordedRequest request = Assert.Single(session.ChatRequests);
        Assert.Equal(200, request.StatusCode);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.True(body.RootElement.GetProperty("stream").GetBoolean());
        Assert.True(body.RootElement.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
    }

    [Fact]
    public async Task Streaming_UpdatesReachTheCallerAsTheyArrive_ToolCallsEachOnce()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.LoadScript(ParallelToolsScript);
        KimiChatClient client = session.Client();

        StreamOutcome outcome = (await session.StreamAsync(client)).ExpectSuccess();

        // chunk_size 3: "Reading them now." arrives as 6 pieces, each its own update, in order.
        List<string> textPieces = outcome.Updates.SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text).ToList();
        Assert.Equal(["Rea", "din", "g t", "hem", " no", "w."], textPieces);
        Assert.Equal(["call_a", "call_b"], outcome.Calls.Select(c => c.CallId));
    }

    [Fact]
    public async Task NonStreaming_ScriptedTurn_MapsMessageUsageAndTraceId()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.LoadScript("""
            {"turns":[{"thinking":"Short answer.","text":"Forty-two.",
                       "tool_calls":[{"id":"call_x","name":"Bash","arguments":{"command":"echo 42"}}],
                       "usage":{"prompt_tokens":10,"completion_tokens":3,"cached_tokens":4}}]}
            """);
        KimiChatClient client = session.Client();

        ChatResponse response = await client.GetResponseAsync(EmulatorSession.Prompt("What is 6 x 7?"), cancellationToken: session.Ct);

        ChatMessage message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal("Short answer.", Assert.Single(message.Contents.OfType<TextReasoningContent>()).Text);
        Assert.Equal("Forty-two.", response.Text);
        FunctionCallContent call = Assert.Single(message.Contents.OfType<FunctionCallContent>());
        Assert.Equal(("call_x", "Bash"), (call.CallId, call.Name));
        Assert.Equal("echo 42", ((JsonElement)call.Arguments!["command"]!).GetString());
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal((10L, 3L, 13L, 4L), (response.Usage!.InputTokenCount, response.Usage.OutputTokenCount, response.Usage.TotalTokenCount, response.Usage.CachedInputTokenCount));
        Assert.StartsWith("trace-", Assert.IsType<string>(response.AdditionalProperties?["trace_id"]), StringComparison.Ordinal);
        Assert.Equal(EmulatorSession.Model, response.ModelId);

        RecordedRequest request = Assert.Single(session.ChatRequests);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.False(body.RootElement.TryGetProperty("stream", out JsonElement stream) && stream.GetBoolean());
        Assert.Equal("What is 6 x 7?", body.RootElement.GetProperty("messages")[0].GetProperty("content").GetString());
    }

    [Fact]
    public async Task Streaming_DefaultModelWithConversation_EchoesAndSendsThinkingBack()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client();
        List<ChatMessage> conversation = EmulatorSession.Prompt("first");
        StreamOutcome first = (await session.StreamAsync(client, conversation)).ExpectSuccess();
        conversation.AddRange(first.Updates.ToChatResponse().Messages);
        conversation.Add(new ChatMessage(ChatRole.User, "second"));

        StreamOutcome second = (await session.StreamAsync(client, conversation)).ExpectSuccess();

        Assert.Equal(("The user said: first", "Echo: first"), (first.Reasoning, first.Text));
        Assert.Equal(("The user said: second", "Echo: second"), (second.Reasoning, second.Text));
        // The emulator accepted the history (a 400 would have surfaced), and it carried the thinking back.
        using JsonDocument body = JsonDocument.Parse(session.ChatRequests[1].Body);
        JsonElement assistant = body.RootElement.GetProperty("messages")[1];
        Assert.Equal("assistant", assistant.GetProperty("role").GetString());
        Assert.Equal("Echo: first", assistant.GetProperty("content").GetString());
        Assert.Equal("The user said: first", assistant.GetProperty("reasoning_content").GetString());
    }

    [Fact]
    public async Task ListModels_CodingApi_ReturnsKimiForCodingWithCapabilities()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client();

        IReadOnlyList<KimiModelInfo> models = await client.ListModelsAsync(session.Ct);

        Assert.Equal(
            new KimiModelInfo("kimi-for-coding", 262144, "Kimi For Coding", SupportsReasoning: true, SupportsImageIn: true, SupportsVideoIn: false, SupportsToolUse: true, "both"),
            Assert.Single(models));
        RecordedRequest request = Assert.Single(session.State.Requests);
        Assert.Equal(("GET", "/coding/v1/models", 200), (request.Method, request.Path, request.StatusCode));
        Assert.Equal("Bearer " + EmulatorSession.ApiKey, request.Headers["authorization"]);
        Assert.Equal("kimi_cli", request.Headers["x-msh-platform"]);
    }
}
