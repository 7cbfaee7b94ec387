using System.Collections.Concurrent;

namespace KimiCode.Agent.Tests.Support;

/// <summary>What the fake tools did, in the order they did it (thread-safe).</summary>
internal sealed class ExecutionLog
{
    private readonly ConcurrentQueue<string> _entries = new();

    public void Add(string entry) => _entries.Enqueue(entry);

    public IReadOnlyList<string> Entries => [.. _entries];

    public int IndexOf(string entry)
    {
        var list = Entries;
        for (int i = 0; i < list.Count; i++)
        {
            if (list[i] == entry)
            {
                return i;
            }
        }

        return -1;
    }
}
