using System.Text.Json;

namespace KimiCode.EndToEnd.Tests;

/// <summary>Skills and <c>[[hooks]]</c> in the real <c>kimi -p</c>, against the emulator.</summary>
public sealed class SkillsAndHooksEndToEndTests
{
    private const string Key = "sk-e2e-skills-hooks-0123456789abcdef";

    private static void WriteSkill(string folder, string name, string body)
    {
        Directory.CreateDirectory(Path.Combine(folder, name));
        File.WriteAllText(Path.Combine(folder, name, "SKILL.md"), $"---\nname: {name}\ndescription: Greets someone\narguments: [who]\n---\n{body}\n");
    }

    private static string ChatBody(TestHome home, int fromEnd = 1) =>
        home.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).SkipLast(fromEnd - 1).Last().Body;

    private static string LastToolMessage(TestHome home)
    {
        using var doc = JsonDocument.Parse(ChatBody(home));
        var tool = doc.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "tool");
        return tool.GetProperty("content").ToString();
    }

    [Fact]
    public async Task Print_SkillCommand_ProjectSkillBeatsUserSkillAndExpandsIntoTheRequest()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        WriteSkill(Path.Combine(home.Root, "skills"), "greet", "USER-SKILL hello $who");
        WriteSkill(Path.Combine(work, ".agents", "skills"), "greet", "PROJECT-SKILL hello $who, from ${KIMI_SKILL_DIR}");

        var result = await home.RunAsync("-p", "/skill:greet \"Ada Lovelace\"", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        var body = ChatBody(home);
        Assert.Contains("PROJECT-SKILL hello Ada Lovelace, from " + Path.Combine(work, ".agents", "skills", "greet"), body, StringComparison.Ordinal);
        Assert.DoesNotContain("USER-SKILL", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_UnknownSkill_Exit2WithOneLineAndNothingSent()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var result = await home.RunAsync("-p", "/skill:nope now", "-w", home.Workspace());

        Assert.Equal(2, result.ExitCode);
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("There is no skill named \"nope\"; the skills are init", line, StringComparison.Ordinal);
        Assert.Contains("[cli.unknown_skill]", line, StringComparison.Ordinal);
        Assert.DoesNotContain(home.Emulator.State.Requests, r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
    }

    private static Task<TestHome> StartWithHookAsync(string command, int timeout) =>
        TestHome.StartWithApiKeyAsync(Key, _ => $"""

            [[hooks]]
            event = "PreToolUse"
            matcher = "^Bash$"
            command = "{command}"
            timeout = {timeout}
            """);

    /// <summary><c>kimi -p --yolo</c> with a scripted Bash call that makes a marker file; the marker's path.</summary>
    private static async Task<(ProcessResult Result, string Work, string Marker)> RunTouchAsync(TestHome home)
    {
        var work = home.Workspace();
        var marker = Path.Combine(work, "made-by-bash");
        var result = await home.RunAsync("-p", "go\ntool: Bash " + JsonSerializer.Serialize(new { command = $"touch {marker}" }), "-w", work, "--yolo");
        Assert.True(result.ExitCode == 0, result.ToString());
        return (result, work, marker);
    }

    [Fact]
    public async Task Print_PreToolUseHookBlocksBash_CommandNotRunReasonInNextRequestAndNoSecretInHookEnv()
    {
        await using var home = await StartWithHookAsync("env > hook-env.txt; echo 'Bash is off limits in this repo' >&2; exit 2", 10);
        home.Environment["KIMI_API_KEY"] = Key;

        var (_, work, marker) = await RunTouchAsync(home);

        Assert.False(File.Exists(marker));
        var tool = LastToolMessage(home);
        Assert.Contains("A PreToolUse hook blocked this Bash call: Bash is off limits in this repo", tool, StringComparison.Ordinal);
        var env = File.ReadAllText(Path.Combine(work, "hook-env.txt"));
        Assert.Contains("HOME=", env, StringComparison.Ordinal);
        Assert.DoesNotContain("KIMI_API_KEY", env, StringComparison.Ordinal);
        Assert.DoesNotContain(Key, env, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_HookTimesOut_CallProceeds()
    {
        await using var home = await StartWithHookAsync("sleep 120; exit 2", 1);

        var (_, _, marker) = await RunTouchAsync(home);

        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task Print_BadHookEntry_OneWarningNamingItAndTheRunGoesOn()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => """

            [[hooks]]
            event = "BeforeEverything"
            command = "true"
            """);

        var result = await home.RunAsync("-p", "hello", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.Contains("[[hooks]] #1 has event \"BeforeEverything\", which is not a hook event", line, StringComparison.Ordinal);
        Assert.Contains("Echo: hello", result.Stdout, StringComparison.Ordinal);
    }
}
