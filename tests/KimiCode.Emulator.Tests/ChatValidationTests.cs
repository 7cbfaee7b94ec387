using KimiCode.Emulator.Tests.TestSupport;
using static KimiCode.Emulator.Tests.TestSupport.EmulatorHarness;

namespace KimiCode.Emulator.Tests;

public sealed class ChatValidationTests
{
    private static async Task<(int Status, string Type, string Message)> SendAsync(EmulatorHarness h, string json)
    {
        using var response = await h.ChatAsync(json);
        using var body = await ReadJsonAsync(response);
        var error = body.RootElement.GetProperty("error");
        return ((int)response.StatusCode, error.GetProperty("type").GetString()!, error.GetProperty("message").GetString()!);
    }

    [Fact]
    public async Task Chat_DeveloperRole_UnsupportedRole()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var (status, type, message) = await SendAsync(h, """{"model":"kimi-for-coding","messages":[{"role":"developer","content":"be nice"},{"role":"user","content":"hi"}]}""");
        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", type);
        Assert.Equal("unsupported role ROLE_UNSPECIFIED", message);
    }

    [Theory]
    [InlineData("""{"role":"assistant","content":""}""")]
    [InlineData("""{"role":"assistant","content":"","tool_calls":[{"id":"c1","type":"function","function":{"name":"Read","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"x"}""")]
    public async Task Chat_EmptyAssistantContent_TextContentIsEmpty(string assistant)
    {
        await using var h = await EmulatorHarness.StartAsync();
        var (status, type, message) = await SendAsync(h, $$"""{"model":"kimi-for-coding","messages":[{"role":"user","content":"hi"},{{assistant}},{"role":"user","content":"again"}]}""");
        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", type);
        Assert.Contains("text content is empty", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_AssistantToolCallWithoutContent_Accepted()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.ChatAsync("""{"model":"kimi-for-coding","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"Read","arguments":"{}"}}]},{"role":"tool","tool_call_id":"c1","content":"line1"}]}""");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task Chat_DanglingToolCall_RejectedNamingTheId()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var (status, type, message) = await SendAsync(h, """{"model":"kimi-for-coding","messages":[{"role":"user","content":"hi"},{"role":"assistant","tool_calls":[{"id":"call_dangling","type":"function","function":{"name":"Read","arguments":"{}"}}]},{"role":"user","content":"next"}]}""");
        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", type);
        Assert.Contains("call_dangling", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_ToolResultForUnknownCall_RejectedNamingTheId()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var (status, _, message) = await SendAsync(h, """{"model":"kimi-for-coding","messages":[{"role":"user","content":"hi"},{"role":"tool","tool_call_id":"call_ghost","content":"x"}]}""");
        Assert.Equal(400, status);
        Assert.Contains("call_ghost", message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Chat_TooLong_ExceededModelTokenLimit()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var (status, type, message) = await SendAsync(h, UserChat(new string('x', (4 * 262144) + 10)));
        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", type);
        Assert.Contains("exceeded model token limit", message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{not json")]
    [InlineData("[1,2]")]
    [InlineData("""{"model":"kimi-for-coding","messages":[]}""")]
    public async Task Chat_MalformedBody_InvalidRequest(string body)
    {
        await using var h = await EmulatorHarness.StartAsync();
        var (status, type, _) = await SendAsync(h, body);
        Assert.Equal(400, status);
        Assert.Equal("invalid_request_error", type);
        Assert.Equal(0, h.State.ChatCount);
    }

    [Fact]
    public async Task Chat_UnknownModel_NotFoundOpenAiShaped()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var (status, type, message) = await SendAsync(h, """{"model":"gpt-9","messages":[{"role":"user","content":"hi"}]}""");
        Assert.Equal(404, status);
        Assert.Equal("resource_not_found_error", type);
        Assert.Contains("gpt-9", message, StringComparison.Ordinal);
    }
}
