using System.Text;
using System.Text.Json;

namespace KimiCode.EndToEnd.Tests;

/// <summary>
/// How scripts hand kimi a prompt and read its answer: piped stdin, <c>-p -</c>, a positional prompt, the one-object
/// JSON output, bad flag values (one line, exit 2, never a stack trace) and a prompt too large for the context window.
/// </summary>
public sealed class PrintInputEndToEndTests
{
    private const string Key = "sk-print-input";
    private const string Diff = "diff --git a/app.cs b/app.cs\n+Console.WriteLine(\"hi\");\n";

    [Fact]
    public async Task Print_PromptTextAndPipedStdin_RequestCarriesTextBlankLineThenStdin()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var result = await home.RunWithInputAsync(Diff, "-p", "write a commit message", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("write a commit message\n\n" + Diff, LastUserText(home));
    }

    [Fact]
    public async Task Print_DashPrompt_PromptIsStdinNotALiteralDash()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var result = await home.RunWithInputAsync("explain this diff\n" + Diff, "-p", "-", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("explain this diff\n" + Diff, LastUserText(home));
    }

    [Fact]
    public async Task Print_StdinOnlyWithoutPromptFlag_StdinIsThePrompt()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var result = await home.RunWithInputAsync("summarise the repository\n", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("summarise the repository\n", LastUserText(home));
        Assert.Equal("Echo: summarise the repository\n", result.Stdout);
    }

    [Fact]
    public async Task Print_PositionalPromptWithStdinNotATerminal_RunsInPrintModeAndAppendsStdin()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var plain = await home.RunAsync("name three colours", "-w", home.Workspace());
        var withFlag = await home.RunWithInputAsync(Diff, "-p", "review this", "-w", home.Workspace());
        var flagThenPositional = await home.RunAsync("-p", "--yolo", "list the files", "-w", home.Workspace());

        Assert.True(plain.ExitCode == 0, plain.ToString());
        Assert.Equal("Echo: name three colours\n", plain.Stdout);
        Assert.True(withFlag.ExitCode == 0, withFlag.ToString());
        Assert.True(flagThenPositional.ExitCode == 0, flagThenPositional.ToString());
        Assert.Equal("Echo: list the files\n", flagThenPositional.Stdout);
    }

    [Fact]
    public async Task Print_EmptyStdinAndNoText_OneLineUsageErrorExitTwo()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var dash = await home.RunWithInputAsync("  \n", "-p", "-");
        var none = await home.RunWithInputAsync(string.Empty, "-p");

        AssertUsageLine(dash, "`-p -` read an empty stdin", "[cli.usage]");
        AssertUsageLine(none, "No prompt", "[cli.usage]");
        Assert.Equal(0, ChatCount(home));
    }

    [Fact]
    public async Task Print_JsonOutput_OneObjectWithAnswerSessionStopReasonUsageAndExit()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace(("notes.txt", "kumquat\n"));

        var result = await home.RunAsync("-p", "read it\ntool: Read {\"file_path\":\"notes.txt\"}", "-w", work, "--output-format", "json");

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(line);
        var root = doc.RootElement;
        Assert.Equal("result", root.GetProperty("type").GetString());
        Assert.False(root.GetProperty("is_error").GetBoolean());
        Assert.StartsWith("Tool Read returned:", root.GetProperty("result").GetString()); // the text after the last tool call
        Assert.Contains("kumquat", root.GetProperty("result").GetString());
        Assert.Equal("end_turn", root.GetProperty("stop_reason").GetString());
        Assert.Equal(0, root.GetProperty("exit_code").GetInt32());
        Assert.True(Guid.TryParse(root.GetProperty("session_id").GetString(), out _));
        var usage = root.GetProperty("usage");
        Assert.Equal(2, usage.GetProperty("model_calls").GetInt32()); // the tool call, then the answer
        Assert.True(usage.GetProperty("input_tokens").GetInt64() > 0);
        Assert.True(usage.GetProperty("output_tokens").GetInt64() > 0);
        Assert.False(root.TryGetProperty("error", out _));
    }

    /// <summary>Arguments are split at '|', so a value can be empty or blank.</summary>
    [Theory]
    [InlineData("--max-steps|abc", "--max-steps takes a whole number from 1 to 2147483647, not \"abc\"")]
    [InlineData("--max-steps|99999999999", "--max-steps takes a whole number")]
    [InlineData("--max-steps|-3", "--max-steps takes a whole number")]
    [InlineData("--max-steps|0", "--max-steps takes a whole number")]
    [InlineData("-p|hi|--max-steps", "'--max-steps'")]
    [InlineData("--output-format|xml", "--output-format: Argument 'xml' not recognized")]
    [InlineData("-p|hi|--output-format", "'--output-format'")]
    [InlineData("-p|hi|--model", "'--model'")]
    [InlineData("--model|", "--model needs a model alias")]
    [InlineData("--model|-p|hi", "--model needs a model alias from config.toml, not the flag \"-p\"")]
    [InlineData("-p|hi|-w", "--work-dir: Required argument missing")]
    [InlineData("-w| ", "--work-dir needs a folder")]
    [InlineData("-p|hi|--session", "--session (-r) without an id opens a picker, which needs the shell")]
    [InlineData("--yolo=maybe|--max-steps|x", "--max-steps")]
    [InlineData("--no-such-flag", "Unrecognized option '--no-such-flag'")]
    [InlineData("-p|hi|--session|abc|--continue", "--session and --continue")]
    [InlineData("-p|first|second", "Two prompts")]
    [InlineData("login|--no-such-flag", "`kimi login --help`")]
    [InlineData("login|--region|mars", "--region: Argument 'mars' not recognized")]
    [InlineData("logout|--region", "'--region'")]
    [InlineData("doctor|--work-dir", "'--work-dir'")]
    public async Task Flags_BadValue_OneLineNoStackTraceExitTwo(string args, string expected)
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);

        var result = await home.RunWithInputAsync("a piped prompt", args.Split('|'));

        AssertUsageLine(result, expected, "[cli.usage]");
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Equal(0, ChatCount(home));
    }

    [Fact]
    public async Task Print_TenMegabytesOnStdin_RefusedBeforeSavingAndContinueStillWorks()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        var first = await home.RunAsync("-p", "remember kumquat", "-w", work, "--output-format", "json");
        var sessionsBefore = SessionFiles(home);
        var chatsBefore = ChatCount(home);
        var huge = new StringBuilder(10 * 1024 * 1024);
        while (huge.Length < 10 * 1024 * 1024)
        {
            huge.Append("0123456789abcdef 0123456789abcdef 0123456789abcdef 0123456789abcdef\n");
        }

        var refused = await home.RunWithInputAsync(huge.ToString(), "-p", "summarise this log", "-w", work, "--continue");
        var sessionsAfter = SessionFiles(home);
        var chatsAfter = ChatCount(home);
        var next = await home.RunAsync("-p", "what did I ask you to remember?", "-w", work, "--continue", "--output-format", "json");

        AssertUsageLine(refused, "The prompt is 10 MB (about 2,621,", "[cli.prompt_too_large]");
        Assert.Contains("context window is 262,144 tokens", refused.Stderr);
        Assert.Equal(sessionsBefore, sessionsAfter); // the same files, each unchanged: nothing of the prompt was saved
        Assert.Equal(chatsBefore, chatsAfter);
        Assert.True(next.ExitCode == 0, next.ToString());
        Assert.Equal(SessionId(first), SessionId(next));
        Assert.Contains("remember kumquat", home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body);
    }

    private static void AssertUsageLine(ProcessResult result, string expected, string code)
    {
        Assert.True(result.ExitCode == 2, result.ToString());
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("error: ", line);
        Assert.Contains(expected, line);
        Assert.EndsWith(code, line);
        Assert.DoesNotContain("   at ", result.Stdout + result.Stderr);
        Assert.DoesNotContain("Usage:", result.Stdout + result.Stderr);
    }

    private static int ChatCount(TestHome home) => home.Emulator.State.Requests.Count(r => r.Path == "/coding/v1/chat/completions");

    /// <summary>Every session file with its length: a new session or an appended record changes it.</summary>
    private static string SessionFiles(TestHome home)
    {
        var sessions = Path.Combine(home.Root, "sessions");
        return !Directory.Exists(sessions) ? string.Empty : string.Join("\n", Directory
            .EnumerateFiles(sessions, "*.jsonl", SearchOption.AllDirectories)
            .Order(StringComparer.Ordinal)
            .Select(f => $"{Path.GetRelativePath(sessions, f)} {new FileInfo(f).Length}"));
    }

    private static string SessionId(ProcessResult result)
    {
        Assert.True(result.ExitCode == 0, result.ToString());
        return JsonDocument.Parse(result.Stdout).RootElement.GetProperty("session_id").GetString()!;
    }

    /// <summary>The text of the last user message the emulator received.</summary>
    private static string LastUserText(TestHome home)
    {
        var body = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body;
        using var doc = JsonDocument.Parse(body);
        var user = doc.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user");
        var content = user.GetProperty("content");
        return content.ValueKind == JsonValueKind.String
            ? content.GetString()!
            : string.Concat(content.EnumerateArray().Where(p => p.GetProperty("type").GetString() == "text").Select(p => p.GetProperty("text").GetString()));
    }
}
