using System.Threading.Channels;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The keys the user presses, with type-ahead: keys typed (or pasted) while a turn runs (other than Ctrl-C and Esc) are held back
/// and given to the line editor once the turn is over.
/// </summary>
/// <remarks>
/// Ctrl-G (the external editor) pauses the terminal's key reader until <see cref="ResumeReading"/>, so the editor gets
/// the keys: only the line editor (<see cref="EditorKeyWanted"/>) takes it; anywhere else it is dropped and reading goes on.
/// </remarks>
internal sealed class KeyQueue(ChannelReader<KeyInput> keys, Action? resumeReading = null)
{
    private readonly Queue<KeyInput> _ready = new();
    private readonly List<KeyInput> _heldBack = [];
    private Task<bool>? _wait;

    /// <summary>True while the line editor reads: Ctrl-G is passed on (the editor resumes reading once it is done).</summary>
    public bool EditorKeyWanted { get; set; }

    /// <summary>Takes the next key (or paste) if one is there.</summary>
    public bool TryRead(out KeyInput key)
    {
        while (_ready.TryDequeue(out key) || keys.TryRead(out key))
        {
            if (!IsCtrlG(key) || EditorKeyWanted)
            {
                return true;
            }

            ResumeReading();
        }

        return false;
    }

    /// <summary>Lets the terminal's key reader go on after a Ctrl-G.</summary>
    public void ResumeReading() => resumeReading?.Invoke();

    /// <summary>Completes when a key may be there (true) or the keys ended (false). The same task until it completes.</summary>
    public Task<bool> WaitAsync()
    {
        if (_ready.Count > 0)
        {
            return Task.FromResult(true);
        }

        if (_wait is null || _wait.IsCompleted)
        {
            _wait = keys.WaitToReadAsync().AsTask();
        }

        return _wait;
    }

    /// <summary>The next key; null when the keys ended (the terminal closed).</summary>
    public async Task<KeyInput?> ReadAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            if (TryRead(out var key))
            {
                return key;
            }

            if (!await WaitAsync().WaitAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
        }
    }

    /// <summary>Keeps a key typed during a turn for the line editor.</summary>
    public void HoldBack(KeyInput key) => _heldBack.Add(key);

    /// <summary>Makes the held-back keys readable again, in the order they were typed.</summary>
    public void ReleaseHeldBack()
    {
        foreach (var key in _heldBack)
        {
            _ready.Enqueue(key);
        }

        _heldBack.Clear();
    }

    public static bool IsCtrlC(KeyInput input) => input.Paste is null && IsCtrlC(input.Key);

    /// <summary>Esc pressed on its own (not part of a paste).</summary>
    public static bool IsEscape(KeyInput input) => input.Paste is null && input.Key.Key == ConsoleKey.Escape;

    /// <summary>Ctrl-G pressed on its own (not part of a paste).</summary>
    public static bool IsCtrlG(KeyInput input) => input.Paste is null
        && (input.Key.KeyChar == '\u0007' || (input.Key.Key == ConsoleKey.G && input.Key.Modifiers.HasFlag(ConsoleModifiers.Control)));

    public static bool IsCtrlC(ConsoleKeyInfo key) =>
        key.KeyChar == '\u0003' || (key.Key == ConsoleKey.C && key.Modifiers.HasFlag(ConsoleModifiers.Control));
}

/// <summary>Ctrl-C twice within <see cref="Window"/> exits the shell; once cancels (a turn) or clears (the input).</summary>
internal sealed class CtrlCGate(TimeProvider time)
{
    public static readonly TimeSpan Window = TimeSpan.FromSeconds(2);

    private long? _last;

    /// <summary>Records a press; true when it is the second within the window (time to exit).</summary>
    public bool Press()
    {
        var now = time.GetTimestamp();
        var twice = _last is { } last && time.GetElapsedTime(last, now) <= Window;
        _last = twice ? null : now;
        return twice;
    }

    /// <summary>Forgets an earlier press (the user did something else in between).</summary>
    public void Reset() => _last = null;
}
