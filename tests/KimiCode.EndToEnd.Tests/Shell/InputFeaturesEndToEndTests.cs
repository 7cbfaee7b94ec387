using KimiCode.Emulator;

namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary><c>@path</c> completion, <c>!command</c> and Ctrl-G on the real <c>kimi</c> under tmux against the emulator.</summary>
public sealed class InputFeaturesEndToEndTests
{
    private const string Key = "sk-input-end-to-end-0123456789";

    private static List<RecordedRequest> ChatRequests(TestHome home) =>
        [.. home.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal))];

    private static string InputLine(string screen, string start) =>
        screen.Split('\n').Last(l => l.StartsWith(start, StringComparison.Ordinal)).TrimEnd();

    [Fact]
    public async Task Shell_AtPartOfAPathThenTab_TheLineShowsTheCompletedPathAndTheFileReachesTheModel()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        Directory.CreateDirectory(Path.Combine(work, "src"));
        File.WriteAllText(Path.Combine(work, "src", "Foo.cs"), "class Foo { } // from-the-file\n");
        File.WriteAllText(Path.Combine(work, "src", "Bar.cs"), "class Bar { }\n");
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.TypeAsync("explain @src/Fo");
        var listed = await tmux.WaitForTextAsync("› src/Foo.cs");
        await tmux.PressAsync("Tab");
        var completed = await tmux.WaitForAsync(s => !s.Contains("Esc closes", StringComparison.Ordinal), "the list to close");

        Assert.DoesNotContain("src/Bar.cs", listed, StringComparison.Ordinal);
        Assert.Equal("› explain @src/Foo.cs", InputLine(completed, "› explain"));
        await tmux.PressAsync("Enter");
        await tmux.WaitForIdleAsync(2);
        Assert.Contains("// from-the-file", Assert.Single(ChatRequests(home)).Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Shell_BangEcho_ShowsTheOutputAndNoModelRequestIsMade()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work, "--yolo");
        await tmux.WaitForIdleAsync(1);

        await tmux.TypeAsync("!echo hi-from-bang");
        await tmux.WaitForTextAsync("shell › !echo hi-from-bang");
        await tmux.PressAsync("Enter");
        var screen = await tmux.WaitForIdleAsync(2);

        var after = screen[(screen.LastIndexOf("shell › !echo hi-from-bang", StringComparison.Ordinal) + 26)..];
        Assert.Contains("hi-from-bang", after, StringComparison.Ordinal);
        Assert.Empty(ChatRequests(home));
    }

    [Fact]
    public async Task Shell_BangRmWithADenyRule_RefusedAndTheFileStays()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => """

            [[permission.rules]]
            decision = "deny"
            pattern = "Bash(rm *)"
            """);
        var work = home.Workspace(("x", "keep me"));
        await using var tmux = await TmuxTerminal.StartAsync(home, work, "--yolo");
        await tmux.WaitForIdleAsync(1);

        await tmux.SubmitAsync("!rm x");
        var screen = await tmux.WaitForIdleAsync(2);

        Assert.True(File.Exists(Path.Combine(work, "x")));
        Assert.Contains("✗", screen[screen.LastIndexOf("!rm x", StringComparison.Ordinal)..], StringComparison.Ordinal);
        Assert.Empty(ChatRequests(home));
    }

    [Fact]
    public async Task Shell_CtrlG_TheEditorsTextComesBackIntoTheInputUnsent()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        var script = Path.Combine(home.Root, "editor.sh");
        File.WriteAllText(script, "#!/bin/sh\nprintf 'written by the editor script\\n' > \"$1\"\n");
        File.SetUnixFileMode(script, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        home.Environment["EDITOR"] = script;
        home.Environment["VISUAL"] = "";
        await using var tmux = await TmuxTerminal.StartAsync(home, work);
        await tmux.WaitForIdleAsync(1);

        await tmux.TypeAsync("a draft");
        await tmux.WaitForTextAsync("› a draft");
        await tmux.PressAsync("C-g");
        var screen = await tmux.WaitForTextAsync("› written by the editor script");

        Assert.Empty(ChatRequests(home));
        Assert.DoesNotContain("a draft", screen, StringComparison.Ordinal);
        await tmux.TypeAsync(" and typed"); // the shell reads keys again
        await tmux.PressAsync("Enter");
        await tmux.WaitForIdleAsync(2);
        Assert.Contains("written by the editor script and typed", Assert.Single(ChatRequests(home)).Body, StringComparison.Ordinal);
    }
}
