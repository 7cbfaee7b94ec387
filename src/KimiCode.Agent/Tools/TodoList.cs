namespace KimiCode.Agent.Tools;

/// <summary>
/// The session's plan as the model last wrote it with <c>TodoWrite</c>. Thread-safe; front ends read
/// <see cref="Items"/> or listen to <see cref="Changed"/>.
/// </summary>
public sealed class TodoList
{
    private readonly Lock _gate = new();
    private IReadOnlyList<TodoItem> _items = [];

    /// <summary>Raised after the plan is replaced (on the thread that replaced it).</summary>
    public event EventHandler? Changed;

    /// <summary>The current plan (a snapshot).</summary>
    public IReadOnlyList<TodoItem> Items
    {
        get
        {
            lock (_gate)
            {
                return _items;
            }
        }
    }

    /// <summary>Replaces the whole plan.</summary>
    public void Replace(IEnumerable<TodoItem> items)
    {
        ArgumentNullException.ThrowIfNull(items);
        var snapshot = items.ToArray();
        lock (_gate)
        {
            _items = snapshot;
        }

        Changed?.Invoke(this, EventArgs.Empty);
    }
}
