using System.Text.Json;
using KimiCode.Cli.Shell;
using KimiCode.Cli.Tests.Support;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>Pictures in shell prompts: <c>@path</c>, pasted paths, the transcript label, ReadMediaFile, text-only models and replay.</summary>
public sealed class ShellImageTests
{
    private const string VisionModel = "kimi-code/vision";

    private static Task<ShellHarness> CreateAsync() => ShellHarness.CreateAsync(
        KimiCode.Testing.HomeFiles.Model(VisionModel, "kimi-code", "kimi-for-coding", 262144, null, "thinking", "image_in"));

    private static ShellOptions Vision => new() { Model = VisionModel };

    private static JsonElement LastMessage(ShellHarness shell, string role)
    {
        using var body = JsonDocument.Parse(shell.ChatRequests()[^1].Body);
        return body.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == role).Clone();
    }

    private static string[] ImageUrls(JsonElement message) =>
        message.GetProperty("content").ValueKind == JsonValueKind.Array
            ? [.. message.GetProperty("content").EnumerateArray().Where(p => p.GetProperty("type").GetString() == "image_url").Select(p => p.GetProperty("image_url").GetProperty("url").GetString()!)]
            : [];

    [Fact]
    public async Task Prompt_AtImage_ReachesTheModelAsImageUrlPartAndTheTranscriptShowsIt()
    {
        await using var shell = await CreateAsync();
        byte[] png = TestImages.Png(8, 6);
        File.WriteAllBytes(Path.Combine(shell.WorkDir, "shot.png"), png);
        await shell.StartAsync(Vision);

        var screen = await shell.SendAsync("what is in @shot.png?");

        JsonElement user = LastMessage(shell, "user");
        Assert.Equal(["data:image/png;base64," + Convert.ToBase64String(png)], ImageUrls(user));
        Assert.Equal("what is in @shot.png?", user.GetProperty("content")[0].GetProperty("text").GetString());
        Assert.Contains($"[image: shot.png {png.Length} bytes]", screen, StringComparison.Ordinal);
        Assert.Contains("[saw 1 image: image/png", screen, StringComparison.Ordinal); // the emulator's model saw it
    }

    [Fact]
    public async Task Prompt_PastedQuotedPathWithSpaces_AttachesThePicture()
    {
        await using var shell = await CreateAsync();
        string folder = Path.Combine(shell.Root, "My Pictures");
        Directory.CreateDirectory(folder);
        byte[] jpeg = TestImages.Jpeg(30, 20);
        File.WriteAllBytes(Path.Combine(folder, "cat photo.JPG"), jpeg);
        await shell.StartAsync(Vision);

        await shell.SendAsync($"describe '{Path.Combine(folder, "cat photo.JPG")}' please");

        Assert.Equal(["data:image/jpeg;base64," + Convert.ToBase64String(jpeg)], ImageUrls(LastMessage(shell, "user")));
    }

    [Fact]
    public async Task Prompt_AtImageWithATextOnlyModel_RefusedNamingModelsThatCanAndNothingSent()
    {
        await using var shell = await CreateAsync();
        File.WriteAllBytes(Path.Combine(shell.WorkDir, "shot.png"), TestImages.Png(2, 2));
        await shell.StartAsync();

        var screen = await shell.SendAsync("what is in @shot.png?");

        Assert.Contains("model 'kimi-code/kimi-for-coding' cannot see images", screen, StringComparison.Ordinal);
        Assert.Contains($"models that can: {VisionModel}", screen, StringComparison.Ordinal);
        Assert.Contains("cli.usage", screen, StringComparison.Ordinal);
        Assert.Empty(shell.ChatRequests());
        Assert.Null(shell.App.Session);
    }

    [Fact]
    public async Task Prompt_ImageOverMaxEdge_RefusedWithBothSizesAndNothingSent()
    {
        await using var shell = await CreateAsync();
        File.WriteAllBytes(Path.Combine(shell.WorkDir, "wide.png"), TestImages.Png(2100, 1));
        await shell.StartAsync(Vision);

        var screen = await shell.SendAsync("look at wide.png");

        Assert.Contains("2100x1 px", screen, StringComparison.Ordinal);
        Assert.Contains("2000 px", screen, StringComparison.Ordinal);
        Assert.Empty(shell.ChatRequests());
    }

    [Fact]
    public async Task Prompt_AtTextFile_AttachedAsTextWithoutImages()
    {
        await using var shell = await CreateAsync();
        File.WriteAllText(Path.Combine(shell.WorkDir, "notes.md"), "hello");
        await shell.StartAsync(Vision);

        await shell.SendAsync("summarise @notes.md");

        JsonElement user = LastMessage(shell, "user");
        Assert.Empty(ImageUrls(user));
        Assert.StartsWith("summarise @notes.md\n\n<attached_file path=\"notes.md\"", user.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task ReadMediaFile_OfferedOnlyToAnImageModel_AndItsPictureReachesTheModel()
    {
        await using var shell = await CreateAsync();
        byte[] gif = TestImages.Gif(4, 4);
        File.WriteAllBytes(Path.Combine(shell.WorkDir, "anim.gif"), gif);
        await shell.StartAsync();
        await shell.SendAsync("hello");
        using (var textOnly = JsonDocument.Parse(shell.ChatRequests()[^1].Body))
        {
            Assert.DoesNotContain(textOnly.RootElement.GetProperty("tools").EnumerateArray(), t => t.GetProperty("function").GetProperty("name").GetString() == "ReadMediaFile");
        }

        await shell.SendAsync($"/model {VisionModel}");
        var screen = await shell.SendAsync("show me\ntool: ReadMediaFile {\"path\":\"anim.gif\"}");

        Assert.Equal(["data:image/gif;base64," + Convert.ToBase64String(gif)], ImageUrls(LastMessage(shell, "tool")));
        Assert.Contains("Read image anim.gif", screen, StringComparison.Ordinal);
        Assert.Contains($"[image: anim.gif {gif.Length} bytes]", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Resume_PromptWithPicture_ReplayShowsTheImageLabelAgain()
    {
        await using var shell = await CreateAsync();
        File.WriteAllBytes(Path.Combine(shell.WorkDir, "shot.png"), TestImages.Png(3, 3));
        await shell.StartAsync(Vision);
        await shell.SendAsync("what is in @shot.png?");
        var first = shell.App.Session!.Id;
        await shell.SendAsync("/new");
        var before = await shell.SendAsync("something else");

        var after = await shell.SendAsync($"/resume {first}");

        Assert.Equal(TestTerminal.Occurrences(before, "[image: shot.png") + 1, TestTerminal.Occurrences(after, "[image: shot.png"));
        Assert.Contains("› what is in @shot.png?", after, StringComparison.Ordinal);
    }
}
