using KimiCode.Agent;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using KimiCode.Cli.Shell;

namespace KimiCode.Cli.Tests.Shell;

public sealed class PickerTests
{
    private static ConsoleKeyInfo Key(ConsoleKey key, char c = '\0') => new(c, key, false, false, false);

    [Fact]
    public void Handle_ArrowsWrapAndEnterChooses()
    {
        var picker = new Picker("Pick", ["a", "b", "c"]);

        Assert.Equal(PickOutcome.Pending, picker.Handle(Key(ConsoleKey.UpArrow)));
        Assert.Equal(2, picker.Selected);
        Assert.Equal(PickOutcome.Pending, picker.Handle(Key(ConsoleKey.DownArrow)));
        Assert.Equal(0, picker.Selected);
        picker.Handle(Key(ConsoleKey.DownArrow));
        Assert.Equal(PickOutcome.Chosen, picker.Handle(Key(ConsoleKey.Enter, '\r')));
        Assert.Equal(1, picker.Selected);
    }

    [Fact]
    public void Handle_NumberKey_ChoosesThatOption()
    {
        var picker = new Picker("Pick", ["a", "b", "c"]);

        Assert.Equal(PickOutcome.Chosen, picker.Handle(Key(ConsoleKey.D3, '3')));
        Assert.Equal(2, picker.Selected);
    }

    [Fact]
    public void Handle_NumberOutOfRangeOrOtherKey_StaysPending()
    {
        var picker = new Picker("Pick", ["a", "b"]);

        Assert.Equal(PickOutcome.Pending, picker.Handle(Key(ConsoleKey.D7, '7')));
        Assert.Equal(PickOutcome.Pending, picker.Handle(Key(ConsoleKey.X, 'x')));
        Assert.Equal(0, picker.Selected);
    }

    [Fact]
    public void Handle_Escape_Cancels()
    {
        Assert.Equal(PickOutcome.Cancelled, new Picker("Pick", ["a"]).Handle(Key(ConsoleKey.Escape, '\u001b')));
    }

    [Theory]
    [InlineData('y', PermissionAnswer.AllowOnce)]
    [InlineData('a', PermissionAnswer.AllowForSession)]
    [InlineData('n', PermissionAnswer.Reject)]
    [InlineData('1', PermissionAnswer.AllowOnce)]
    [InlineData('2', PermissionAnswer.AllowForSession)]
    [InlineData('3', PermissionAnswer.Reject)]
    public void PermissionPicker_ShortcutKeys_MapToAnswers(char key, PermissionAnswer expected)
    {
        var picker = ShellPermissionPrompter.CreatePicker(Request());

        Assert.Equal(PickOutcome.Chosen, picker.Handle(new ConsoleKeyInfo(key, ConsoleKey.NoName, false, false, false)));
        Assert.Equal(expected, ShellPermissionPrompter.Answers[picker.Selected]);
    }

    [Fact]
    public void PermissionPicker_Lines_ShowTitleCommandReasonAndOptions()
    {
        var text = string.Join('\n', ShellPermissionPrompter.CreatePicker(Request()).Lines().Select(l => l.PlainText));

        Assert.Contains("? Allow the command above (Run a script)?", text);
        Assert.DoesNotContain("./deploy.sh --prod", text); // written in full above the picker, see ApprovalPromptTests
        Assert.Contains("commands ask in default mode", text);
        Assert.Contains("› 1. Yes, once", text);
        Assert.Contains("2. Yes, and allow this exact command for the rest of the session", text);
        Assert.Contains("3. No", text);
    }

    [Fact]
    public async Task Prompter_CancelledRequest_ThrowsSoTheAgentDenies()
    {
        var prompter = new ShellPermissionPrompter();
        using var cancel = new CancellationTokenSource();

        var answer = prompter.RequestAsync(Request(), cancel.Token);
        Assert.True(prompter.Requests.TryRead(out var pending));
        await cancel.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => answer);
        Assert.True(Assert.IsType<PendingPermission>(pending).Answer.Task.IsCanceled);
    }

    [Fact]
    public async Task Prompter_Answered_ReturnsTheAnswer()
    {
        var prompter = new ShellPermissionPrompter();

        var answer = prompter.RequestAsync(Request(), CancellationToken.None);
        Assert.True(prompter.Requests.TryRead(out var pending));
        Assert.IsType<PendingPermission>(pending).Answer.TrySetResult(PermissionAnswer.AllowForSession);

        Assert.Equal(PermissionAnswer.AllowForSession, await answer);
    }

    private static PermissionRequest Request() => new(
        "call_1", "Bash", "Run a script", ToolKind.Execute, PermissionAction.Execute, "./deploy.sh --prod", [], "commands ask in default mode", "{}");
}
