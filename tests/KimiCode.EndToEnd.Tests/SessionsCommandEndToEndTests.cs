using System.Text.Json;
using KimiCode.Emulator;
using KimiCode.EndToEnd.Tests.Faults;

namespace KimiCode.EndToEnd.Tests;

/// <summary>`kimi sessions list|show|rm|export` and `-S` with an id prefix, run as a user runs them: the real kimi against the emulator.</summary>
public sealed class SessionsCommandEndToEndTests
{
    private const string Key = "sk-sessions-command";

    /// <summary>Two sessions in one folder (the second reads a file) and one in another; returns their ids, oldest first.</summary>
    private static async Task<(string Work, string First, string Second, string Other)> ThreeSessionsAsync(TestHome home)
    {
        var work = home.Workspace(("notes.txt", "the secret word is kumquat\n"));
        var other = Path.Combine(home.Root, "other-project");
        Directory.CreateDirectory(other);
        foreach (var (prompt, dir) in new[] { ("plan the release", work), ("read it\ntool: Read {\"file_path\":\"notes.txt\"}", work), ("elsewhere question", other) })
        {
            var run = await home.RunAsync("-p", prompt, "-w", dir);
            Assert.True(run.ExitCode == 0, run.ToString());
        }

        var ids = SessionIds(await home.RunAsync("sessions", "list", "--all", "--json"));
        return (work, ids[2], ids[1], ids[0]); // listed newest first
    }

    private static string[] SessionIds(ProcessResult list)
    {
        Assert.True(list.ExitCode == 0, list.ToString());
        using var doc = JsonDocument.Parse(list.Stdout);
        return [.. doc.RootElement.GetProperty("sessions").EnumerateArray().Select(s => s.GetProperty("id").GetString()!)];
    }

    [Fact]
    public async Task SessionsList_ThisFolderByDefault_NewestFirstWithShortIdMessagesAndTitle()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, first, second, _) = await ThreeSessionsAsync(home);

        var list = await home.RunAsync("sessions", "list", "-w", work);
        var bare = await home.RunAsync("sessions", "-w", work);
        var all = await home.RunAsync("sessions", "list", "--all");

        Assert.True(list.ExitCode == 0, list.ToString());
        var lines = list.Stdout.TrimEnd().Split('\n');
        Assert.Equal(3, lines.Length); // a header and two sessions
        Assert.StartsWith("ID", lines[0], StringComparison.Ordinal);
        Assert.Contains("TITLE", lines[0], StringComparison.Ordinal);
        Assert.StartsWith(second[..8], lines[1], StringComparison.Ordinal);
        Assert.EndsWith("read it", lines[1], StringComparison.Ordinal);
        Assert.Matches(@"\s4\s", lines[1]); // prompt, tool call, tool result, answer
        Assert.StartsWith(first[..8], lines[2], StringComparison.Ordinal);
        Assert.EndsWith("plan the release", lines[2], StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere question", list.Stdout, StringComparison.Ordinal);
        Assert.Equal(list.Stdout, bare.Stdout);
        Assert.Contains("elsewhere question", all.Stdout, StringComparison.Ordinal);
        Assert.Contains("other-project", all.Stdout, StringComparison.Ordinal);
        Assert.Contains("FOLDER", all.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionsList_Json_OneObjectWithEveryField()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, first, second, _) = await ThreeSessionsAsync(home);

        var result = await home.RunAsync("sessions", "list", "--json", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Single(result.Stdout.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        using var doc = JsonDocument.Parse(result.Stdout);
        Assert.Equal(Path.GetFullPath(work), doc.RootElement.GetProperty("work_dir").GetString());
        var sessions = doc.RootElement.GetProperty("sessions").EnumerateArray().ToList();
        Assert.Equal([second, first], sessions.Select(s => s.GetProperty("id").GetString()));
        var newest = sessions[0];
        Assert.StartsWith(newest.GetProperty("short_id").GetString()!, second, StringComparison.Ordinal);
        Assert.Equal("read it", newest.GetProperty("title").GetString());
        Assert.Equal(4, newest.GetProperty("message_count").GetInt32());
        Assert.Equal(Path.GetFullPath(work), newest.GetProperty("work_dir").GetString());
        Assert.True(newest.GetProperty("updated_at").GetDateTimeOffset() >= newest.GetProperty("created_at").GetDateTimeOffset());
        Assert.False(string.IsNullOrEmpty(newest.GetProperty("model").GetString()));
    }

    [Fact]
    public async Task SessionsList_NoSessions_EmptyStdoutAndAHintOnStderr()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();

        var result = await home.RunAsync("sessions", "list", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(string.Empty, result.Stdout);
        Assert.Contains("--all", result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task SessionsShow_Prefix_PromptsAnswersAndToolCallsReadably()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, _, second, _) = await ThreeSessionsAsync(home);

        var result = await home.RunAsync("sessions", "show", second[..13], "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        var text = result.Stdout;
        Assert.StartsWith($"Session {second} · read it", text, StringComparison.Ordinal);
        Assert.Contains("› read it", text, StringComparison.Ordinal);
        Assert.Contains("  ● Read", text, StringComparison.Ordinal);
        Assert.Contains("the secret word is kumquat", text, StringComparison.Ordinal); // the start of the tool's result
        Assert.True(text.IndexOf("› read it", StringComparison.Ordinal) < text.IndexOf("  ● Read", StringComparison.Ordinal));
    }

    [Fact]
    public async Task SessionsExport_ToFile_MarkdownWithPromptsAnswersAndToolResults()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, _, second, _) = await ThreeSessionsAsync(home);
        var file = Path.Combine(home.Root, "export.md");

        var toStdout = await home.RunAsync("sessions", "export", second, "-w", work);
        var toFile = await home.RunAsync("sessions", "export", second[..13], "-o", file, "-w", work);

        Assert.True(toFile.ExitCode == 0, toFile.ToString());
        Assert.Equal(string.Empty, toFile.Stdout);
        Assert.Contains(file, toFile.Stderr, StringComparison.Ordinal);
        var markdown = File.ReadAllText(file);
        Assert.Equal(toStdout.Stdout, markdown);
        Assert.StartsWith("# read it\n", markdown, StringComparison.Ordinal);
        Assert.Contains($"- Session: `{second}`", markdown, StringComparison.Ordinal);
        Assert.Contains("## You\n\nread it", markdown, StringComparison.Ordinal);
        Assert.Contains("**Tool:** `Read", markdown, StringComparison.Ordinal);
        Assert.Matches(@"```text\n(.*\n)*.*the secret word is kumquat\n(.*\n)*```", markdown);
        Assert.Contains("## Kimi", markdown, StringComparison.Ordinal);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        }
    }

    [Fact]
    public async Task SessionsRm_StdinNotATerminal_NeedsYesAndThenDeletes()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, first, second, _) = await ThreeSessionsAsync(home);

        var refused = await home.RunAsync("sessions", "rm", first, "-w", work);
        var afterRefusal = SessionIds(await home.RunAsync("sessions", "list", "--json", "-w", work));
        var deleted = await home.RunAsync("sessions", "rm", first[..13], "--yes", "-w", work);

        Assert.Equal(2, refused.ExitCode);
        FaultRun.AssertContains(FaultRun.ErrorLine(refused, "cli.usage"), "--yes", first);
        Assert.Equal([second, first], afterRefusal);
        Assert.True(deleted.ExitCode == 0, deleted.ToString());
        Assert.Contains($"Deleted session {first}", deleted.Stdout, StringComparison.Ordinal);
        Assert.Equal([second], SessionIds(await home.RunAsync("sessions", "list", "--json", "-w", work)));
        Assert.False(Directory.EnumerateDirectories(Path.Combine(home.Root, "sessions"), first, SearchOption.AllDirectories).Any());
    }

    [Fact]
    public async Task SessionsRm_OnATerminal_AsksFirstAndOnlyYesDeletes()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, first, second, _) = await ThreeSessionsAsync(home);

        foreach (var (answer, exit) in new[] { ("n", 1), ("y", 0) })
        {
            await using var tmux = await Shell.TmuxTerminal.StartAsync(home, work, "sessions", "rm", first[..13]);
            var question = await tmux.WaitForTextAsync("? [y/N]");
            Assert.Contains($"Delete session {first} \"plan the release\" (2 messages, {Path.GetFullPath(work)})? [y/N]", question.Replace("\n", "", StringComparison.Ordinal), StringComparison.Ordinal);
            await tmux.SubmitAsync(answer);
            await tmux.WaitForTextAsync($"[kimi exited with {exit}]");
            var listed = SessionIds(await home.RunAsync("sessions", "list", "--json", "-w", work));
            Assert.Equal(answer == "y" ? [second] : [second, first], listed);
        }
    }

    [Fact]
    public async Task SessionsRm_SessionOpenInAnotherKimi_RefusedAndKept()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        home.Emulator.State.InjectFault(new EmulatorFault { Status = 200, LatencyMs = 5000 }); // the holder's model takes its time
        await using var holder = home.Start("-p", "slow answer", "-w", work);
        var holderDone = holder.WaitForExitAsync();
        var context = await SessionLockEndToEndTests.WaitForSessionFileAsync(Path.Combine(home.Root, "sessions"), holderDone);
        var id = Path.GetFileName(Path.GetDirectoryName(context))!;

        var refused = await home.RunAsync("sessions", "rm", id[..13], "--yes", "-w", work);

        Assert.Equal(1, refused.ExitCode);
        FaultRun.AssertContains(FaultRun.ErrorLine(refused, "session.in_use"), "was not deleted", $"(pid {holder.Id})");
        Assert.True(File.Exists(context));
        var holderResult = await holderDone;
        Assert.True(holderResult.ExitCode == 0, holderResult.ToString());
        Assert.Equal([id], SessionIds(await home.RunAsync("sessions", "list", "--json", "-w", work)));
    }

    [Fact]
    public async Task Sessions_UnknownOrAmbiguousPrefix_OneLineErrorExit1()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, first, second, _) = await ThreeSessionsAsync(home);
        var shared = new string([.. first.Zip(second).TakeWhile(p => p.First == p.Second).Select(p => p.First)]);

        var unknown = await home.RunAsync("sessions", "show", "ffff", "-w", work);
        var ambiguous = await home.RunAsync("sessions", "export", shared, "-w", work);

        Assert.Equal(1, unknown.ExitCode);
        FaultRun.AssertContains(FaultRun.ErrorLine(unknown, "session.not_found"), "\"ffff\"", "`kimi sessions list`");
        Assert.Equal(1, ambiguous.ExitCode);
        FaultRun.AssertContains(FaultRun.ErrorLine(ambiguous, "session.ambiguous"), "matches 2 sessions", "read it", "plan the release");
        Assert.Equal(string.Empty, ambiguous.Stdout);
        Assert.DoesNotContain("   at ", unknown.Stderr + ambiguous.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_SessionPrefix_ResumesThatSession()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, first, _, _) = await ThreeSessionsAsync(home);

        var result = await home.RunAsync("-p", "and now?", "-S", first[..13], "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        var body = home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Contains("plan the release", body, StringComparison.Ordinal);
        Assert.DoesNotContain("kumquat", body, StringComparison.Ordinal);
        var listed = SessionIds(await home.RunAsync("sessions", "list", "--json", "-w", work));
        Assert.Equal(first, listed[0]); // resumed, so now the newest; no new session
        Assert.Equal(2, listed.Length);
    }

    [Fact]
    public async Task Shell_ResumeFlagWithPrefix_ReplaysThatSessionAndContinuesIt()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, first, _, _) = await ThreeSessionsAsync(home);

        await using var tmux = await Shell.TmuxTerminal.StartAsync(home, work, "-r", first[..13]);
        await tmux.WaitForTextAsync($"Resumed session {first}");
        await tmux.SubmitAsync("which plan?");
        var screen = await tmux.WaitForTextAsync("Echo: which plan?");

        Assert.Contains("plan the release", screen, StringComparison.Ordinal); // the conversation so far, shown again
        var body = home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Contains("plan the release", body, StringComparison.Ordinal);
        Assert.DoesNotContain("kumquat", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_ResumeFlagWithoutId_PickerOfThisFolderThenResumesThePick()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var (work, _, second, _) = await ThreeSessionsAsync(home);

        await using var tmux = await Shell.TmuxTerminal.StartAsync(home, work, "--resume");
        var picker = await tmux.WaitForTextAsync("Resume which session?");
        await tmux.PressAsync("Enter"); // the newest is first

        await tmux.WaitForTextAsync($"Resumed session {second}");
        Assert.Contains("plan the release", picker, StringComparison.Ordinal);
        Assert.DoesNotContain("elsewhere question", picker, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_ResumeFlagWithoutId_UsageErrorExit2()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();

        var result = await home.RunAsync("-p", "hello", "-r", "-w", work);

        Assert.Equal(2, result.ExitCode);
        FaultRun.AssertContains(FaultRun.ErrorLine(result, "cli.usage"), "picker", "`kimi sessions list`");
        Assert.False(Directory.Exists(Path.Combine(home.Root, "sessions")), "nothing was started");
    }
}
