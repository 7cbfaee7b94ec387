namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>
/// What the shell leaves on the screen and in the scrollback when the terminal changes under it (a resize while an
/// answer streams) or is cleared (Ctrl-L, /clear): the real <c>kimi</c> under tmux against the emulator.
/// </summary>
public sealed class ScreenEndToEndTests
{
    private const string Key = "sk-screen-end-to-end-0123456789";

    // Three pieces, three seconds apart: the first two fill three rows of live text at 100 columns (the paragraph
    // is not complete yet), the third completes it (the block is then printed for good, at the new width).
    private const string Paragraph =
        "Kumquat paragraph begins here and runs on for a while so that it fills more than one row of the live region "
        + "while it streams; the terminal is made narrower in the middle of it, before the blank line that ends it.";

    private static readonly string SlowParagraphScript =
        "{\"turns\":[{\"text\":\"" + Paragraph + "\\n\\nThe end.\",\"chunk_size\":" + (Paragraph.Length / 2 - 4)
        + ",\"delay_ms\":3000}]}";

    [Fact]
    public async Task Shell_ResizedNarrowerWhileAnAnswerStreams_ShowsTheParagraphOnce()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        home.Emulator.State.LoadScript(SlowParagraphScript);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.SubmitAsync("tell me slowly");
        await tmux.WaitForTextAsync("made narrower"); // the second piece is live (three rows at 100 columns)
        await tmux.ResizeAsync(50);
        await tmux.WaitForAsync(s => s.Contains("The end.", StringComparison.Ordinal) && TmuxTerminal.LastLine(s) == "›", "the end of the answer");
        var joined = await tmux.CaptureJoinedAsync();

        // Single words: the block written after the resize is wrapped at 50 columns.
        Assert.True(Occurrences(joined, "Kumquat") == 1, "The paragraph's start is not shown once:\n" + joined);
        Assert.True(Occurrences(joined, "narrower") == 1, "The paragraph's middle is not shown once:\n" + joined);
        Assert.False(joined.Contains("to cancel)", StringComparison.Ordinal), "A spinner row was left behind:\n" + joined);
    }

    [Theory]
    [InlineData("C-l")]
    [InlineData("/clear")]
    public async Task Shell_KeysTypedAfterClearing_LeaveNothingInTheScrollback(string clear)
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);
        await tmux.SubmitAsync("say something");
        await tmux.WaitForIdleAsync(2);

        await (clear.StartsWith('/') ? tmux.SubmitAsync(clear) : tmux.PressAsync(clear));
        await tmux.WaitForAsync(s => !s.Contains("say something", StringComparison.Ordinal), "a cleared screen");
        await TypeKeyByKeyAsync(tmux, "abcdef");
        var screen = await tmux.WaitForTextAsync("› abcdef");

        Assert.Equal("› abcdef", screen.Trim()); // the scrollback (captured too) holds no line per keystroke
    }

    /// <summary>One key per write, each drawn before the next (as a person types).</summary>
    private static async Task TypeKeyByKeyAsync(TmuxTerminal tmux, string text)
    {
        for (var i = 0; i < text.Length; i++)
        {
            await tmux.TypeAsync(text[i].ToString());
            await tmux.WaitForTextAsync("› " + text[..(i + 1)]);
        }
    }

    private static int Occurrences(string text, string value) =>
        (text.Length - text.Replace(value, string.Empty, StringComparison.Ordinal).Length) / value.Length;
}
