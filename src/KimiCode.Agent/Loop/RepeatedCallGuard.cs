namespace KimiCode.Agent.Loop;

/// <summary>What to do with a call, given the calls before it in the turn.</summary>
internal enum RepeatVerdict
{
    Run,

    /// <summary>The 3rd or 4th identical call in a row: not run; the model is told to try something else.</summary>
    Refuse,

    /// <summary>The 5th identical call in a row (or any call after it in the same answer): the turn stops.</summary>
    Stop,
}

/// <summary>Spots a model stuck calling the same tool with the same arguments within one turn.</summary>
internal sealed class RepeatedCallGuard
{
    public const int RefuseAt = 3;
    public const int StopAt = 5;

    private string? _lastKey;

    /// <summary>How many identical calls in a row, the current one included.</summary>
    public int Count { get; private set; }

    public bool Stopped { get; private set; }

    public RepeatVerdict Observe(string toolName, string canonicalArguments)
    {
        if (Stopped)
        {
            return RepeatVerdict.Stop;
        }

        string key = toolName + "\n" + canonicalArguments;
        if (key == _lastKey)
        {
            Count++;
        }
        else
        {
            _lastKey = key;
            Count = 1;
        }

        if (Count >= StopAt)
        {
            Stopped = true;
            return RepeatVerdict.Stop;
        }

        return Count >= RefuseAt ? RepeatVerdict.Refuse : RepeatVerdict.Run;
    }
}
