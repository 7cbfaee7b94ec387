namespace KimiCode.Cli.Commands;

/// <summary>A one-line "waiting for approval" status on stderr, only when stderr is a terminal.</summary>
internal sealed class WaitingIndicator(CliEnvironment env)
{
    private static readonly char[] Frames = ['|', '/', '-', '\\'];
    private int _frame;
    private bool _shown;

    public void Start() => Update(TimeSpan.Zero);

    public void Update(TimeSpan elapsed)
    {
        if (!env.ErrorIsTerminal)
        {
            return;
        }

        _shown = true;
        env.Error.Write($"\r{Frames[_frame++ % Frames.Length]} Waiting for you to approve in the browser... {(int)elapsed.TotalSeconds}s (Ctrl-C to cancel) ");
        env.Error.Flush();
    }

    public void Clear()
    {
        if (_shown)
        {
            env.Error.Write("\r\u001b[2K");
            env.Error.Flush();
            _shown = false;
        }
    }
}
