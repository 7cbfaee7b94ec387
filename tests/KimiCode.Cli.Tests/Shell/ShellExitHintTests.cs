using KimiCode.Agent.Sessions;
using KimiCode.Cli.Shell;
using KimiCode.Cli.Tests.Support;
using KimiCode.Config;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>The line the shell leaves on exit names a command that opens the session it had, and no other.</summary>
public sealed class ShellExitHintTests
{
    private static SessionStore Store(ShellHarness shell) => new(new KimiHome(shell.Home));

    private static async Task<string> ExitAsync(ShellHarness shell)
    {
        shell.Terminal.Ctrl(ConsoleKey.D);
        Assert.Equal(0, await shell.Run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        return shell.Terminal.Screen.Text.Replace("\n", " ", StringComparison.Ordinal);
    }

    /// <summary>The id start the exit line's <c>kimi -r …</c> gives (the last such hint on the screen).</summary>
    private static string ResumeArgument(string screen)
    {
        var at = screen.LastIndexOf("`kimi -r ", StringComparison.Ordinal);
        Assert.True(at >= 0, "No kimi -r hint:\n" + screen);
        var start = at + "`kimi -r ".Length;
        return screen[start..screen.IndexOf('`', start)];
    }

    [Fact]
    public async Task Exit_NewestSessionOfTheFolder_HintsContinue()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("hello");

        var screen = await ExitAsync(shell);

        Assert.Contains("Session saved; `kimi --continue` picks it up again.", screen);
        Assert.Equal(shell.App.Session!.Id, Cli.Commands.SessionsCommand.ResumeTarget(Store(shell), null, latest: true, shell.WorkDir));
    }

    [Fact]
    public async Task Exit_AfterForkMadeANewerSession_HintsResumeWithThisSessionsPrefix()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("hello");
        var original = shell.App.Session!.Id;
        await shell.SendAsync("/fork");

        var screen = await ExitAsync(shell);

        Assert.DoesNotContain("--continue", screen);
        var prefix = ResumeArgument(screen);
        Assert.True(prefix.Length < original.Length, prefix);
        Assert.Equal(original, Store(shell).Resolve(prefix, shell.WorkDir).Id);
        Assert.NotEqual(original, Store(shell).Latest(shell.WorkDir)!.Id); // --continue would have opened the fork
    }

    [Fact]
    public async Task Exit_ResumedAnOlderSession_HintsResumeWithItsPrefix()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");
        var first = shell.App.Session!.Id;
        await shell.SendAsync("/new");
        await shell.SendAsync("zucchini");
        await shell.SendAsync("/resume " + first); // back to the older one, nothing new said in it

        var screen = await ExitAsync(shell);

        Assert.Equal(first, shell.App.Session!.Id);
        Assert.NotEqual(first, Store(shell).Latest(shell.WorkDir)!.Id); // --continue would open "zucchini"
        Assert.DoesNotContain("--continue", screen);
        Assert.Equal(first, Store(shell).Resolve(ResumeArgument(screen), shell.WorkDir).Id);
    }

    [Fact]
    public async Task Exit_WorkFolderGivenWithW_HintsResumeNotContinue()
    {
        await using var shell = await ShellHarness.CreateAsync();
        var other = Directory.CreateDirectory(Path.Combine(shell.Root, "elsewhere")).FullName;
        await shell.StartAsync(new ShellOptions { WorkDir = other });
        await shell.SendAsync("hello");

        var screen = await ExitAsync(shell);

        // `kimi --continue` from the folder the user is in would look at that folder's sessions, not this one's.
        Assert.DoesNotContain("--continue", screen);
        Assert.Equal(shell.App.Session!.Id, Store(shell).Resolve(ResumeArgument(screen), shell.WorkDir).Id);
    }
}
