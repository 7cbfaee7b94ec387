using System.Text.Json;

namespace KimiCode.EndToEnd.Tests;

/// <summary>Pictures with the real kimi: <c>-p --image</c> and ReadMediaFile reach the emulator's model; a text-only model is refused before anything is sent or saved.</summary>
public sealed class ImagesEndToEndTests
{
    private const string Key = "sk-images-e2e";
    private const string Vision = "kimi-code/vision";

    private static Task<TestHome> StartAsync() => TestHome.StartWithApiKeyAsync(Key, _ => HomeFiles.Model(Vision, "kimi-code", "kimi-for-coding", 262144, null, "image_in"));

    private static string Write(string folder, string name, byte[] bytes)
    {
        var path = Path.Combine(folder, name);
        File.WriteAllBytes(path, bytes);
        return path;
    }

    private static List<JsonElement> Chats(TestHome home) =>
        [.. home.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => JsonDocument.Parse(r.Body).RootElement)];

    private static IEnumerable<string> SessionFiles(TestHome home) =>
        Directory.Exists(Path.Combine(home.Root, "sessions")) ? Directory.EnumerateFiles(Path.Combine(home.Root, "sessions"), "*", SearchOption.AllDirectories) : [];

    [Fact]
    public async Task Print_TwoImageFlags_BothReachTheModelAsImageUrlParts()
    {
        await using var home = await StartAsync();
        var work = home.Workspace();
        byte[] png = TestImages.Png(10, 10);
        byte[] webp = TestImages.WebP("VP8L", 64, 32);

        var result = await home.RunAsync("-p", "compare them", "--image", Write(work, "a.png", png), "--image", Write(work, "b.webp", webp), "-m", Vision, "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Echo: compare them [saw 2 images: image/png", result.Stdout, StringComparison.Ordinal);
        JsonElement user = Chats(home)[^1].GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user");
        string[] urls = [.. user.GetProperty("content").EnumerateArray().Where(p => p.GetProperty("type").GetString() == "image_url").Select(p => p.GetProperty("image_url").GetProperty("url").GetString()!)];
        Assert.Equal(["data:image/png;base64," + Convert.ToBase64String(png), "data:image/webp;base64," + Convert.ToBase64String(webp)], urls);
    }

    [Fact]
    public async Task Print_ImageFlagWithATextOnlyModel_Exit2OneLineNothingSentNothingSaved()
    {
        await using var home = await StartAsync();
        var work = home.Workspace();

        var result = await home.RunAsync("-p", "what is it?", "--image", Write(work, "a.png", TestImages.Png(2, 2)), "-w", work);

        Assert.True(result.ExitCode == 2, result.ToString());
        string line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("model 'kimi-code/kimi-for-coding' cannot see images", line, StringComparison.Ordinal);
        Assert.Contains($"models that can: {Vision}", line, StringComparison.Ordinal);
        Assert.EndsWith("[cli.usage]", line.TrimEnd(), StringComparison.Ordinal);
        Assert.Empty(Chats(home));
        Assert.Empty(SessionFiles(home));
    }

    [Theory]
    [InlineData("wide")]
    [InlineData("text")]
    [InlineData("missing")]
    public async Task Print_ImageThatCannotBeSent_Exit2SayingWhy(string kind)
    {
        await using var home = await StartAsync();
        var work = home.Workspace(("notes.png", "not a picture"));
        (string file, string expected) = kind switch
        {
            "wide" => (Write(work, "wide.png", TestImages.Png(2500, 2)), "2500x2 px"),
            "text" => (Path.Combine(work, "notes.png"), "not a PNG, JPEG, GIF or WebP image"),
            _ => (Path.Combine(work, "gone.png"), "does not exist"),
        };

        var result = await home.RunAsync("-p", "look", "--image", file, "-m", Vision, "-w", work);

        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains(expected, result.Stderr, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", result.Stderr, StringComparison.Ordinal);
        Assert.Empty(Chats(home));
    }

    [Fact]
    public async Task Print_ReadMediaFile_TheModelSeesThePictureOnlyWithAnImageModel()
    {
        await using var home = await StartAsync();
        var work = home.Workspace();
        Write(work, "shot.png", TestImages.Png(7, 7));
        const string prompt = "look\ntool: ReadMediaFile {\"path\":\"shot.png\"}";

        var seen = await home.RunAsync("-p", prompt, "-m", Vision, "-w", work);
        var textOnly = await home.RunAsync("-p", prompt, "-w", work);

        Assert.True(seen.ExitCode == 0, seen.ToString());
        Assert.Contains("Tool ReadMediaFile returned:", seen.Stdout, StringComparison.Ordinal);
        Assert.Contains("[saw 1 image: image/png", seen.Stdout, StringComparison.Ordinal);
        Assert.True(textOnly.ExitCode == 0, textOnly.ToString());
        Assert.Contains("There is no tool named 'ReadMediaFile'", textOnly.Stdout, StringComparison.Ordinal);
    }
}
