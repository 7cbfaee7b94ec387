using System.Text.Json;

namespace KimiCode.EndToEnd.Tests;

/// <summary><c>--thinking</c>/<c>--no-thinking</c> change the request the service gets; <c>--plan</c>/<c>--auto</c> start in that mode; flags that exclude each other are one-line usage errors.</summary>
public sealed class StartFlagsEndToEndTests
{
    private const string Key = "sk-start-flags";

    private static string? ThinkingType(TestHome home)
    {
        var body = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body;
        using var doc = JsonDocument.Parse(body);
        return doc.RootElement.TryGetProperty("thinking", out var thinking) ? thinking.GetProperty("type").GetString() : null;
    }

    [Theory]
    [InlineData("--thinking", "enabled")]
    [InlineData("--no-thinking", "disabled")]
    public async Task Print_ThinkingFlag_RequestStatesIt(string flag, string expected)
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "\n[thinking]\nenabled = " + (expected == "enabled" ? "false" : "true") + "\n");

        var result = await home.RunAsync("-p", "hi", flag, "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(expected, ThinkingType(home));
    }

    [Theory]
    [InlineData("--thinking", "--no-thinking")]
    [InlineData("--yolo", "--plan")]
    [InlineData("--plan", "--auto")]
    public async Task Print_FlagsThatExcludeEachOther_OneLineExit2NothingSent(string first, string second)
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var result = await home.RunAsync("-p", "hi", first, second, "-w", home.Workspace());

        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains($"{first} and {second} exclude each other", line, StringComparison.Ordinal);
        Assert.DoesNotContain(home.Emulator.State.Requests, r => r.Path == "/coding/v1/chat/completions");
    }

    [Fact]
    public async Task Print_PlanFlag_CommandRefusedAsReadOnly()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "\n[[permission.rules]]\ndecision = \"allow\"\npattern = \"Bash\"\n");
        var work = home.Workspace();
        var marker = Path.Combine(work, "made.txt");

        var result = await home.RunAsync("-p", $"make it\ntool: Bash {{\"command\":\"touch {marker}\"}}", "--plan", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(marker));
        Assert.Contains("plan mode", home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_AutoFlag_AskRuleAllowsWithoutAsking()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "\n[[permission.rules]]\ndecision = \"ask\"\npattern = \"Bash(touch *)\"\n");
        var work = home.Workspace();
        var marker = Path.Combine(work, "made.txt");

        var refused = await home.RunAsync("-p", $"make it\ntool: Bash {{\"command\":\"touch {marker}\"}}", "-w", work);
        Assert.False(File.Exists(marker));
        var auto = await home.RunAsync("-p", $"make it\ntool: Bash {{\"command\":\"touch {marker}\"}}", "--auto", "-w", work);

        Assert.True(refused.ExitCode == 0, refused.ToString());
        Assert.True(auto.ExitCode == 0, auto.ToString());
        Assert.True(File.Exists(marker), auto.ToString());
    }

    [Fact]
    public async Task Print_AddDir_ReadInThatFolderAllowedWithoutItRefused()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        var other = Directory.CreateDirectory(Path.Combine(home.Root, "..", "other-" + Guid.NewGuid().ToString("N"))).FullName;
        File.WriteAllText(Path.Combine(other, "note.txt"), "kumquat-elsewhere\n");
        var prompt = $"read it\ntool: Read {{\"file_path\":\"{other}/note.txt\"}}";

        var without = await home.RunAsync("-p", prompt, "-w", work);
        string withoutBody = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body;
        var with = await home.RunAsync("-p", prompt, "--add-dir", other, "-w", work);
        string withBody = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body;
        var missing = await home.RunAsync("-p", "hi", "--add-dir", Path.Combine(other, "nope"), "-w", work);
        Directory.Delete(other, recursive: true);

        Assert.True(without.ExitCode == 0, without.ToString());
        Assert.DoesNotContain("kumquat-elsewhere", withoutBody, StringComparison.Ordinal);
        Assert.True(with.ExitCode == 0, with.ToString());
        Assert.Contains("kumquat-elsewhere", withBody, StringComparison.Ordinal);
        Assert.True(missing.ExitCode == 2, missing.ToString());
        Assert.Contains("is not an existing folder; create it or leave it out.", Assert.Single(missing.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries)), StringComparison.Ordinal);
    }
}
