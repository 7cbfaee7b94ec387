using KimiCode.Cli.Shell;
using KimiCode.Cli.Shell.Commands;
using KimiCode.Cli.Tests.Support;
using KimiCode.Emulator;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>The shell end to end in process: scripted keys, a virtual screen, the in-process emulator as the model.</summary>
public sealed class ShellAppTests
{
    private const string MarkdownScript = """
        {"turns":[{"thinking":"The user wants an overview.\nI will use a list and code.","text":"# Overview\n\nThe **shell** renders Markdown:\n\n- one\n- two\n\n```bash\nkimi --help\n```\n\nDone.","chunk_size":7}]}
        """;

    [Fact]
    public async Task Prompt_MarkdownAnswer_RenderedBlockByBlockWithThinkingCollapsed()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.LoadScript(MarkdownScript);
        await shell.StartAsync();

        var screen = await shell.SendAsync("explain the shell");

        Assert.Contains("› explain the shell", screen);
        Assert.Contains("✻ The user wants an overview.… (12 words of thinking · /thinking shows it)", screen);
        Assert.Contains("# Overview\n\nThe shell renders Markdown:\n\n• one\n• two\n\nbash\nkimi --help\n\nDone.", screen);
        Assert.Contains("Done.", screen);
        Assert.DoesNotContain("**", screen);
        Assert.DoesNotContain("I will use a list and code.", screen);
    }

    [Fact]
    public async Task InitialPrompt_FromTheCommandLine_RunsAsTheFirstTurnNotAsACommand()
    {
        await using var shell = await ShellHarness.CreateAsync();

        await shell.StartAsync(new ShellOptions { InitialPrompt = "/help me name this branch" });

        var screen = shell.Terminal.Screen.Text;
        Assert.Contains("› /help me name this branch", screen);
        Assert.Contains("Echo: /help me name this branch", screen);
        Assert.DoesNotContain("Unknown command", screen);
        var request = Assert.Single(shell.ChatRequests());
        Assert.Contains("/help me name this branch", request.Body);
    }

    [Fact]
    public async Task ThinkingCommand_AfterATurn_ShowsItsThinkingInFull()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.LoadScript(MarkdownScript);
        await shell.StartAsync();
        await shell.SendAsync("explain the shell");

        var screen = await shell.SendAsync("/thinking");

        Assert.Contains("Thinking is shown in full.", screen);
        Assert.Contains("┊ The user wants an overview.\n┊ I will use a list and code.", screen);
    }

    [Fact]
    public async Task ThinkingCommand_OnThenOff_NextRequestsAskForItThenNot()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var on = await shell.SendAsync("/thinking on");
        await shell.SendAsync("first");
        var off = await shell.SendAsync("/thinking off");
        await shell.SendAsync("second");
        var status = await shell.SendAsync("/status");
        var bad = await shell.SendAsync("/thinking maybe");

        Assert.Contains("Thinking: on", on);
        Assert.Contains("Thinking: off", off);
        var requests = shell.ChatRequests();
        Assert.Contains("\"thinking\":{\"type\":\"enabled\"", requests[^2].Body);
        Assert.Contains("\"thinking\":{\"type\":\"disabled\"}", requests[^1].Body);
        Assert.Contains("second", requests[^1].Body);
        Assert.Contains("first", requests[^1].Body); // the conversation went on
        Assert.Matches(@"Thinking\s+off", status);
        Assert.Contains("/thinking takes on or off, not \"maybe\"", bad);
        Assert.Equal(2, shell.ChatRequests().Count);
    }

    [Fact]
    public async Task Permission_AllowOnce_RunsTheCommandAndAsksAgainNextTime()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        var prompt = BashPrompt(shell, "echo ran >> log.txt");

        shell.Submit(prompt);
        var asked = await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Terminal.Type("1");
        await shell.NextInputAsync();
        shell.Submit(prompt);
        await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Terminal.Type("y");
        await shell.NextInputAsync();

        Assert.Contains("› 1. Yes, once", asked);
        Assert.Contains("2. Yes, and allow this exact command for the rest of the session", asked);
        Assert.Equal(2, TestTerminal.Occurrences(shell.Terminal.Screen.Text, "✓ Allowed once: "));
        Assert.Equal(["ran", "ran"], File.ReadAllLines(Path.Combine(shell.WorkDir, "log.txt")));
        Assert.DoesNotContain("? Allow", shell.Terminal.Screen.Text); // the prompt is gone once answered
    }

    [Fact]
    public async Task Permission_AllowForSession_SameCommandRunsAgainWithoutAsking()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        var prompt = BashPrompt(shell, "echo ran >> log.txt");

        shell.Submit(prompt);
        await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Terminal.Press(ConsoleKey.DownArrow);
        shell.Terminal.Enter();
        await shell.NextInputAsync();
        var drawnBefore = shell.Terminal.Raw.Length;
        await shell.SendAsync(prompt);

        Assert.Contains("✓ Allowed for this session: ", shell.Terminal.Screen.Text);
        Assert.DoesNotContain("? Allow", shell.Terminal.Raw[drawnBefore..]);
        Assert.Equal(["ran", "ran"], File.ReadAllLines(Path.Combine(shell.WorkDir, "log.txt")));
    }

    [Fact]
    public async Task Permission_Deny_CommandDoesNotRunAndTheModelIsToldWhy()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        shell.Submit(BashPrompt(shell, "echo ran >> log.txt"));
        await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Terminal.Type("n");
        await shell.NextInputAsync();

        Assert.False(File.Exists(Path.Combine(shell.WorkDir, "log.txt")));
        Assert.Contains("✗ Denied: ", shell.Terminal.Screen.Text);
        Assert.Contains("The user denied the Bash call", shell.ChatRequests()[^1].Body);
    }

    [Fact]
    public async Task Permission_Escape_Denies()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        shell.Submit(BashPrompt(shell, "echo ran >> log.txt"));
        await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Terminal.Press(ConsoleKey.Escape, '\u001b');
        await shell.NextInputAsync();

        Assert.False(File.Exists(Path.Combine(shell.WorkDir, "log.txt")));
        Assert.Contains("✗ Denied: ", shell.Terminal.Screen.Text);
    }

    [Fact]
    public async Task CtrlC_DuringATurn_CancelsItAndTheNextTurnWorks()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.LoadScript(SlowScript);
        await shell.StartAsync();

        shell.Submit("go slowly");
        await shell.Terminal.WaitForTextAsync("This answer");
        shell.Terminal.CtrlC();
        await shell.NextInputAsync();
        var cancelled = shell.Terminal.Screen.Text;
        var screen = await shell.SendAsync("after");

        Assert.Contains("■ Cancelled. The conversation is kept; type your next prompt.", cancelled);
        Assert.DoesNotContain("the end of a very slow answer", cancelled);
        Assert.Contains("Echo: after", screen);
        Assert.False(shell.Run.IsCompleted);
    }

    [Fact]
    public async Task CtrlC_TwiceWithinTwoSecondsDuringATurn_ExitsTheShell()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.LoadScript(SlowScript);
        await shell.StartAsync();

        shell.Submit("go slowly");
        await shell.Terminal.WaitForTextAsync("Ctrl-C to cancel");
        shell.Terminal.CtrlC();
        shell.Terminal.CtrlC();

        Assert.Equal(0, await shell.Run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task CtrlC_TwiceMoreThanTwoSecondsApart_CancelsButStays()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.LoadScript(SlowScript);
        await shell.StartAsync();

        shell.Submit("go slowly");
        await shell.Terminal.WaitForTextAsync("Ctrl-C to cancel");
        shell.Terminal.CtrlC();
        await shell.NextInputAsync();
        shell.Clock.Advance(TimeSpan.FromSeconds(3));
        shell.Terminal.CtrlC();
        await shell.Terminal.WaitForTextAsync("Press Ctrl-C again to exit");

        Assert.False(shell.Run.IsCompleted);
    }

    [Fact]
    public async Task Model_PickTheSecond_NextTurnUsesItAndKeepsTheConversation()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");

        shell.Submit("/model");
        var picker = await shell.Terminal.WaitForTextAsync("Switch to which model?");
        shell.Terminal.Type("2");
        await shell.NextInputAsync();
        await shell.SendAsync("what did I say?");

        Assert.Contains("› 1. kimi-code/kimi-for-coding  (current)", picker);
        Assert.Contains("2. moonshot-ai/kimi-k2-turbo-preview", picker);
        Assert.Contains("Model: moonshot-ai/kimi-k2-turbo-preview (the conversation goes on with it)", shell.Terminal.Screen.Text);
        var last = shell.ChatRequests()[^1];
        Assert.Equal("/v1/chat/completions", last.Path);
        Assert.Contains("\"kimi-k2-turbo-preview\"", last.Body);
        Assert.Contains("remember kumquat", last.Body);
        Assert.Equal("moonshot-ai/kimi-k2-turbo-preview", shell.App.CurrentModel);
    }

    [Fact]
    public async Task Model_UnknownAlias_ListsTheConfiguredOnes()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("/model gpt-9");

        Assert.Contains("No model \"gpt-9\" in config.toml; the configured ones are: kimi-code/kimi-for-coding, moonshot-ai/kimi-k2-turbo-preview.", Flat(screen));
        Assert.Equal("kimi-code/kimi-for-coding", shell.App.CurrentModel);
    }

    [Fact]
    public async Task Resume_ByNumberFromSessions_ReplaysAndContinuesTheConversation()
    {
        await using var shell = await ShellHarness.CreateAsync();
        var (first, _) = await StartWithTwoSessionsAsync(shell);

        var listing = await shell.SendAsync("/sessions");
        await shell.SendAsync("/resume 2");
        var resumed = shell.Terminal.Screen.Text;
        await shell.SendAsync("and now?");

        Assert.Contains($" 2 {first}  just now  2 messages  remember kumquat", listing);
        Assert.Contains($"Resumed session {first} (2 messages).", resumed);
        Assert.Equal(first, shell.App.Session!.Id);
        Assert.Contains("remember kumquat", shell.ChatRequests()[^1].Body);
        Assert.DoesNotContain("zucchini", shell.ChatRequests()[^1].Body);
    }

    [Fact]
    public async Task Resume_NewAndExit_ReleaseTheSessionLockTheShellNoLongerUses()
    {
        await using var shell = await ShellHarness.CreateAsync();
        var (firstId, secondId) = await StartWithTwoSessionsAsync(shell);
        var first = SessionLockFiles.PathFor(shell.Home, firstId);
        var second = SessionLockFiles.PathFor(shell.Home, secondId);

        Assert.False(SessionLockFiles.IsHeld(first)); // let go on /new: another kimi may resume it now
        Assert.True(SessionLockFiles.IsHeld(second));

        await shell.SendAsync("/resume 2");
        Assert.True(SessionLockFiles.IsHeld(first));
        Assert.False(SessionLockFiles.IsHeld(second));

        await shell.SendAsync("/model moonshot-ai/kimi-k2-turbo-preview"); // re-opens the same session: the lock stays
        Assert.True(SessionLockFiles.IsHeld(first));

        Assert.Equal(0, await shell.ExitAsync());
        Assert.False(SessionLockFiles.IsHeld(first));
    }

    [Fact]
    public async Task Resume_SessionOpenInAnotherProcess_RefusedWithItsPidAndTheCurrentSessionStays()
    {
        await using var shell = await ShellHarness.CreateAsync();
        var (first, second) = await StartWithTwoSessionsAsync(shell);

        using (SessionLockFiles.HoldAsAnotherProcess(SessionLockFiles.PathFor(shell.Home, first), pid: 4242))
        {
            var screen = await shell.SendAsync($"/resume {first}");

            Assert.Contains($"Session {first} is open in another kimi process (pid 4242), so it cannot be resumed", Flat(screen));
            Assert.Contains("session.in_use", screen);
            Assert.Equal(second, shell.App.Session!.Id);
            Assert.True(SessionLockFiles.IsHeld(SessionLockFiles.PathFor(shell.Home, second)));
        }
    }

    [Fact]
    public async Task Resume_WithoutArgument_PickerChoosesTheSession()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");
        var first = shell.App.Session!.Id;
        await shell.SendAsync("/new");

        shell.Submit("/resume");
        var picker = await shell.Terminal.WaitForTextAsync("Resume which session?");
        shell.Terminal.Enter();
        await shell.NextInputAsync();

        Assert.Contains("› 1. remember kumquat · just now · 2 messages", picker);
        Assert.Equal(first, shell.App.Session!.Id);
        Assert.Contains("› remember kumquat\n\n✻ The user said: remember kumquat", shell.Terminal.Screen.Text); // the replay
    }

    [Fact]
    public async Task Start_WithContinue_ReplaysTheLatestSession()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");
        var first = shell.App.Session!.Id;
        Assert.Equal(0, await shell.ExitAsync());

        await using var again = await ShellHarness.CreateAsync();
        File.Copy(shell.ConfigPath, again.ConfigPath, overwrite: true);
        CopyDirectory(Path.Combine(shell.Home, "sessions"), Path.Combine(again.Home, "sessions"));
        // The sessions belong to the first harness's work folder: continue there.
        await again.StartAsync(new ShellOptions { Continue = true, WorkDir = shell.WorkDir });

        Assert.Equal(first, again.App.Session!.Id);
        Assert.Contains("› remember kumquat", again.Terminal.Screen.Text);
        Assert.Contains($"Resumed session {first}", again.Terminal.Screen.Text);
    }

    [Fact]
    public async Task Status_ShowsModelModeSessionAndCredentialKindButNoSecret()
    {
        await using var shell = await ShellHarness.CreateAsync();
        File.WriteAllText(Path.Combine(shell.WorkDir, "AGENTS.md"), "rules");
        await shell.StartAsync();
        await shell.SendAsync("hello");

        var screen = await shell.SendAsync("/status");

        Assert.Contains("Model         kimi-code/kimi-for-coding (kimi-for-coding)", screen);
        Assert.Contains("Mode          default", screen);
        Assert.Contains($"Session       {shell.App.Session!.Id}", screen);
        Assert.Contains("Login         API key in config.toml (provider kimi-code)", screen);
        Assert.Contains("Instructions  " + Path.Combine(shell.WorkDir, "AGENTS.md"), screen);
        Assert.Matches(@"Context       \d+ of 262k tokens \(\d+(\.\d)?%\)", screen);
        Assert.DoesNotContain(ShellHarness.ApiKey, shell.Terminal.Raw);
    }

    [Fact]
    public async Task Yolo_CommandsRunWithoutAskingAndThePromptSaysSo()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var switched = await shell.SendAsync("/yolo");
        var drawnBefore = shell.Terminal.Raw.Length;
        await shell.SendAsync(BashPrompt(shell, "echo ran >> log.txt"));

        Assert.Contains("Yolo mode: every tool call runs without asking", switched);
        Assert.Equal("yolo ›", switched.TrimEnd().Split('\n')[^1]);
        Assert.DoesNotContain("? Allow", shell.Terminal.Raw[drawnBefore..]);
        Assert.Equal(["ran"], File.ReadAllLines(Path.Combine(shell.WorkDir, "log.txt")));
        Assert.Contains("echo ran >> log.txt\n└ exit 0", shell.Terminal.Screen.Text);
    }

    [Fact]
    public async Task Plan_EditsAreRefused()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        await shell.SendAsync("/plan");
        var screen = await shell.SendAsync("write it\ntool: Write {\"file_path\":\"new.txt\",\"content\":\"x\\n\"}");

        Assert.False(File.Exists(Path.Combine(shell.WorkDir, "new.txt")));
        Assert.Contains("✗ Write new.txt", screen);
        Assert.Equal(KimiCode.Agent.Permissions.PermissionMode.Plan, shell.App.Mode);
    }

    [Fact]
    public async Task WriteTool_ShowsTheDiffColoured()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync(new ShellOptions { StartMode = KimiCode.Agent.Permissions.PermissionMode.Yolo });

        var screen = await shell.SendAsync("write it\ntool: Write {\"file_path\":\"notes.txt\",\"content\":\"alpha\\nbeta\\n\"}");

        Assert.Contains("✓ Write notes.txt\n  notes.txt  +2 -0\n  @@ -0,0 +1,2 @@\n  +alpha\n  +beta", screen);
        Assert.Matches(@"\u001b\[32m\+alpha", shell.Terminal.Raw);
        Assert.Equal("alpha\nbeta\n", File.ReadAllText(Path.Combine(shell.WorkDir, "notes.txt")));
    }

    [Fact]
    public async Task RateLimited_OneStatusLineUpdatedInPlaceThenGoneWhenTheAnswerArrives()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.InjectFault(new EmulatorFault { Status = 429, RetryAfterSeconds = 1, Count = 2 });
        await shell.StartAsync();

        shell.Submit("hello");
        var first = await shell.Terminal.WaitForTextAsync("(attempt 2 of 10): Too many requests (429");
        var second = await shell.Terminal.WaitForTextAsync("(attempt 3 of 10): Too many requests (429");
        await shell.NextInputAsync();
        var screen = shell.Terminal.Screen.Text;

        Assert.Contains("↻ retrying in 1 s (attempt 2 of 10): Too many requests (429: ", first);
        Assert.Equal(1, TestTerminal.Occurrences(first, "retrying"));
        Assert.Equal(1, TestTerminal.Occurrences(second, "retrying")); // the same line, updated: no stack of retry lines
        Assert.DoesNotContain("attempt 2 of 10", second);
        Assert.Contains("Echo: hello", screen);
        Assert.DoesNotContain("retrying", screen); // gone once the answer arrived
        Assert.Equal(3, shell.ChatRequests().Count);
    }

    [Fact]
    public async Task History_PromptsAreSavedForTheNextRunWithoutSecrets()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("a prompt worth keeping");
        await shell.SendAsync("my key is sk-abcdefghijklmnopqrstuvwxyz");

        shell.Terminal.Press(ConsoleKey.UpArrow);
        shell.Terminal.Enter();
        await shell.NextInputAsync();

        var file = Path.Combine(shell.Home, InputHistory.FileName);
        Assert.Equal(["a prompt worth keeping"], File.ReadAllLines(file));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(file));
        Assert.Equal(2, TestTerminal.Occurrences(shell.Terminal.Screen.Text, "› a prompt worth keeping"));
    }

    [Fact]
    public async Task UnknownCommand_SaysHowToFindTheRightOne()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("/frobnicate");

        Assert.Contains("✗ Unknown command /frobnicate; type /help for the list", screen);
        Assert.Empty(shell.ChatRequests());
    }

    [Fact]
    public async Task Help_ListsEveryCommand()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("/help");

        Assert.All(shell.App.Commands.All, c => Assert.Contains(CommandSet.Usage(c), screen));
    }

    [Fact]
    public async Task CommandAddedAtRunTime_IsListedCompletedAndRun()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        shell.App.Commands.Add(new SlashCommandTests.EchoCommand("skill:review"));

        var help = await shell.SendAsync("/help");
        shell.Terminal.Type("/skill:r");
        shell.Terminal.Press(ConsoleKey.Tab, '\t');
        shell.Terminal.Type("the diff");
        shell.Terminal.Enter();
        await shell.NextInputAsync();

        Assert.Matches(@"/skill:review <what> +say what follows", help);
        Assert.Contains("› /skill:review the diff", shell.Terminal.Screen.Text);
        Assert.Contains("skill:review says the diff", shell.Terminal.Screen.Text);
        Assert.Empty(shell.ChatRequests());
    }

    [Fact]
    public async Task NotLoggedIn_ShellStartsAndLoginThroughTheDeviceFlowMakesPromptsWork()
    {
        await using var shell = await ShellHarness.CreateAsync(loggedIn: false);
        await shell.StartAsync();
        var start = shell.Terminal.Screen.Text;

        var refused = await shell.SendAsync("hello");
        var login = await shell.SendAsync("/login");
        var answered = await shell.SendAsync("hello again");

        Assert.Contains("Type /login to log in with your Kimi account.", start);
        Assert.Contains("[auth.login_required]", refused);
        Assert.Contains("confirm the code", login);
        Assert.Contains("Logged in (managed:kimi-code)", login);
        Assert.Contains("Echo: hello again", answered);
        Assert.DoesNotContain(shell.Emulator.State.Requests.First(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Headers["authorization"][7..], shell.Terminal.Raw);
    }

    [Fact]
    public async Task Compact_ShortConversation_SaysThereIsNothingToCompact()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("hello");

        var screen = await shell.SendAsync("/compact");

        Assert.Contains("Not compacted: Nothing to compact yet", screen);
    }

    [Fact]
    public async Task Exit_CtrlDAndClosedTerminal_EndTheShellWithZero()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("hello");

        shell.Terminal.Ctrl(ConsoleKey.D);

        Assert.Equal(0, await shell.Run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.Contains("Session saved; `kimi --continue` picks it up again.", shell.Terminal.Screen.Text);
    }

    private const string SlowScript = """
        {"turns":[{"thinking":"Slow.","text":"This answer arrives slowly, two characters at a time, and ends with the end of a very slow answer.","chunk_size":2,"delay_ms":150}]}
        """;

    /// <summary>The screen with wrapped lines joined (messages wrap at the terminal width).</summary>
    /// <summary>Starts the shell with two sessions: "remember kumquat", then after <c>/new</c> "zucchini" (the current one).</summary>
    private static async Task<(string First, string Second)> StartWithTwoSessionsAsync(ShellHarness shell)
    {
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");
        var first = shell.App.Session!.Id;
        await shell.SendAsync("/new");
        await shell.SendAsync("zucchini");
        return (first, shell.App.Session!.Id);
    }

        private static string Flat(string screen) => screen.Replace("\n", " ", StringComparison.Ordinal);

    private static string BashPrompt(ShellHarness shell, string command) =>
        $"run it\ntool: Bash {{\"command\":\"cd {shell.WorkDir} && {command}\"}}";

    private static void CopyDirectory(string from, string to)
    {
        foreach (var file in Directory.EnumerateFiles(from, "*", SearchOption.AllDirectories))
        {
            var target = Path.Combine(to, Path.GetRelativePath(from, file));
            Directory.CreateDirectory(Path.GetDirectoryName(target)!);
            File.Copy(file, target);
        }
    }
}
