namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>
/// Code blocks as a user copies them: the real <c>kimi</c> under tmux at 80 columns. A long command is printed as one
/// line (the terminal wraps it; selecting it gives it back whole), with no border, and <c>/copy code</c> puts it on
/// the clipboard through OSC 52 (tmux, with set-clipboard on, keeps it as a buffer).
/// </summary>
public sealed class CodeBlockEndToEndTests
{
    private const string Key = "sk-shell-end-to-end-0123456789";

    private const string Curl = "curl -s -H 'Authorization: Bearer $TOKEN' https://api.example.com/v1/projects/12345/items?limit=100 | jq '.items[].name'";

    private const string Script = """
        {"turns":[{"text":"List the item names:\n\n```bash\ncurl -s -H 'Authorization: Bearer $TOKEN' https://api.example.com/v1/projects/12345/items?limit=100 | jq '.items[].name'\n```\n\nThat prints one name a line.",
          "chunk_size":6,"delay_ms":5}]}
        """;

    [Fact]
    public async Task Shell_LongCodeLineAt80Columns_CopiesAsOneLineWithoutBorders()
    {
        Assert.True(Curl.Length > 80);
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        home.Emulator.State.LoadScript(Script);
        var work = home.Workspace();
        await using var tmux = await TmuxTerminal.StartAsync(home, work, 80);
        await tmux.WaitForIdleAsync(1);

        await tmux.SubmitAsync("how do I list the item names?");
        var screen = await tmux.WaitForAsync(s => s.Contains("That prints one name a line.", StringComparison.Ordinal) && TmuxTerminal.LastLine(s) == "›", "the answer and the prompt");
        var copied = await tmux.CaptureJoinedAsync();

        GoldenScreen.AssertMatches("code_block_80_columns", GoldenScreen.Normalize(screen, (work, "<work>"), (home.Root, "<home>")));
        var lines = copied.Split('\n').Select(l => l.TrimEnd()).ToList();
        var at = lines.IndexOf(Curl);
        Assert.True(at > 0, "the command is one line when selected:\n" + copied);
        Assert.Equal("bash", lines[at - 1]);
        Assert.Equal(string.Empty, lines[at + 1]);
        Assert.DoesNotContain(lines, l => l.Contains('│') || l.Contains('╭') || l.Contains('╰'));

        await tmux.SubmitAsync("/copy code");
        await tmux.WaitForTextAsync("the last code block to the clipboard (1 line, ");

        Assert.Equal(Curl, await tmux.ClipboardAsync());
    }
}
