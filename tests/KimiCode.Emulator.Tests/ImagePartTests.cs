using KimiCode.Emulator.Tests.TestSupport;
using static KimiCode.Emulator.Tests.TestSupport.EmulatorHarness;

namespace KimiCode.Emulator.Tests;

/// <summary>image_url content parts: checked like the service would, and visible in what the default model answers.</summary>
public sealed class ImagePartTests
{
    private static string Chat(string userContent, string tail = "") =>
        $$"""{"model":"kimi-for-coding","stream":false,"messages":[{"role":"user","content":{{userContent}}}{{tail}}]}""";

    private static async Task<string> AnswerAsync(EmulatorHarness h, string json)
    {
        using var response = await h.ChatAsync(json);
        Assert.Equal(200, (int)response.StatusCode);
        using var body = await ReadJsonAsync(response);
        return body.RootElement.GetProperty("choices")[0].GetProperty("message").GetProperty("content").GetString()!;
    }

    [Fact]
    public async Task Chat_UserImage_EchoSaysTheModelSawIt()
    {
        await using var h = await EmulatorHarness.StartAsync();

        string answer = await AnswerAsync(h, Chat("""[{"type":"text","text":"what is it?"},{"type":"image_url","image_url":{"url":"data:image/png;base64,AQID"}}]"""));

        Assert.Equal("Echo: what is it? [saw 1 image: image/png 3 bytes]", answer);
    }

    [Fact]
    public async Task Chat_ImageInToolMessage_AcceptedAndSummarised()
    {
        await using var h = await EmulatorHarness.StartAsync();
        const string tail = """
            ,{"role":"assistant","tool_calls":[{"id":"c1","type":"function","function":{"name":"ReadMediaFile","arguments":"{}"}}]},
            {"role":"tool","tool_call_id":"c1","content":[{"type":"text","text":"shot.png"},{"type":"image_url","image_url":{"url":"data:image/webp;base64,AQIDBA=="}}]}
            """;

        string answer = await AnswerAsync(h, Chat("\"look\"", tail));

        Assert.Equal("Tool ReadMediaFile returned:\nshot.png [saw 1 image: image/webp 4 bytes]", answer);
    }

    [Theory]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/png;base64,%%%"}}""", "not valid base64")]
    [InlineData("""{"type":"image_url","image_url":{"url":"data:image/svg+xml;base64,AQID"}}""", "unsupported image type image/svg+xml")]
    [InlineData("""{"type":"image_url","image_url":{"url":"/tmp/a.png"}}""", "must be an http(s) URL or a base64 data URL")]
    [InlineData("""{"type":"image_url","image_url":{}}""", "needs image_url.url")]
    public async Task Chat_BadImagePart_400SayingWhy(string part, string expected)
    {
        await using var h = await EmulatorHarness.StartAsync();

        using var response = await h.ChatAsync(Chat($"[{part}]"));
        using var body = await ReadJsonAsync(response);

        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid_request_error", body.RootElement.GetProperty("error").GetProperty("type").GetString());
        Assert.Contains(expected, body.RootElement.GetProperty("error").GetProperty("message").GetString(), StringComparison.Ordinal);
    }
}
