using KimiCode.Cli.Shell;
using KimiCode.Cli.Tests.Support;
using KimiCode.Config;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>Bell / OSC 9 when a long turn ends or asks for approval (tui.toml [notifications]), and tui.toml itself.</summary>
public sealed class ShellNotificationTests
{
    private const string Bel = "\a";

    private static Func<string, string?> Variables(params (string Name, string Value)[] set) =>
        name => set.FirstOrDefault(v => v.Name == name).Value;

    private static string BashPrompt(ShellHarness shell) =>
        $"run it\ntool: Bash {{\"command\":\"cd {shell.WorkDir} && echo ran >> log.txt\"}}";

    private static void WriteTui(ShellHarness shell, string text) => File.WriteAllText(Path.Combine(shell.Home, TuiConfig.FileName), text);

    private static TuiConfig LoadTui(string text)
    {
        using var folder = new TempFolder("kimi-tui");
        File.WriteAllText(Path.Combine(folder.Path, TuiConfig.FileName), text);
        return TuiConfig.Load(new KimiHome(folder.Path));
    }

    [Fact]
    public void Sequence_TerminalThatShowsOsc9_IsOsc9WithTitleAndBody()
    {
        var sequence = TerminalNotifier.Sequence("Kimi Code task complete", "fix the build", Variables(("TERM_PROGRAM", "iTerm.app")));

        Assert.Equal("\u001b]9;Kimi Code task complete: fix the build\a", sequence);
    }

    [Fact]
    public void Sequence_KittyByTerm_IsOsc9()
    {
        Assert.StartsWith("\u001b]9;", TerminalNotifier.Sequence("t", null, Variables(("TERM", "xterm-kitty"))), StringComparison.Ordinal);
    }

    [Fact]
    public void Sequence_OtherTerminal_IsABell()
    {
        Assert.Equal(Bel, TerminalNotifier.Sequence("Kimi Code task complete", "x", Variables(("TERM", "xterm-256color"), ("TERM_PROGRAM", "vscode"))));
    }

    [Fact]
    public void Sequence_Osc9InsideTmux_IsWrappedForPassthrough()
    {
        var sequence = TerminalNotifier.Sequence("done", null, Variables(("TERM_PROGRAM", "WezTerm"), ("TMUX", "/tmp/tmux-1/default,1,0")));

        Assert.Equal("\u001bPtmux;\u001b\u001b]9;done\a\u001b\\", sequence);
    }

    [Fact]
    public void Sequence_BodyWithControlCharacters_CannotEndOrExtendTheSequence()
    {
        var sequence = TerminalNotifier.Sequence("approval", "rm -rf x\a\u001b]0;owned\u001b\\\nnext", Variables(("TERM_PROGRAM", "ghostty")));

        Assert.Equal("\u001b]9;approval: rm -rf x ]0;owned \\ next\a", sequence);
    }

    [Theory]
    [InlineData(false, 10, 9.9, false)]
    [InlineData(false, 10, 10, true)]
    [InlineData(true, 10, 0, true)]
    [InlineData(false, 0, 0, true)]
    public void Due_ConditionAndElapsed_NotifiesOnlyWhenConfigured(bool always, int afterSeconds, double elapsedSeconds, bool expected)
    {
        var settings = new TuiConfig { NotifyAlways = always, NotifyAfterSeconds = afterSeconds };

        Assert.Equal(expected, TerminalNotifier.Due(settings, TimeSpan.FromSeconds(elapsedSeconds)));
        Assert.False(TerminalNotifier.Due(settings with { NotificationsEnabled = false }, TimeSpan.FromHours(1)));
    }

    [Fact]
    public void TuiConfig_OfficialAndOwnKeys_AreRead()
    {
        var config = LoadTui("theme = \"dark\"\n[notifications]\nenabled = true\nnotification_condition = \"always\"\nafter_seconds = 30\n[editor]\ncommand = \"vim\"\n");

        Assert.Null(config.Problem);
        Assert.True(config.NotificationsEnabled);
        Assert.True(config.NotifyAlways);
        Assert.Equal(30, config.NotifyAfterSeconds);
    }

    [Fact]
    public void TuiConfig_Missing_IsTheDefaults()
    {
        using var folder = new TempFolder("kimi-tui");

        var config = TuiConfig.Load(new KimiHome(folder.Path));

        Assert.Equal(new TuiConfig(), config);
        Assert.False(config.NotifyAlways);
        Assert.Equal(10, config.NotifyAfterSeconds);
    }

    [Theory]
    [InlineData("[notifications]\nnotification_condition = \"sometimes\"\n", "notification_condition must be \"unfocused\" or \"always\"", "[config.invalid]")]
    [InlineData("[notifications]\nenabled = \"yes\"\n", "enabled must be true or false", "[config.invalid]")]
    [InlineData("[notifications]\nafter_seconds = -1\n", "after_seconds must be a whole number", "[config.invalid]")]
    [InlineData("[notifications\nenabled = true\n", "tui.toml:1:", "[config.toml_syntax]")]
    public void TuiConfig_BadFile_DefaultsWithAOneLineProblem(string text, string what, string code)
    {
        var config = LoadTui(text);

        Assert.Equal(new TuiConfig { Problem = config.Problem }, config);
        Assert.Contains(what, config.Problem, StringComparison.Ordinal);
        Assert.EndsWith(code, config.Problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', config.Problem!);
    }

    [Fact]
    public async Task Shell_QuickTurnUnderDefaults_RingsNothing()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        await shell.SendAsync("hello");

        Assert.DoesNotContain(Bel, shell.Terminal.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_TurnLongerThanAfterSeconds_RingsOnceWhenItEnds()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        shell.Submit(BashPrompt(shell));
        await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Clock.Advance(TimeSpan.FromSeconds(11)); // the question waits: the turn has now run 11 s
        var whileAsking = shell.Terminal.Raw;
        shell.Terminal.Type("1");
        await shell.NextInputAsync();

        Assert.DoesNotContain(Bel, whileAsking, StringComparison.Ordinal); // asked at 0 s: not long yet
        Assert.Equal(1, TestTerminal.Occurrences(shell.Terminal.Raw, Bel));
    }

    [Fact]
    public async Task Shell_ConditionAlways_RingsForTheQuestionAndTheEnd()
    {
        await using var shell = await ShellHarness.CreateAsync();
        WriteTui(shell, "[notifications]\nnotification_condition = \"always\"\n");
        await shell.StartAsync();

        shell.Submit(BashPrompt(shell));
        await shell.Terminal.WaitForTextAsync("? Allow");
        var whileAsking = shell.Terminal.Raw;
        shell.Terminal.Type("1");
        await shell.NextInputAsync();

        Assert.Equal(1, TestTerminal.Occurrences(whileAsking, Bel));
        Assert.Equal(2, TestTerminal.Occurrences(shell.Terminal.Raw, Bel));
    }

    [Fact]
    public async Task Shell_TurnCancelledByTheUser_DoesNotRingAtTheEnd()
    {
        await using var shell = await ShellHarness.CreateAsync();
        WriteTui(shell, "[notifications]\nnotification_condition = \"always\"\n");
        await shell.StartAsync();

        shell.Submit(BashPrompt(shell));
        await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Terminal.CtrlC();
        await shell.NextInputAsync();

        Assert.Equal(1, TestTerminal.Occurrences(shell.Terminal.Raw, Bel)); // the question's only
    }

    [Fact]
    public async Task Shell_NotificationsDisabled_RingsNothing()
    {
        await using var shell = await ShellHarness.CreateAsync();
        WriteTui(shell, "[notifications]\nenabled = false\nnotification_condition = \"always\"\n");
        await shell.StartAsync();

        shell.Submit(BashPrompt(shell));
        await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Terminal.Type("1");
        await shell.NextInputAsync();

        Assert.DoesNotContain(Bel, shell.Terminal.Raw, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_BrokenTuiToml_StartsAndSaysWhatIsWrong()
    {
        await using var shell = await ShellHarness.CreateAsync();
        WriteTui(shell, "[notifications]\nnotification_condition = \"sometimes\"\n");

        await shell.StartAsync();

        Assert.Contains("notification_condition must be \"unfocused\" or \"always\"", shell.Terminal.Screen.Text.Replace("\n", string.Empty, StringComparison.Ordinal));
        Assert.Contains("[config.invalid]", shell.Terminal.Screen.Text);
    }
}
