namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>The notification at the end of a long turn (tui.toml [notifications]) on the real <c>kimi</c> under tmux.</summary>
public sealed class NotificationEndToEndTests
{
    private const string Key = "sk-notify-end-to-end-0123456789";

    // Two pieces 1.5 s apart: the turn runs at least that long.
    private const string SlowScript = """
        {"turns":[{"text":"First half of the answer, then the second half.","chunk_size":26,"delay_ms":1500}]}
        """;

    [Fact]
    public async Task Shell_TurnLongerThanAfterSeconds_RingsTheBellInTmux()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        await File.WriteAllTextAsync(Path.Combine(home.Root, "tui.toml"), "[notifications]\nafter_seconds = 1\n", TestContext.Current.CancellationToken);
        home.Emulator.State.LoadScript(SlowScript);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);
        var rungBefore = await tmux.BellRungAsync();

        await tmux.SubmitAsync("take a moment");
        await tmux.WaitForTextAsync("the second half.");
        await tmux.WaitForIdleAsync(2);

        Assert.False(rungBefore);
        Assert.True(await tmux.BellRungAsync()); // inside tmux TERM_PROGRAM is tmux: a bell, not OSC 9
    }
}
