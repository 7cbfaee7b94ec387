using KimiCode.Emulator;
namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>
/// The interactive shell as a user sees it: the real <c>kimi</c> under tmux against the in-process emulator, each
/// scenario's screens compared with golden files (Shell/golden; <c>KIMI_UPDATE_GOLDEN=1</c> rewrites them).
/// </summary>
public sealed class ShellEndToEndTests
{
    private const string Key = "sk-shell-end-to-end-0123456789";

    // A second provider and model, so /model has something to switch to.
    private static string MoonshotProvider(KimiEmulator emulator) =>
        HomeFiles.ApiKeyProvider("moonshot-ai", Key, emulator.OpenPlatformBaseUrl) + "\n\n"
        + HomeFiles.Model("moonshot-ai/kimi-k2-turbo-preview", "moonshot-ai", "kimi-k2-turbo-preview", 131072);

    private const string MarkdownScript = """
        {"turns":[{"thinking":"The user wants a summary of the project.\nA heading, a list and a code block will do.",
          "text":"# kimi for .NET\n\nA **coding agent** for the Kimi Code service:\n\n- streams answers as *Markdown*\n- runs tools, asking first\n\n```bash\nkimi -p \"Summarise README.md\"\n```\n\n| mode | asks before |\n|---|---|\n| default | edits, commands |\n| yolo | nothing |\n\nSee `docs/shell.md`.",
          "chunk_size":6,"delay_ms":5}]}
        """;

    [Fact]
    public async Task Shell_MarkdownAnswer_MatchesGolden()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, MoonshotProvider);
        home.Emulator.State.LoadScript(MarkdownScript);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.SubmitAsync("What is this project?");
        var screen = await tmux.WaitForAsync(s => s.Contains("See docs/shell.md.", StringComparison.Ordinal) && TmuxTerminal.LastLine(s) == "›", "the answer and the prompt");

        GoldenScreen.AssertMatches("markdown_answer", Normalize(screen, home, work));
    }

    [Fact]
    public async Task Shell_EditAllowedOnce_AsksThenShowsTheDiff()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, MoonshotProvider);
        var work = home.Workspace(("hello.txt", "line one\nline two\nline three\n"));
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.TypeAsync("fix the second line");
        await tmux.PressAsync("C-j");
        await tmux.SubmitAsync("tool: Edit {\"file_path\":\"hello.txt\",\"old_string\":\"line two\",\"new_string\":\"line 2\"}");
        var asking = await tmux.WaitForTextAsync("Esc denies");
        await tmux.PressAsync("y");
        var done = await tmux.WaitForAsync(s => s.Contains("Tool Edit returned", StringComparison.Ordinal) && TmuxTerminal.LastLine(s) == "›", "the edit's result");

        GoldenScreen.AssertMatches("permission_prompt", Normalize(asking, home, work));
        GoldenScreen.AssertMatches("edit_allowed_once", Normalize(done, home, work));
        Assert.Equal("line one\nline 2\nline three\n", File.ReadAllText(Path.Combine(work, "hello.txt")));
    }

    [Fact]
    public async Task Shell_CommandAllowedForSession_SecondRunDoesNotAsk()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, MoonshotProvider);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);
        const string prompt = "log it\ntool: Bash {\"command\":\"echo ran >> log.txt\"}";

        await SubmitMultilineAsync(tmux, prompt);
        await tmux.WaitForTextAsync("Esc denies");
        await tmux.PressAsync("a");
        await tmux.WaitForIdleAsync(2);
        await SubmitMultilineAsync(tmux, prompt);
        var screen = await tmux.WaitForIdleAsync(3);

        GoldenScreen.AssertMatches("command_allowed_for_session", Normalize(screen, home, work));
        Assert.Equal(["ran", "ran"], File.ReadAllLines(Path.Combine(work, "log.txt")));
        Assert.Equal(1, Occurrences(screen, "Allowed for this session"));
    }

    [Fact]
    public async Task Shell_WriteDenied_FileNotCreatedAndModelTold()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, MoonshotProvider);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await SubmitMultilineAsync(tmux, "create it\ntool: Write {\"file_path\":\"new.txt\",\"content\":\"hello\\n\"}");
        await tmux.WaitForTextAsync("Esc denies");
        await tmux.PressAsync("n");
        var screen = await tmux.WaitForIdleAsync(2);

        GoldenScreen.AssertMatches("write_denied", Normalize(screen, home, work));
        Assert.False(File.Exists(Path.Combine(work, "new.txt")));
        Assert.Contains("The user denied the Write call", home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body);
    }

    /// <summary>An answer that starts ("This answer …") and never finishes within a test: for cancelling a running turn.</summary>
    internal const string SlowAnswerScript = """
        {"turns":[{"thinking":"Slow.","text":"This answer waits three seconds between pieces, so it never finishes in time.","chunk_size":12,"delay_ms":3000}]}
        """;

    [Fact]
    public async Task Shell_CtrlCDuringATurn_CancelsAndKeepsTheShell()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, MoonshotProvider);
        home.Emulator.State.LoadScript(SlowAnswerScript);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.SubmitAsync("take your time");
        var streaming = await tmux.WaitForTextAsync("This answer");
        await tmux.PressAsync("C-c");
        var screen = await tmux.WaitForIdleAsync(2);

        Assert.Contains("Ctrl-C to cancel", streaming);
        GoldenScreen.AssertMatches("ctrl_c_cancelled", Normalize(screen, home, work));
        Assert.DoesNotContain("never finishes in time", screen);
    }

    [Fact]
    public async Task Shell_ModelCommand_PicksAnotherModelForTheNextTurn()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, MoonshotProvider);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.SubmitAsync("/model");
        var picker = await tmux.WaitForTextAsync("Esc cancels");
        await tmux.PressAsync("Down", "Enter");
        await tmux.WaitForIdleAsync(2);
        await tmux.SubmitAsync("which model is this?");
        var screen = await tmux.WaitForIdleAsync(3);

        GoldenScreen.AssertMatches("model_picker", Normalize(picker, home, work));
        GoldenScreen.AssertMatches("model_switched", Normalize(screen, home, work));
        Assert.Equal("/v1/chat/completions", home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Path);
    }

    [Fact]
    public async Task Shell_Resume_ReplaysAnEarlierSessionAndContinuesIt()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, MoonshotProvider);
        var work = home.Workspace();
        await using (var first = await TmuxTerminal.StartAsync(home, work))
        {
            await first.WaitForIdleAsync(1);
            await first.SubmitAsync("remember the word kumquat");
            await first.WaitForIdleAsync(2);
            await first.SubmitAsync("/exit");
            await first.WaitForTextAsync("[kimi exited with 0]");
        }

        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);
        await tmux.SubmitAsync("/sessions");
        await tmux.WaitForIdleAsync(2);
        await tmux.SubmitAsync("/resume");
        await tmux.WaitForTextAsync("Resume which session?");
        await tmux.PressAsync("Enter");
        await tmux.WaitForTextAsync("Resumed session");
        await tmux.SubmitAsync("which word?");
        var screen = await tmux.WaitForIdleAsync(5);

        GoldenScreen.AssertMatches("resume", Normalize(screen, home, work));
        Assert.Contains("remember the word kumquat", home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body);
    }

    private static async Task SubmitMultilineAsync(TmuxTerminal tmux, string text)
    {
        var lines = text.Split('\n');
        for (var i = 0; i < lines.Length; i++)
        {
            await tmux.TypeAsync(lines[i]);
            await tmux.PressAsync(i < lines.Length - 1 ? "C-j" : "Enter");
        }
    }

    private static int Occurrences(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;

    private static string Normalize(string screen, TestHome home, string work) =>
        GoldenScreen.Normalize(screen, (work, "<work>"), (home.Root, "<home>"));

}
