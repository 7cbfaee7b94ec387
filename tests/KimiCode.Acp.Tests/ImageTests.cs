using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>Pictures over ACP: prompt images as image_url parts, refusals for text-only models, ReadMediaFile results shown and replayed.</summary>
public sealed class ImageTests
{
    private static JsonElement LastChat(AcpHarness harness)
    {
        using var body = JsonDocument.Parse(harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body);
        return body.RootElement.Clone();
    }

    private static JsonElement LastMessage(JsonElement chat, string role) =>
        chat.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == role);

    [Fact]
    public async Task Prompt_ImageBlock_ReachesTheModelAsImageUrlPart()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        string png = Convert.ToBase64String(TestImages.Png(4, 4));

        await harness.Client.ResultAsync("session/prompt", $$"""
            {"sessionId":{{Json.Str(sessionId)}},"prompt":[{"type":"text","text":"What is this?"},{"type":"image","data":"{{png}}","mimeType":"image/png"}]}
            """);

        JsonElement content = LastMessage(LastChat(harness), "user").GetProperty("content");
        Assert.Equal(("text", "What is this?"), (content[0].Text("type"), content[0].Text("text")));
        Assert.Equal("image_url", content[1].Text("type"));
        Assert.Equal("data:image/png;base64," + png, content[1].GetProperty("image_url").Text("url"));
    }

    [Fact]
    public async Task Prompt_EmbeddedImageResourceToATextOnlyModel_InvalidParamsNotASilentDrop()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        await harness.Client.ResultAsync("session/set_config_option", $$"""{"sessionId":{{Json.Str(sessionId)}},"configId":"model","value":"test/second"}""");
        string png = Convert.ToBase64String(TestImages.Png(2, 2));

        JsonElement error = await harness.Client.ErrorAsync("session/prompt", $$$"""
            {"sessionId":{{{Json.Str(sessionId)}}},"prompt":[{"type":"text","text":"see"},{"type":"resource","resource":{"uri":"file:///p/a.png","blob":"{{{png}}}","mimeType":"image/png"}}]}
            """);

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("model 'test/second' cannot see images", error.Text("message"), StringComparison.Ordinal);
        Assert.Contains($"models that can: {AcpHarness.ModelAlias}", error.Text("message"), StringComparison.Ordinal);
        Assert.DoesNotContain(harness.Emulator.State.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
    }

    [Fact]
    public async Task ReadMediaFile_PictureShownInTheToolCallAndReplayedOnLoad()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        byte[] png = TestImages.Png(6, 3);
        File.WriteAllBytes(Path.Combine(harness.Workspace, "shot.png"), png);
        string sessionId = await harness.NewSessionAsync();
        harness.Client.DrainUpdates();

        await harness.PromptAsync(sessionId, "look\ntool: ReadMediaFile {\"path\":\"shot.png\"}");

        string base64 = Convert.ToBase64String(png);
        Assert.Equal("data:image/png;base64," + base64, LastMessage(LastChat(harness), "tool").GetProperty("content")[1].GetProperty("image_url").Text("url"));
        JsonElement live = ImageInToolUpdates(harness.Client.DrainUpdates());
        Assert.Equal((base64, "image/png"), (live.Text("data"), live.Text("mimeType")));

        AcpConnection again = harness.Connect();
        await AcpHarness.InitializeAsync(again.Client);
        await again.Client.ResultAsync("session/load", $$"""{"sessionId":{{Json.Str(sessionId)}},"cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[]}""");
        JsonElement replayed = ImageInToolUpdates(again.Client.DrainUpdates());
        Assert.Equal((base64, "image/png"), (replayed.Text("data"), replayed.Text("mimeType")));
    }

    /// <summary>The one image block among the completed tool calls' content.</summary>
    private static JsonElement ImageInToolUpdates(IEnumerable<JsonElement> updates) =>
        updates.Where(u => u.Tag() == "tool_call_update" && u.Text("status") == "completed")
            .SelectMany(u => u.GetProperty("content").EnumerateArray())
            .Select(c => c.GetProperty("content"))
            .Single(c => c.Text("type") == "image");
}
