using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Cli.Shell;
using KimiCode.Cli.Tests.Support;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>The shell with <c>@file</c> mentions (the file's text reaches the model) and <c>!command</c> (no model turn, Bash's permission path).</summary>
public sealed class ShellInputFeaturesTests
{
    private static readonly ShellOptions Yolo = new() { StartMode = PermissionMode.Yolo };

    private static JsonElement LastUserMessage(ShellHarness shell)
    {
        using var body = JsonDocument.Parse(shell.ChatRequests()[^1].Body);
        return body.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user").Clone();
    }

    private static string[] TextParts(JsonElement message) =>
        message.GetProperty("content").ValueKind == JsonValueKind.String
            ? [message.GetProperty("content").GetString()!]
            : [.. message.GetProperty("content").EnumerateArray().Select(p => p.GetProperty("text").GetString()!)];

    /// <summary>Leaves the current session for a new one and resumes it: the lines the replay showed.</summary>
    private static async Task<string[]> ResumeAgainAsync(ShellHarness shell)
    {
        var id = shell.App.Session!.Id;
        await shell.SendAsync("/new");
        var screen = await shell.SendAsync($"/resume {id}");
        return screen[screen.LastIndexOf("/resume", StringComparison.Ordinal)..].Split('\n');
    }

    [Fact]
    public async Task Prompt_AtTextFile_TheFileTextReachesTheModelAndTheTranscriptSaysSo()
    {
        await using var shell = await ShellHarness.CreateAsync();
        Directory.CreateDirectory(Path.Combine(shell.WorkDir, "docs"));
        File.WriteAllText(Path.Combine(shell.WorkDir, "docs", "notes.md"), "the launch is on tuesday\n");
        await shell.StartAsync();

        var screen = await shell.SendAsync("summarise @docs/notes.md please");

        Assert.Equal(
            ["summarise @docs/notes.md please\n\n<attached_file path=\"docs/notes.md\" lines=\"1\">\nthe launch is on tuesday\n</attached_file>"],
            TextParts(LastUserMessage(shell)));
        Assert.Contains("[file: docs/notes.md, 1 lines]", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_AtEnvFile_NotAttachedAndTheUserIsTold()
    {
        await using var shell = await ShellHarness.CreateAsync();
        File.WriteAllText(Path.Combine(shell.WorkDir, ".env"), "TOKEN=very-secret-value\n");
        await shell.StartAsync();

        var screen = await shell.SendAsync("check @.env");

        Assert.Equal(["check @.env"], TextParts(LastUserMessage(shell)));
        Assert.DoesNotContain("very-secret-value", shell.ChatRequests()[^1].Body, StringComparison.Ordinal);
        Assert.Contains("@.env is not attached: it may hold secrets", TestTerminal.Unwrapped(screen), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Prompt_AtMissingFile_StaysPlainText()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        await shell.SendAsync("where is @nowhere.txt");

        Assert.Equal(["where is @nowhere.txt"], TextParts(LastUserMessage(shell)));
    }

    [Fact]
    public async Task Resume_PromptWithAttachedFile_ShowsThePromptAndTheFileLineNotItsText()
    {
        await using var shell = await ShellHarness.CreateAsync();
        File.WriteAllText(Path.Combine(shell.WorkDir, "notes.md"), "body-of-the-notes\n");
        await shell.StartAsync();
        await shell.SendAsync("read @notes.md");

        var replay = await ResumeAgainAsync(shell);

        var echo = Array.FindIndex(replay, l => l.Contains("read @notes.md", StringComparison.Ordinal));
        Assert.True(echo > 0, string.Join('\n', replay));
        Assert.Equal("[file: notes.md, 1 lines]", replay[echo + 1].Trim());
    }

    [Fact]
    public async Task Bang_Echo_ShowsTheOutputWithoutAModelRequestAndTheNextTurnSeesIt()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync(Yolo);

        var screen = await shell.SendAsync("!echo hi-from-bang");

        Assert.Contains("hi-from-bang", screen[screen.LastIndexOf("!echo", StringComparison.Ordinal)..].Replace("!echo hi-from-bang", "", StringComparison.Ordinal), StringComparison.Ordinal);
        Assert.Empty(shell.ChatRequests());

        await shell.SendAsync("what did it say?");

        var body = shell.ChatRequests()[^1].Body;
        Assert.Contains("bash-input", body, StringComparison.Ordinal);
        Assert.Contains("hi-from-bang", body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Bang_DenyRule_RefusesTheCommand()
    {
        await using var shell = await ShellHarness.CreateAsync("""

            [[permission.rules]]
            decision = "deny"
            pattern = "Bash(rm *)"
            """);
        var victim = Path.Combine(shell.WorkDir, "x");
        File.WriteAllText(victim, "keep");
        await shell.StartAsync(Yolo);

        var screen = await shell.SendAsync("!rm x");

        Assert.True(File.Exists(victim));
        Assert.Contains("✗", screen, StringComparison.Ordinal);
        Assert.Empty(shell.ChatRequests());
    }

    [Fact]
    public async Task Bang_Alone_SaysWhatToTypeAndRunsNothing()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("!");

        Assert.Contains("Type a command after the !", screen, StringComparison.Ordinal);
        Assert.Null(shell.App.Session);
    }

    [Fact]
    public async Task Resume_AfterABangCommand_ShowsItAsTypedWithItsOutput()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync(Yolo);
        await shell.SendAsync("!echo replayed-output");

        var replay = await ResumeAgainAsync(shell);

        var echo = Array.FindIndex(replay, l => l.StartsWith("› !echo replayed-output", StringComparison.Ordinal));
        Assert.True(echo > 0, string.Join('\n', replay));
        Assert.Contains("replayed-output", replay[echo + 1], StringComparison.Ordinal);
        Assert.DoesNotContain(replay, l => l.Contains("bash-input", StringComparison.Ordinal));
    }

    [Fact]
    public async Task Bang_CtrlCWhileTheCommandRuns_StopsItAndTheShellGoesOn()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync(Yolo);

        shell.Submit("!sleep 600 && echo printed-$((40+2))");
        await shell.Terminal.WaitForTextAsync("sleep 600");
        await shell.Terminal.WaitForTextAsync("Running");
        shell.Terminal.CtrlC();
        await shell.NextInputAsync(); // within the test timeout, far below the command's 600 s

        Assert.DoesNotContain("printed-42", shell.Terminal.Screen.Text, StringComparison.Ordinal); // the command text says $((40+2))
        Assert.Contains("cancelled", string.Concat(shell.App.Session!.History[^1].Text), StringComparison.OrdinalIgnoreCase);
        Assert.Empty(shell.ChatRequests());
    }
}
