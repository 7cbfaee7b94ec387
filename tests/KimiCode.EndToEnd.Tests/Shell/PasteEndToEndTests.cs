using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>Pasting into the shell, Esc during a turn, and bracketed paste after Ctrl-Z and fg, on the real <c>kimi</c> under tmux against the emulator.</summary>
public sealed class PasteEndToEndTests
{
    private const string Key = "sk-paste-end-to-end-0123456789";

    private static List<RecordedRequest> ChatRequests(TestHome home) =>
        [.. home.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))];

    /// <summary>Pastes <paramref name="pasted"/> (ending in a line break), types "then typed", and checks that only Enter sent it, as one prompt.</summary>
    private static async Task AssertPastedLineWaitsForEnterAsync(TestHome home, TmuxTerminal tmux, string pasted, string expectedInBody)
    {
        await tmux.PasteAsync(pasted);
        await tmux.TypeAsync("then typed");
        await tmux.WaitForTextAsync("then typed");
        Assert.Empty(ChatRequests(home));
        await tmux.PressAsync("Enter");
        await tmux.WaitForIdleAsync(2);

        var request = Assert.Single(ChatRequests(home));
        Assert.Contains(expectedInBody, request.Body);
    }

    [Fact]
    public async Task Shell_ThreeLinesPasted_SendOneRequestWithAllThree()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.PasteAsync("first pasted line\nsecond pasted line\nthird pasted line");
        await tmux.WaitForTextAsync("third pasted line");
        Assert.Empty(ChatRequests(home)); // the paste's line breaks submitted nothing
        await tmux.PressAsync("Enter");
        var screen = await tmux.WaitForIdleAsync(2);

        var request = Assert.Single(ChatRequests(home));
        Assert.Contains("first pasted line\\nsecond pasted line\\nthird pasted line", request.Body);
        Assert.Contains("› first pasted line\n  second pasted line\n  third pasted line", screen);
    }

    [Fact]
    public async Task Shell_OneLinePastedWithItsLineBreak_WaitsForEnter()
    {
        // Only bracketed paste can tell this from typing: one line and a line break is no burst.
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await AssertPastedLineWaitsForEnterAsync(home, tmux, "a single pasted line\n", "a single pasted line\\nthen typed");
    }

    [Fact]
    public async Task Shell_LargePaste_ShowsALabelAndSendsEveryLine()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);
        var lines = string.Join("\n", Enumerable.Range(1, 40).Select(i => $"trace line {i}"));

        await tmux.TypeAsync("explain ");
        await tmux.PasteAsync(lines);
        await tmux.WaitForTextAsync("[pasted 40 lines]");
        await tmux.PressAsync("Enter");
        var screen = await tmux.WaitForIdleAsync(2);

        var request = Assert.Single(ChatRequests(home));
        Assert.Contains("explain trace line 1\\ntrace line 2\\n", request.Body);
        Assert.Contains("trace line 40", request.Body);
        // The input stays one line on screen (the emulator's echo of the prompt shows the lines in the answer).
        var input = screen.Split('\n').SkipWhile(l => !l.StartsWith("› explain", StringComparison.Ordinal)).Take(2).ToList();
        Assert.Equal("› explain [pasted 40 lines]", input[0].TrimEnd());
        Assert.DoesNotContain("trace line", input[1]);
    }

    [Fact]
    public async Task Shell_EscapeDuringATurn_CancelsAndKeepsTheShell()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        home.Emulator.State.LoadScript(ShellEndToEndTests.SlowAnswerScript);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.SubmitAsync("take your time");
        await tmux.WaitForTextAsync("This answer");
        await tmux.PressAsync("Escape");
        var screen = await tmux.WaitForIdleAsync(2);

        Assert.DoesNotContain("never finishes in time", screen);
        Assert.DoesNotContain("[kimi exited", screen);
        await tmux.SubmitAsync("/exit"); // still a working shell
        await tmux.WaitForTextAsync("[kimi exited with 0]");
    }

    // Ctrl-Z and fg from an interactive bash: bash turns bracketed paste off to run `fg`; kimi switches it on again.
    [Fact]
    public async Task Shell_CtrlZThenFg_StopsAndComesBackWithBracketedPasteAndTheInput()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartFromBashAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.TypeAsync("typed before");
        await tmux.WaitForTextAsync("› typed before");
        await tmux.PressAsync("C-z");
        await tmux.WaitForTextAsync("Stopped");
        await tmux.SubmitAsync("fg"); // bash's readline switched bracketed paste off to run this
        await tmux.WaitForAsync(s => TmuxTerminal.LastLine(s) == "› typed before", "the input line redrawn");
        // A pasted line with its line break submits nothing only when bracketed paste is on again.
        await AssertPastedLineWaitsForEnterAsync(home, tmux, " and a pasted line\n", "typed before and a pasted line\\nthen typed");
    }
}
