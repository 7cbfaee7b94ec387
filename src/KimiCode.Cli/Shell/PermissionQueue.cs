using KimiCode.Agent;
using KimiCode.Agent.Permissions;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The permission requests of one turn: shown one at a time as a picker in place of the spinner and answered from
/// the keys. A request cancelled with the turn is dropped (the agent treats it as a denial).
/// </summary>
internal sealed class PermissionQueue(ShellPermissionPrompter prompter, ShellScreen screen, TurnRenderer renderer)
{
    private readonly Queue<PendingPermission> _waiting = new();
    private PendingPermission? _asking;
    private Picker? _picker;

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
        if (_asking is not null && _asking.Answer.Task.IsCompleted)
        {
            Close(); // cancelled with the turn
        }

        if (_asking is null && _waiting.TryDequeue(out var next) && !next.Answer.Task.IsCompleted)
        {
            _asking = next;
            if (ShellPermissionPrompter.Details(next.Request, screen.Width - 1) is { } details)
            {
                // In the scrollback, not the live region: a long command or diff is shown whole, whatever the height.
                screen.Gap();
                screen.Write(details);
            }

            _picker = ShellPermissionPrompter.CreatePicker(next.Request);
            renderer.SetOverlay(_picker.Lines(ShellPermissionPrompter.Hint));
            Shown?.Invoke(next.Request);
        }
    }

    /// <summary>Gives <paramref name="key"/> to the shown picker; true when it answered the request.</summary>
    public bool Answer(ConsoleKeyInfo key)
    {
        if (_asking is not { } asking || _picker is not { } picker)
        {
            return false;
        }

        var outcome = picker.Handle(key);
        if (outcome == PickOutcome.Pending)
        {
            renderer.SetOverlay(picker.Lines(ShellPermissionPrompter.Hint));
            return false;
        }

        var answer = outcome == PickOutcome.Chosen ? ShellPermissionPrompter.Answers[picker.Selected] : PermissionAnswer.Reject;
        Close();
        WriteAnswer(asking.Request, answer);
        asking.Answer.TrySetResult(answer);
        return true;
    }

    private void Close()
    {
        _asking = null;
        _picker = null;
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
