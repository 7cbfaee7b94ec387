using System.Text;
using KimiCode.Agent;
using KimiCode.Agent.Permissions;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// What the agent asks during one turn (permission requests, plans to approve, questions): shown one at a time as a
/// picker in place of the spinner and answered from the keys. An option that asks for words ("Revise…", "Other…")
/// turns the picker into a one-line text input (Enter sends, Esc goes back). A request cancelled with the turn is
/// dropped (the agent treats it as a denial or a dismissal).
/// </summary>
internal sealed class PermissionQueue(ShellPermissionPrompter prompter, ShellScreen screen, TurnRenderer renderer)
{
    private const string PermissionHint = ShellPermissionPrompter.Hint;
    private const string ChoiceHint = "↑/↓ and Enter, or a number · Esc dismisses · Ctrl-C cancels the turn";
    private const string TextHint = "Type, then Enter to send · Esc goes back to the choices";
    private readonly Queue<PendingPrompt> _waiting = new();
    private PendingPrompt? _asking;
    private Picker? _picker;
    private StringBuilder? _typed;

    /// <summary>Called with each request as it is shown.</summary>
    public Action<PermissionRequest>? Shown { get; init; }

    /// <summary>True while a request is shown and waits for its answer.</summary>
    public bool IsAsking => _asking is not null;

    /// <summary>Completes when the agent has asked something.</summary>
    public Task<bool> WaitAsync() => prompter.Requests.WaitToReadAsync(CancellationToken.None).AsTask();

    /// <summary>Takes every request the agent has made into the queue.</summary>
    public void Collect()
    {
        while (prompter.Requests.TryRead(out var request))
        {
            _waiting.Enqueue(request);
        }
    }

    /// <summary>Drops a request cancelled with the turn; shows the next one when nothing is shown.</summary>
    public void ShowNext()
    {
        if (_asking is not null && _asking.IsDone)
        {
            Close(); // cancelled with the turn
        }

        if (_asking is null && _waiting.TryDequeue(out var next) && !next.IsDone)
        {
            _asking = next;
            var details = next switch
            {
                PendingPermission permission => ShellPermissionPrompter.Details(permission.Request, screen.Width - 1),
                PendingChoice choice => choice.Details,
                _ => null,
            };
            if (details is not null)
            {
                // In the scrollback, not the live region: a long command, diff or plan is shown whole, whatever the height.
                screen.Gap();
                screen.Write(details);
            }

            _picker = next is PendingPermission asked ? ShellPermissionPrompter.CreatePicker(asked.Request) : ((PendingChoice)next).Picker;
            if (next is PendingPermission shown)
            {
                // The notification is for approvals, not plan reviews or questions; it goes out before the question is
                // drawn, so whoever sees the question has been notified.
                Shown?.Invoke(shown.Request);
            }

            ShowPicker(_picker);
        }
    }

    /// <summary>Gives <paramref name="key"/> to the shown picker or text input; true when it answered the request.</summary>
    public bool Answer(ConsoleKeyInfo key)
    {
        if (_asking is not { } asking || _picker is not { } picker)
        {
            return false;
        }

        if (_typed is { } typed && asking is PendingChoice typing)
        {
            return Type(typing, picker, typed, key);
        }

        var outcome = picker.Handle(key);
        if (outcome == PickOutcome.Pending)
        {
            ShowPicker(picker);
            return false;
        }

        if (asking is PendingChoice choice)
        {
            if (outcome == PickOutcome.Chosen && choice.TextOptions.Contains(picker.Selected))
            {
                _typed = new StringBuilder();
                ShowText(picker, _typed);
                return false;
            }

            Finish(choice, outcome == PickOutcome.Chosen ? new ChoiceAnswer(picker.Selected, null) : null);
            return true;
        }

        var permission = (PendingPermission)asking;
        var answer = outcome == PickOutcome.Chosen ? ShellPermissionPrompter.Answers[picker.Selected] : PermissionAnswer.Reject;
        Close();
        WriteAnswer(permission.Request, answer);
        permission.Answer.TrySetResult(answer);
        return true;
    }

    private bool Type(PendingChoice choice, Picker picker, StringBuilder typed, ConsoleKeyInfo key)
    {
        switch (key.Key)
        {
            case ConsoleKey.Enter when typed.ToString().Trim().Length > 0:
                Finish(choice, new ChoiceAnswer(picker.Selected, typed.ToString().Trim()));
                return true;
            case ConsoleKey.Enter:
                return false; // nothing typed yet
            case ConsoleKey.Escape:
                _typed = null;
                ShowPicker(picker);
                return false;
            case ConsoleKey.Backspace when typed.Length > 0:
                typed.Length--;
                break;
            default:
                if (!char.IsControl(key.KeyChar))
                {
                    typed.Append(key.KeyChar);
                }

                break;
        }

        ShowText(picker, typed);
        return false;
    }

    private void Finish(PendingChoice choice, ChoiceAnswer? answer)
    {
        Close();
        var (text, style) = choice.Summary(answer);
        screen.Gap();
        screen.Line(text, style);
        choice.Answer.TrySetResult(answer);
    }

    private void ShowPicker(Picker picker) => renderer.SetOverlay(picker.Lines(_asking is PendingPermission ? PermissionHint : ChoiceHint));

    private void ShowText(Picker picker, StringBuilder typed) => renderer.SetOverlay(
    [
        new StyledLine().Add("? ", Tone.Warn).Add(picker.Title, Tone.Bold),
        new StyledLine().Add("  " + picker.Options[picker.Selected].TrimEnd('…'), Tone.Dim),
        new StyledLine().Add("› " + typed + "█"),
        new StyledLine().Add("  " + TextHint, Tone.Dim),
    ]);

    private void Close()
    {
        _asking = null;
        _picker = null;
        _typed = null;
        renderer.SetOverlay(null);
    }

    private void WriteAnswer(PermissionRequest request, PermissionAnswer answer)
    {
        var (text, style) = answer switch
        {
            PermissionAnswer.AllowOnce => ($"✓ Allowed once: {VisibleText.OneLine(request.Title)}", ShellStyles.Good),
            PermissionAnswer.AllowForSession => ($"✓ Allowed for this session: {VisibleText.OneLine(request.Title)}", ShellStyles.Good),
            _ => ($"✗ Denied: {VisibleText.OneLine(request.Title)}", ShellStyles.Bad),
        };
        screen.Gap();
        screen.Line(text, style);
    }
}
