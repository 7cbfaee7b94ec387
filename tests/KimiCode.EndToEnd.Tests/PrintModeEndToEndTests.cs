using System.Text.Json;
using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests;

/// <summary>`kimi -p` as scripts and CI use it: the agent does tool work, output formats, exit codes.</summary>
public sealed class PrintModeEndToEndTests
{
    private const string Key = "sk-print-mode";

    [Fact]
    public async Task Print_ToolCallPrompt_AgentReadsFileAndAnswersOnStdout()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace(("notes.txt", "the secret word is kumquat\n"));

        var result = await home.RunAsync("-p", "read it\ntool: Read {\"file_path\":\"notes.txt\"}", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("Tool Read returned:", result.Stdout);
        Assert.Contains("the secret word is kumquat", result.Stdout);
        Assert.Equal(string.Empty, result.Stderr); // stderr is not a terminal: no progress
    }

    [Fact]
    public async Task Print_StreamJson_EveryLineMatchesTheDocumentedSchema()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace(("a.txt", "alpha\n"), ("b.txt", "beta\n"));
        using var schema = JsonDocument.Parse(File.ReadAllText(Path.Combine(RepositoryRoot.Path, "docs", "stream-json.schema.json")));

        var result = await home.RunAsync("-p", "read both\ntool: Read {\"file_path\":\"a.txt\"}\ntool: Read {\"file_path\":\"b.txt\"}", "-w", work, "--output-format", "stream-json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        var roles = new List<string>();
        foreach (var line in lines)
        {
            using var doc = JsonDocument.Parse(line);
            var problems = JsonSchemaSubset.Validate(schema.RootElement, doc.RootElement);
            Assert.True(problems.Count == 0, line + "\n" + string.Join("\n", problems));
            roles.Add(doc.RootElement.GetProperty("role").GetString()! + (doc.RootElement.TryGetProperty("type", out var t) && t.ValueKind == JsonValueKind.String ? ":" + t.GetString() : string.Empty));
        }

        var firstAssistant = lines.Select(l => JsonDocument.Parse(l).RootElement).First(e => e.GetProperty("role").GetString() == "assistant");
        Assert.Equal(2, firstAssistant.GetProperty("tool_calls").GetArrayLength());
        Assert.Equal(2, roles.Count(r => r == "tool"));
        Assert.Equal("meta:result", roles[^1]);
        Assert.Contains("beta", result.Stdout);
    }

    [Fact]
    public async Task Print_ShellWithoutYolo_RefusedWithoutAskingAndWithYoloRuns()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        var marker = Path.Combine(work, "made-by-bash");
        var prompt = $"make it\ntool: Bash {{\"command\":\"touch {marker}\"}}";

        var refused = await home.RunAsync("-p", prompt, "-w", work);
        var markerAfterRefusal = File.Exists(marker);
        var allowed = await home.RunAsync("-p", prompt, "-w", work, "--yolo");

        Assert.True(refused.ExitCode == 0, refused.ToString());
        Assert.False(markerAfterRefusal);
        Assert.Contains("nobody can approve tool calls in print mode", refused.Stdout);
        Assert.True(allowed.ExitCode == 0, allowed.ToString());
        Assert.True(File.Exists(marker));
    }

    [Fact]
    public async Task Print_Continue_ResumesLatestSessionOfTheFolder()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();

        var first = await home.RunAsync("-p", "first prompt", "-w", work, "--output-format", "stream-json");
        var second = await home.RunAsync("-p", "second prompt", "-w", work, "--continue", "--output-format", "stream-json");

        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Equal(SessionId(first), SessionId(second));
        var lastChat = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions");
        Assert.Contains("first prompt", lastChat.Body);
        Assert.Contains("second prompt", lastChat.Body);
    }

    [Fact]
    public async Task Print_Forbidden_ExitOneWithServerWords()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        home.Emulator.State.InjectFault(new EmulatorFault
        {
            Status = 403,
            Body = """{"error":{"message":"Kimi For Coding is currently only available for Coding Agents such as Kimi CLI, Claude Code, Roo Code, Kilo Code, etc.","type":"access_terminated_error"}}""",
        });

        var result = await home.RunAsync("-p", "hello", "-w", home.Workspace());

        Assert.True(result.ExitCode == 1, result.ToString());
        Assert.Contains("[provider.access_terminated]", result.Stderr);
        Assert.DoesNotContain("rate limit", result.Stderr, StringComparison.OrdinalIgnoreCase);
        Assert.Single(home.Emulator.State.Requests, r => r.Path == "/coding/v1/chat/completions");
    }

    [Fact]
    public async Task Print_RateLimitedUntilRetriesRunOut_ExitSeventyFive()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "[loop_control]\nmax_retries_per_step = 2\n");
        home.Emulator.State.InjectFault(new EmulatorFault { Status = 429, Count = 50, RetryAfterSeconds = 0 });

        var result = await home.RunAsync("-p", "hello", "-w", home.Workspace(), "--output-format", "stream-json");

        Assert.True(result.ExitCode == 75, result.ToString());
        Assert.Contains("[provider.rate_limit]", result.Stderr);
        var retries = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries).Count(l => l.Contains("\"type\":\"retry\"", StringComparison.Ordinal));
        Assert.Equal(1, retries);
        Assert.Equal(2, home.Emulator.State.Requests.Count(r => r.Path == "/coding/v1/chat/completions"));
    }

    [Fact]
    public async Task Print_NetworkDown_ExitSeventyFive()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "[loop_control]\nmax_retries_per_step = 1\n");
        File.WriteAllText(home.ConfigPath, File.ReadAllText(home.ConfigPath).Replace(home.Emulator.CodingBaseUrl, "http://127.0.0.1:9/coding/v1", StringComparison.Ordinal));

        var result = await home.RunAsync("-p", "hello", "-w", home.Workspace());

        Assert.True(result.ExitCode == 75, result.ToString());
        Assert.Contains("[provider.network]", result.Stderr);
        Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
    }

    private static string SessionId(ProcessResult result)
    {
        var last = result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries)[^1];
        return JsonDocument.Parse(last).RootElement.GetProperty("session_id").GetString()!;
    }
}
