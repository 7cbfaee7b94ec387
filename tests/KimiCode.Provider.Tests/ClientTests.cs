using System.Text.Json;
using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

public sealed class ClientTests
{
    [Fact]
    public async Task GetResponseAsync_FullCompletion_MapsEverything()
    {
        using var h = new Harness();
        h.Handler.EnqueueJson(200, """
            {"id":"chatcmpl-9","object":"chat.completion","created":1700000000,"model":"kimi-for-coding",
             "choices":[{"index":0,"message":{"role":"assistant","content":"Let me check.","reasoning_content":"Need the file.",
               "tool_calls":[{"id":"call_1","type":"function","function":{"name":"read_file","arguments":"{\"path\":\"a.txt\"}"}}]},
               "finish_reason":"tool_calls"}],
             "usage":{"prompt_tokens":10,"completion_tokens":5,"total_tokens":15,"prompt_tokens_details":{"cached_tokens":4}}}
            """, traceId: "trace-nonstream");

        ChatResponse response = await h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken);

        ChatMessage message = Assert.Single(response.Messages);
        Assert.Equal(ChatRole.Assistant, message.Role);
        Assert.Equal("Need the file.", message.Contents.OfType<TextReasoningContent>().Single().Text);
        Assert.Equal("Let me check.", response.Text);
        FunctionCallContent call = message.Contents.OfType<FunctionCallContent>().Single();
        Assert.Equal(("call_1", "read_file", "a.txt"), (call.CallId, call.Name, ((JsonElement)call.Arguments!["path"]!).GetString()));
        Assert.Equal(ChatFinishReason.ToolCalls, response.FinishReason);
        Assert.Equal((10L, 5L, 15L, 4L), (response.Usage!.InputTokenCount!.Value, response.Usage.OutputTokenCount!.Value, response.Usage.TotalTokenCount!.Value, response.Usage.CachedInputTokenCount!.Value));
        Assert.Equal(("chatcmpl-9", "kimi-for-coding"), (response.ResponseId, response.ModelId));
        Assert.Equal("trace-nonstream", response.AdditionalProperties?["trace_id"]);
    }

    [Fact]
    public async Task ListModelsAsync_ModelList_MapsFields()
    {
        using var h = new Harness();
        h.Handler.EnqueueJson(200, """
            {"object":"list","data":[
              {"id":"kimi-for-coding","context_length":262144,"display_name":"Kimi For Coding","supports_reasoning":true,
               "supports_image_in":true,"supports_video_in":false,"supports_tool_use":true,"supports_thinking_type":"both"},
              {"id":"plain"}]}
            """);

        IReadOnlyList<KimiModelInfo> models = await h.Client.ListModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal(
            [
                new KimiModelInfo("kimi-for-coding", 262144, "Kimi For Coding", true, true, false, true, "both"),
                new KimiModelInfo("plain", null, null, false, false, false, true, null),
            ],
            models);
    }

    [Fact]
    public async Task ListModelsAsync_ToolUseAbsentOrFalse_AssumedOnlyWhenAbsentLikeTheOfficialClient()
    {
        using var h = new Harness();
        h.Handler.EnqueueJson(200, """{"data":[{"id":"a","context_length":1},{"id":"b","context_length":1,"supports_tool_use":false}]}""");

        IReadOnlyList<KimiModelInfo> models = await h.Client.ListModelsAsync(TestContext.Current.CancellationToken);

        Assert.Equal([true, false], models.Select(m => m.SupportsToolUse).ToArray());
    }

    [Fact]
    public async Task ListModelsAsync_Unauthorized_ThrowsAuth()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(401, "invalid_authentication_error", "bad key");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.Client.ListModelsAsync(TestContext.Current.CancellationToken));

        Assert.Equal(ProviderErrorCodes.Auth, error.Code);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public void GetService_Metadata_DescribesProvider()
    {
        using var h = new Harness();

        var metadata = h.Client.GetService<ChatClientMetadata>();

        Assert.NotNull(metadata);
        Assert.Equal("kimi", metadata.ProviderName);
        Assert.Equal(new Uri("https://api.test/coding/v1"), metadata.ProviderUri);
        Assert.Equal("kimi-for-coding", metadata.DefaultModelId);
        Assert.Same(h.Client, h.Client.GetService<KimiChatClient>());
        Assert.Null(h.Client.GetService<ChatClientMetadata>("some-key"));
    }

    [Fact]
    public async Task StaticTokenSource_ApiKey_NeverRefreshesAndHidesKey()
    {
        var source = new StaticTokenSource("sk-live-123");

        Assert.Equal("sk-live-123", await source.GetAccessTokenAsync(TestContext.Current.CancellationToken));
        Assert.Null(await source.RefreshAfterUnauthorizedAsync("sk-live-123", TestContext.Current.CancellationToken));
        Assert.DoesNotContain("sk-live-123", source.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void JsonReflection_InThisTestRun_IsDisabled()
    {
        // Every other test runs with reflection-based JSON off; this guards the switch itself.
        Assert.False(JsonSerializer.IsReflectionEnabledByDefault);
    }
}
