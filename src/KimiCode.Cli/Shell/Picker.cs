namespace KimiCode.Cli.Shell;

internal enum PickOutcome
{
    Pending,
    Chosen,
    Cancelled,
}

/// <summary>
/// A choice shown in the live region: Up/Down and Enter, a number key, or a shortcut letter; Esc cancels.
/// Used for permission prompts, <c>/model</c> and <c>/resume</c>.
/// </summary>
internal sealed class Picker(string title, IReadOnlyList<string> options, int selected = 0, IReadOnlyList<string>? details = null, IReadOnlyDictionary<char, int>? shortcuts = null)
{
    private const int MaxVisible = 10;

    public string Title => title;

    public IReadOnlyList<string> Options => options;

    public int Selected { get; private set; } = Math.Clamp(selected, 0, Math.Max(0, options.Count - 1));

    public PickOutcome Handle(ConsoleKeyInfo key)
    {
        switch (key.Key)
        {
            case ConsoleKey.UpArrow:
                Selected = (Selected + options.Count - 1) % options.Count;
                return PickOutcome.Pending;
            case ConsoleKey.DownArrow:
            case ConsoleKey.Tab:
                Selected = (Selected + 1) % options.Count;
                return PickOutcome.Pending;
            case ConsoleKey.Enter:
                return PickOutcome.Chosen;
            case ConsoleKey.Escape:
                return PickOutcome.Cancelled;
        }

        if (key.KeyChar is >= '1' and <= '9' && key.KeyChar - '1' < options.Count)
        {
            Selected = key.KeyChar - '1';
            return PickOutcome.Chosen;
        }

        if (shortcuts is not null && shortcuts.TryGetValue(char.ToLowerInvariant(key.KeyChar), out var index))
        {
            Selected = index;
            return PickOutcome.Chosen;
        }

        return PickOutcome.Pending;
    }

    public IReadOnlyList<StyledLine> Lines(string hint = "↑/↓ and Enter, or a number · Esc cancels")
    {
        var lines = new List<StyledLine> { new StyledLine().Add("? ", Tone.Warn).Add(title, Tone.Bold) };
        foreach (var detail in details ?? [])
        {
            lines.Add(new StyledLine().Add("  " + detail, Tone.Dim));
        }

        var first = Math.Clamp(Selected - MaxVisible / 2, 0, Math.Max(0, options.Count - MaxVisible));
        for (var i = first; i < Math.Min(options.Count, first + MaxVisible); i++)
        {
            var number = i < 9 ? $"{i + 1}. " : "   ";
            lines.Add(i == Selected
                ? new StyledLine().Add("› " + number + options[i], Tone.Selected)
                : new StyledLine().Add("  " + number + options[i]));
        }

        if (options.Count > MaxVisible)
        {
            lines.Add(new StyledLine().Add($"  ({options.Count} in all; ↑/↓ scrolls)", Tone.Dim));
        }

        lines.Add(new StyledLine().Add("  " + hint, Tone.Dim));
        return lines;
    }
}
