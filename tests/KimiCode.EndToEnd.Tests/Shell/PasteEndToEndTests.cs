using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>Pasting into the shell and Esc during a turn, on the real <c>kimi</c> under tmux against the emulator.</summary>
public sealed class PasteEndToEndTests
{
    private const string Key = "sk-paste-end-to-end-0123456789";

    private static List<RecordedRequest> ChatRequests(TestHome home) =>
        [.. home.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))];

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

        await tmux.PasteAsync("a single pasted line\n");
        await tmux.TypeAsync("then typed");
        await tmux.WaitForTextAsync("then typed");
        Assert.Empty(ChatRequests(home));
        await tmux.PressAsync("Enter");
        await tmux.WaitForIdleAsync(2);

        var request = Assert.Single(ChatRequests(home));
        Assert.Contains("a single pasted line\\nthen typed", request.Body);
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
}
