using System.Text.Json;
using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

public sealed class RequestShapeTests
{
    private static readonly string Answer = new SseBuilder().Content("ok").Finish("stop").Done().Build();

    private static List<ChatMessage> Conversation() =>
    [
        new(ChatRole.System, "You are a coding agent."),
        new(new ChatRole("developer"), "Prefer small diffs."),
        new(ChatRole.User, "Read a.txt"),
        new(ChatRole.Assistant, [
            new TextReasoningContent("I should read the file."),
            new FunctionCallContent("call_1", "read_file", new Dictionary<string, object?> { ["path"] = "a.txt", ["limit"] = 10 }),
        ]),
        new(ChatRole.Tool, [new FunctionResultContent("call_1", "file contents")]),
        new(ChatRole.Assistant, [new TextReasoningContent("Done."), new TextContent("It says: file contents")]),
        new(ChatRole.User, "Thanks"),
    ];

    [Fact]
    public async Task Streaming_KimiConversation_SendsExpectedBody()
    {
        using var h = new Harness(o => { o.Thinking = true; o.MaxCompletionTokens = 4096; });
        h.Handler.EnqueueSse(Answer);
        var tool = AIFunctionFactory.CreateDeclaration("read_file", "Reads a file.", JsonDocument.Parse("""{"type":"object","properties":{"path":{"type":"string"}},"required":["path"]}""").RootElement);

        await h.StreamAsync(Conversation(), new ChatOptions { ConversationId = "session-42", Tools = [tool] });

        RecordedRequest request = Assert.Single(h.Handler.Requests);
        Assert.Equal(HttpMethod.Post, request.Method);
        Assert.Equal("https://api.test/coding/v1/chat/completions", request.Uri.ToString());
        JsonElement body = request.Json;
        Assert.Equal("kimi-for-coding", body.GetProperty("model").GetString());
        Assert.True(body.GetProperty("stream").GetBoolean());
        Assert.True(body.GetProperty("stream_options").GetProperty("include_usage").GetBoolean());
        Assert.Equal("session-42", body.GetProperty("prompt_cache_key").GetString());
        Assert.Equal(4096, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal("enabled", body.GetProperty("thinking").GetProperty("type").GetString());
        Assert.False(body.TryGetProperty("temperature", out _));

        JsonElement[] messages = body.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(["system", "system", "user", "assistant", "tool", "assistant", "user"], messages.Select(m => m.GetProperty("role").GetString()));
        Assert.Equal("Prefer small diffs.", messages[1].GetProperty("content").GetString());

        JsonElement toolCallOnly = messages[3];
        Assert.False(toolCallOnly.TryGetProperty("content", out _), "an assistant message with only tool calls must not carry content");
        Assert.Equal("I should read the file.", toolCallOnly.GetProperty("reasoning_content").GetString());
        JsonElement call = Assert.Single(toolCallOnly.GetProperty("tool_calls").EnumerateArray());
        Assert.Equal("call_1", call.GetProperty("id").GetString());
        Assert.Equal("function", call.GetProperty("type").GetString());
        Assert.Equal("read_file", call.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("""{"path":"a.txt","limit":10}""", call.GetProperty("function").GetProperty("arguments").GetString());

        Assert.Equal("call_1", messages[4].GetProperty("tool_call_id").GetString());
        Assert.Equal("file contents", messages[4].GetProperty("content").GetString());
        Assert.Equal("It says: file contents", messages[5].GetProperty("content").GetString());
        Assert.Equal("Done.", messages[5].GetProperty("reasoning_content").GetString());

        JsonElement function = Assert.Single(body.GetProperty("tools").EnumerateArray());
        Assert.Equal("function", function.GetProperty("type").GetString());
        Assert.Equal("read_file", function.GetProperty("function").GetProperty("name").GetString());
        Assert.Equal("Reads a file.", function.GetProperty("function").GetProperty("description").GetString());
        Assert.Equal("path", function.GetProperty("function").GetProperty("parameters").GetProperty("required")[0].GetString());
        Assert.DoesNotContain("developer", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Streaming_OpenAIKind_OmitsKimiExtensionsAndIdentityHeaders()
    {
        using var h = new Harness(o => { o.Kind = ProviderKind.OpenAI; o.Thinking = true; });
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync(Conversation(), new ChatOptions { ConversationId = "session-42" });

        RecordedRequest request = Assert.Single(h.Handler.Requests);
        JsonElement body = request.Json;
        Assert.False(body.TryGetProperty("thinking", out _));
        Assert.False(body.TryGetProperty("prompt_cache_key", out _));
        Assert.DoesNotContain("reasoning_content", request.Body, StringComparison.Ordinal);
        Assert.Empty(request.HeaderValues("X-Msh-Platform"));
        Assert.Empty(request.HeaderValues("X-Msh-Version"));
        Assert.Equal("Bearer secret-token", request.Header("Authorization"));
    }

    [Fact]
    public async Task Streaming_ChatOptionsOverrides_WinOverProviderOptions()
    {
        using var h = new Harness(o => { o.MaxCompletionTokens = 4096; o.Thinking = false; });
        h.Handler.EnqueueSse(Answer);
        var chatOptions = new ChatOptions
        {
            MaxOutputTokens = 100,
            Temperature = 0.5f,
            TopP = 0.9f,
            ModelId = "kimi-k2-turbo",
            AdditionalProperties = new AdditionalPropertiesDictionary { ["prompt_cache_key"] = "from-props" },
        };

        await h.StreamAsync(Harness.Prompt(), chatOptions);

        JsonElement body = Assert.Single(h.Handler.Requests).Json;
        Assert.Equal(100, body.GetProperty("max_completion_tokens").GetInt32());
        Assert.Equal(0.5, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.9, body.GetProperty("top_p").GetDouble(), 3);
        Assert.Equal("kimi-k2-turbo", body.GetProperty("model").GetString());
        Assert.Equal("from-props", body.GetProperty("prompt_cache_key").GetString());
        Assert.Equal("disabled", body.GetProperty("thinking").GetProperty("type").GetString());
    }

    [Theory]
    [InlineData(true, ReasoningEffort.None, "disabled")]
    [InlineData(false, ReasoningEffort.High, "enabled")]
    [InlineData(null, ReasoningEffort.Medium, "enabled")]
    public async Task Streaming_ReasoningOptionPerRequest_OverridesProviderThinking(bool? providerDefault, ReasoningEffort effort, string expected)
    {
        using var h = new Harness(o => o.Thinking = providerDefault);
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync(Conversation(), new ChatOptions { Reasoning = new ReasoningOptions { Effort = effort } });

        JsonElement body = Assert.Single(h.Handler.Requests).Json;
        Assert.Equal(expected, body.GetProperty("thinking").GetProperty("type").GetString());
    }

    [Fact]
    public async Task Streaming_ThinkingOnWithEffortAndKeep_SendsThemInsideThinking()
    {
        using var h = new Harness(o => { o.Thinking = true; o.ThinkingEffort = "high"; o.ThinkingKeep = "all"; o.Temperature = 0.3f; o.TopP = 0.95f; });
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync();

        JsonElement thinking = Assert.Single(h.Handler.Requests).Json.GetProperty("thinking");
        Assert.Equal("enabled", thinking.GetProperty("type").GetString());
        Assert.Equal("high", thinking.GetProperty("effort").GetString());
        Assert.Equal("all", thinking.GetProperty("keep").GetString());
        JsonElement body = h.Handler.Requests[0].Json;
        Assert.Equal(0.3, body.GetProperty("temperature").GetDouble(), 3);
        Assert.Equal(0.95, body.GetProperty("top_p").GetDouble(), 3);
    }

    [Fact]
    public async Task Streaming_ThinkingOffWithEffortAndKeep_SendsOnlyDisabled()
    {
        using var h = new Harness(o => { o.Thinking = false; o.ThinkingEffort = "max"; o.ThinkingKeep = "all"; });
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync();

        JsonElement thinking = Assert.Single(h.Handler.Requests).Json.GetProperty("thinking");
        Assert.Equal("""{"type":"disabled"}""", thinking.GetRawText());
    }

    [Fact]
    public async Task Streaming_EffortWithThinkingUnset_TurnsThinkingOnWithEffort()
    {
        using var h = new Harness(o => o.ThinkingEffort = "low");
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync();

        JsonElement thinking = Assert.Single(h.Handler.Requests).Json.GetProperty("thinking");
        Assert.Equal("enabled", thinking.GetProperty("type").GetString());
        Assert.Equal("low", thinking.GetProperty("effort").GetString());
        Assert.False(thinking.TryGetProperty("keep", out _));
    }

    [Fact]
    public async Task Streaming_ThinkingNull_SendsNoThinkingField()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync();

        JsonElement body = Assert.Single(h.Handler.Requests).Json;
        Assert.False(body.TryGetProperty("thinking", out _));
        Assert.False(body.TryGetProperty("max_completion_tokens", out _));
        Assert.False(body.TryGetProperty("tools", out _));
    }

    [Fact]
    public async Task Streaming_BaseUrlWithTrailingSlash_PostsToSinglePath()
    {
        using var h = new Harness(o => o.BaseUrl = new Uri("http://127.0.0.1:4242/coding/v1/"));
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync();

        Assert.Equal("http://127.0.0.1:4242/coding/v1/chat/completions", Assert.Single(h.Handler.Requests).Uri.ToString());
    }

    [Fact]
    public async Task Streaming_UserImage_SendsContentParts()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(Answer);
        var message = new ChatMessage(ChatRole.User, [new TextContent("What is this?"), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        await h.StreamAsync([message]);

        JsonElement content = Assert.Single(h.Handler.Requests).Json.GetProperty("messages")[0].GetProperty("content");
        Assert.Equal(JsonValueKind.Array, content.ValueKind);
        Assert.Equal("What is this?", content[0].GetProperty("text").GetString());
        Assert.Equal("image_url", content[1].GetProperty("type").GetString());
        Assert.Equal("data:image/png;base64,AQID", content[1].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Streaming_ToolResultWithImage_ToolMessageCarriesTextAndImageParts()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(Answer);
        var call = new ChatMessage(ChatRole.Assistant, [new FunctionCallContent("c1", "ReadMediaFile", new Dictionary<string, object?> { ["path"] = "a.png" })]);
        var result = new ChatMessage(ChatRole.Tool, [new FunctionResultContent("c1", "Image 'a.png' is attached below."), new DataContent(new byte[] { 1, 2, 3 }, "image/png")]);

        await h.StreamAsync([new ChatMessage(ChatRole.User, "look"), call, result]);

        JsonElement[] messages = Assert.Single(h.Handler.Requests).Json.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal(3, messages.Length); // the image is the tool message's, not a user message of its own
        JsonElement content = messages[2].GetProperty("content");
        Assert.Equal(("tool", "c1"), (messages[2].GetProperty("role").GetString(), messages[2].GetProperty("tool_call_id").GetString()));
        Assert.Equal("Image 'a.png' is attached below.", content[0].GetProperty("text").GetString());
        Assert.Equal("data:image/png;base64,AQID", content[1].GetProperty("image_url").GetProperty("url").GetString());
    }

    [Fact]
    public async Task Streaming_ToolResultObjectAndError_SentAsText()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(Answer);
        using JsonDocument result = JsonDocument.Parse("""{"lines":3}""");
        var message = new ChatMessage(ChatRole.Tool, [
            new FunctionResultContent("c1", result.RootElement.Clone()),
            new FunctionResultContent("c2", null) { Exception = new InvalidOperationException("file not found") },
        ]);

        await h.StreamAsync([new ChatMessage(ChatRole.User, "go"), message]);

        JsonElement[] messages = Assert.Single(h.Handler.Requests).Json.GetProperty("messages").EnumerateArray().ToArray();
        Assert.Equal("""{"lines":3}""", messages[1].GetProperty("content").GetString());
        Assert.Equal("Error: file not found", messages[2].GetProperty("content").GetString());
        Assert.Equal("c2", messages[2].GetProperty("tool_call_id").GetString());
    }

    [Fact]
    public async Task GetResponseAsync_NonStreaming_SendsStreamFalseWithoutStreamOptions()
    {
        using var h = new Harness();
        h.Handler.EnqueueJson(200, """{"id":"c1","model":"kimi-for-coding","choices":[{"index":0,"message":{"role":"assistant","content":"hi"},"finish_reason":"stop"}]}""");

        await h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken);

        JsonElement body = Assert.Single(h.Handler.Requests).Json;
        Assert.False(body.GetProperty("stream").GetBoolean());
        Assert.False(body.TryGetProperty("stream_options", out _));
    }
}
