using KimiCode.Agent;
using KimiCode.Protocol;

namespace KimiCode.Cli.Shell;

/// <summary>How work run by <see cref="WorkLoop"/> ended: its result (default when cancelled or failed), whether Ctrl-C cancelled it, whether the user asked to leave.</summary>
internal readonly record struct WorkOutcome<T>(T? Result, bool Cancelled, bool Exit);

/// <summary>
/// The one loop that runs while the shell is busy, for a model turn and for long commands (login, compaction): it
/// waits on the work, the keys, permission requests (turns only) and the spinner tick. Ctrl-C cancels the work
/// (twice within <see cref="CtrlCGate.Window"/> also leaves the shell), and so does Esc; other keys and pastes are held
/// back for the line editor.
/// </summary>
internal sealed class WorkLoop(ShellScreen screen, KeyQueue keys, CtrlCGate ctrlC, TurnRenderer renderer, TimeProvider uiTime)
{
    private static readonly TimeSpan TickInterval = TimeSpan.FromMilliseconds(100);

    /// <summary>Waited on instead of the keys once the terminal has closed (and instead of permission requests outside a turn).</summary>
    private static readonly Task<bool> Never = new TaskCompletionSource<bool>().Task;

    /// <summary>Notifies the user when a long turn ends or asks for approval (none: never).</summary>
    public TerminalNotifier? Notifier { get; init; }

    /// <summary>True once the terminal has closed: no key will come any more.</summary>
    public bool KeysEnded { get; private set; }

    /// <summary>Runs one turn: renders its events and asks its permission requests. True when the user asked to leave.</summary>
    /// <param name="activity">What the spinner says until the first event (a model turn thinks; a <c>!command</c> runs).</param>
    public async Task<bool> RunTurnAsync(Func<CancellationToken, IAsyncEnumerable<AgentEvent>> turn, ShellPermissionPrompter prompter, CancellationToken cancellationToken, string activity = "Thinking")
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        renderer.Begin(activity);
        var events = turn(cancel.Token).GetAsyncEnumerator(cancel.Token);
        var started = uiTime.GetTimestamp();
        try
        {
            var permissions = new PermissionQueue(prompter, screen, renderer)
            {
                Shown = request => Notifier?.ApprovalNeeded(uiTime.GetElapsedTime(started), VisibleText.OneLine(request.Title)),
            };
            var exit = await LoopAsync(() => events.MoveNextAsync().AsTask(), () => renderer.OnEvent(events.Current), permissions, cancel).ConfigureAwait(false);
            if (!exit && !cancel.IsCancellationRequested)
            {
                Notifier?.TurnEnded(uiTime.GetElapsedTime(started), null);
            }

            return exit;
        }
        finally
        {
            await events.DisposeAsync().ConfigureAwait(false);
            EndLive();
        }
    }

    /// <summary>Runs <paramref name="work"/> with the spinner showing <paramref name="activity"/>; a <see cref="KimiCodeException"/> is shown as an error.</summary>
    public async Task<WorkOutcome<T>> RunBusyAsync<T>(string activity, Func<CancellationToken, Task<T>> work, CancellationToken cancellationToken)
    {
        using var cancel = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        renderer.Begin(activity);
        try
        {
            var task = work(cancel.Token);
            var exit = await LoopAsync(() => EndedAsync(task), static () => { }, permissions: null, cancel).ConfigureAwait(false);
            try
            {
                return new(await task.ConfigureAwait(false), false, exit);
            }
            catch (OperationCanceledException) when (cancel.IsCancellationRequested)
            {
                return new(default, true, exit);
            }
            catch (KimiCodeException ex)
            {
                renderer.End(null);
                renderer.WriteError(ex.Code, ex.Message);
                return new(default, false, exit);
            }
        }
        finally
        {
            EndLive();
        }
    }

    /// <summary>Shows <paramref name="picker"/> until the user picks (index), cancels (null) or presses Ctrl-C twice (exit).</summary>
    public async Task<(int? Chosen, bool Exit)> PickAsync(Picker picker, CancellationToken cancellationToken)
    {
        screen.SetLive(picker.Lines());
        try
        {
            while (true)
            {
                var next = await keys.ReadAsync(cancellationToken).ConfigureAwait(false);
                if (next is not { } key)
                {
                    KeysEnded = true;
                    return (null, true);
                }

                if (KeyQueue.IsCtrlC(key))
                {
                    return (null, ctrlC.Press());
                }

                if (key.Paste is not null)
                {
                    continue; // a paste answers no question
                }

                switch (picker.Handle(key.Key))
                {
                    case PickOutcome.Chosen:
                        return (picker.Selected, false);
                    case PickOutcome.Cancelled:
                        return (null, false);
                    default:
                        screen.SetLive(picker.Lines());
                        break;
                }
            }
        }
        finally
        {
            screen.ClearLive();
        }
    }

    /// <summary>
    /// Waits on the work's next step (<paramref name="moveNext"/>: true when <paramref name="onStep"/> has something
    /// to show, false when the work ended), the keys, permission requests and the tick. True when the user asked to leave.
    /// </summary>
    private async Task<bool> LoopAsync(Func<Task<bool>> moveNext, Action onStep, PermissionQueue? permissions, CancellationTokenSource cancel)
    {
        var exit = false;
        var next = moveNext();
        Task<bool>? requests = null;
        Task? tick = null;
        try
        {
            while (true)
            {
                permissions?.ShowNext();
                requests ??= permissions?.WaitAsync() ?? Never;
                tick ??= Task.Delay(TickInterval, uiTime, CancellationToken.None);
                var keyWait = KeysEnded ? Never : keys.WaitAsync();
                var done = await Task.WhenAny(next, keyWait, requests, tick).ConfigureAwait(false);
                if (done == next)
                {
                    if (!await next.ConfigureAwait(false))
                    {
                        break;
                    }

                    onStep();
                    next = moveNext();
                }
                else if (done == tick)
                {
                    tick = null;
                    renderer.Tick();
                }
                else if (done == requests)
                {
                    requests = null;
                    permissions!.Collect();
                }
                else if (!await keyWait.ConfigureAwait(false))
                {
                    KeysEnded = true; // the terminal closed: stop the work and leave
                    exit = true;
                    await cancel.CancelAsync().ConfigureAwait(false);
                }
                else
                {
                    exit |= await ReadKeysAsync(permissions, cancel).ConfigureAwait(false);
                }
            }
        }
        finally
        {
            if (!next.IsCompleted)
            {
                await cancel.CancelAsync().ConfigureAwait(false);
                await ((Task)next).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            }
        }

        return exit;
    }

    /// <summary>
    /// Reads the keys there are: Ctrl-C cancels (a second one within the window also leaves), so does Esc unless a
    /// permission question is open (there it denies); a permission picker takes its keys, the rest wait for the editor.
    /// True on a second Ctrl-C.
    /// </summary>
    private async Task<bool> ReadKeysAsync(PermissionQueue? permissions, CancellationTokenSource cancel)
    {
        var exit = false;
        while (keys.TryRead(out var key))
        {
            if (KeyQueue.IsCtrlC(key))
            {
                exit |= ctrlC.Press();
                renderer.SetActivity("Cancelling");
                await cancel.CancelAsync().ConfigureAwait(false);
            }
            else if (KeyQueue.IsEscape(key) && permissions is not { IsAsking: true })
            {
                renderer.SetActivity("Cancelling");
                await cancel.CancelAsync().ConfigureAwait(false);
            }
            else if (permissions is { IsAsking: true } && key.Paste is null)
            {
                if (permissions.Answer(key.Key))
                {
                    break; // show the next request (if any) before reading more keys
                }
            }
            else
            {
                keys.HoldBack(key);
            }
        }

        return exit;
    }

    private static async Task<bool> EndedAsync(Task work)
    {
        await work.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        return false;
    }

    private void EndLive()
    {
        if (renderer.IsActive)
        {
            renderer.End(null);
        }

        keys.ReleaseHeldBack();
    }
}
