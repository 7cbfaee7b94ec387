using KimiCode.Cli.Tests.Support;

namespace KimiCode.Cli.Tests.Shell;

/// <summary><c>/add-dir</c> and <c>--add-dir</c>: a folder outside the working folder becomes part of the workspace, so reading it no longer asks.</summary>
public sealed class ShellAddDirTests
{
    private static string OtherFolder(ShellHarness shell)
    {
        var other = Directory.CreateDirectory(Path.Combine(shell.Root, "other")).FullName;
        File.WriteAllText(Path.Combine(other, "note.txt"), "kumquat-in-the-other-folder\n");
        return other;
    }

    private static string ReadPrompt(string folder) => $"read it\ntool: Read {{\"file_path\":\"{folder}/note.txt\"}}";

    [Fact]
    public async Task AddDir_OutsideFolder_ReadThereRunsWithoutAskingAndReachesTheModel()
    {
        await using var shell = await ShellHarness.CreateAsync();
        var other = OtherFolder(shell);
        await shell.StartAsync();

        var added = await shell.SendAsync("/add-dir " + other);
        var listed = await shell.SendAsync("/add-dir");
        await shell.SendAsync(ReadPrompt(other));

        Assert.Contains($"Added {other} to the workspace", added);
        Assert.Contains($"Workspace: {shell.WorkDir}, {other}", TestTerminal.Unwrapped(listed));
        Assert.DoesNotContain("? Allow", shell.Terminal.Screen.Text);
        Assert.Contains("kumquat-in-the-other-folder", shell.ChatRequests()[^1].Body);
    }

    [Fact]
    public async Task NoAddDir_OutsideFolder_ReadAsks()
    {
        await using var shell = await ShellHarness.CreateAsync();
        var other = OtherFolder(shell);
        await shell.StartAsync();

        shell.Submit(ReadPrompt(other));
        var asked = await shell.Terminal.WaitForTextAsync("? Allow");
        shell.Terminal.Type("3");
        await shell.NextInputAsync();

        Assert.Contains("Read", asked);
        Assert.DoesNotContain("kumquat-in-the-other-folder", shell.ChatRequests()[^1].Body);
    }

    [Fact]
    public async Task AddDirOption_AtStart_SameAsTheCommand()
    {
        await using var shell = await ShellHarness.CreateAsync();
        var other = OtherFolder(shell);
        await shell.StartAsync(new KimiCode.Cli.Shell.ShellOptions { AdditionalDirectories = [other] });

        await shell.SendAsync(ReadPrompt(other));

        Assert.DoesNotContain("? Allow", shell.Terminal.Screen.Text);
        Assert.Contains("kumquat-in-the-other-folder", shell.ChatRequests()[^1].Body);
    }

    [Fact]
    public async Task AddDir_MissingFolder_OneLineErrorWorkspaceUnchanged()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("/add-dir no/such/folder");
        var listed = await shell.SendAsync("/add-dir");

        Assert.Contains("'no/such/folder' is not an existing folder; create it or give another.", screen);
        Assert.Contains($"Workspace: {shell.WorkDir}", listed);
        Assert.DoesNotContain(",", listed[listed.LastIndexOf("Workspace:", StringComparison.Ordinal)..].Split('\n')[0]);
    }
}
