using KimiCode.Agent.Sessions;
using KimiCode.Cli.Tests.Support;
using KimiCode.Config;

namespace KimiCode.Cli.Tests.Shell;

/// <summary><c>/rename</c> and <c>/fork</c> in the shell: scripted keys, a virtual screen, the in-process emulator as the model.</summary>
public sealed class ShellSessionCommandsTests
{
    private static SessionStore Store(ShellHarness shell) => new(new KimiHome(shell.Home));

    private static string Flat(string screen) => screen.Replace("\n", " ", StringComparison.Ordinal);

    [Fact]
    public async Task Rename_CurrentSession_RecordedAndShownByListingsAndTheCommand()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");
        var id = shell.App.Session!.Id;

        var renamed = await shell.SendAsync("/rename   kumquat   notes ");
        var listing = await shell.SendAsync("/sessions");
        var shown = await shell.SendAsync("/title");

        Assert.Contains($"Session {id} is now called \"kumquat notes\".", Flat(renamed));
        Assert.Equal("kumquat notes", Store(shell).Get(id)!.Title);
        Assert.Contains("kumquat notes", listing);
        Assert.Contains("This session is called \"kumquat notes\"", Flat(shown));
    }

    [Fact]
    public async Task Rename_BeforeTheFirstPrompt_StartsTheSessionAndTheFirstPromptKeepsTheTitle()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var before = await shell.SendAsync("/rename");
        await shell.SendAsync("/rename release checklist");
        var id = shell.App.Session!.Id;
        await shell.SendAsync("what is left to do?");

        Assert.Contains("no title yet", before);
        Assert.Equal(id, shell.App.Session!.Id);
        var info = Store(shell).Get(id)!;
        Assert.Equal("release checklist", info.Title);
        Assert.Equal(2, info.MessageCount);
    }

    [Fact]
    public async Task Rename_TooLong_RefusedAndTheTitleStays()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");

        var screen = await shell.SendAsync("/rename " + new string('x', 201));

        Assert.Contains("at most 200 characters", Flat(screen));
        Assert.Contains("cli.usage", screen);
        Assert.Equal("remember kumquat", Store(shell).Get(shell.App.Session!.Id)!.Title);
    }

    [Fact]
    public async Task Fork_AfterATurn_CopyUnderANewIdWhileTheShellStaysInTheOriginal()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");
        var original = shell.App.Session!.Id;

        var screen = Flat(await shell.SendAsync("/fork"));
        await shell.SendAsync("zucchini"); // goes on in the original only

        var store = Store(shell);
        var fork = Assert.Single(store.List(shell.WorkDir), s => s.Id != original);
        Assert.Contains($"Forked into session {fork.Id} (2 messages); you are still in {original}.", screen);
        Assert.Contains($"`kimi -r {SessionStore.ShortIds([original, fork.Id])[fork.Id]}`", screen);
        Assert.Equal(original, shell.App.Session!.Id);
        Assert.Equal("remember kumquat (fork)", fork.Title);
        Assert.Equal(2, fork.MessageCount);
        Assert.Equal(4, store.Get(original)!.MessageCount);
        Assert.Equal("remember kumquat", store.Get(original)!.Title);
        Assert.False(SessionLockFiles.IsHeld(SessionLockFiles.PathFor(shell.Home, fork.Id))); // free for another kimi
        Assert.True(SessionLockFiles.IsHeld(SessionLockFiles.PathFor(shell.Home, original)));
    }

    [Fact]
    public async Task Fork_ThenResumeTheCopy_ContinuesFromTheCopiedHistory()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();
        await shell.SendAsync("remember kumquat");
        var original = shell.App.Session!.Id;
        await shell.SendAsync("/fork");
        await shell.SendAsync("zucchini");
        var fork = Store(shell).List(shell.WorkDir).Single(s => s.Id != original).Id;

        await shell.SendAsync($"/resume {SessionStore.ShortIds([original, fork])[fork]}");
        await shell.SendAsync("and now?");

        Assert.Equal(fork, shell.App.Session!.Id);
        var body = shell.ChatRequests()[^1].Body;
        Assert.Contains("remember kumquat", body);
        Assert.DoesNotContain("zucchini", body);
    }

    [Fact]
    public async Task Fork_BeforeTheFirstPrompt_NothingToForkAndNothingCreated()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("/fork");

        Assert.Contains("Nothing to fork yet", screen);
        Assert.Empty(Store(shell).ListAll());
    }
}
