using KimiCode.Agent.Mentions;

namespace KimiCode.Cli.Shell.Mentions;

/// <summary>
/// The <c>@path</c> completion list of the input line: while the word at the cursor starts with <c>@</c> it offers
/// the files and folders of the working folder that match what follows (<see cref="WorkspaceFileIndex.Match"/>). The
/// folder is walked once per prompt, when the first <c>@</c> is typed (<see cref="Reset"/> forgets it). Up/Down move,
/// Tab/Enter accept (a folder keeps the list open for what is inside), Esc closes it until the word changes.
/// </summary>
internal sealed class MentionCompleter(Func<string?> workDir, int walkLimit = WorkspaceFileIndex.DefaultLimit)
{
    /// <summary>How many entries the list shows.</summary>
    public const int Shown = 8;

    private WorkspaceFileIndex? _index;
    private string? _indexedFolder;
    private int _dismissedAt = -1;
    private string? _dismissedWord;

    /// <summary>The entries shown (empty when the list is closed).</summary>
    public IReadOnlyList<MentionCandidate> Items { get; private set; } = [];

    /// <summary>The highlighted entry.</summary>
    public int Selected { get; private set; }

    /// <summary>Where the <c>@</c> word starts in the input (valid while <see cref="IsOpen"/>).</summary>
    public int WordStart { get; private set; }

    /// <summary>The <c>@</c> word up to the cursor, <c>@</c> included.</summary>
    public string Word { get; private set; } = string.Empty;

    public bool IsOpen => Items.Count > 0;

    /// <summary>A new prompt: the folder is walked again on the next <c>@</c>.</summary>
    public void Reset()
    {
        _index = null;
        Items = [];
        _dismissedAt = -1;
        _dismissedWord = null;
    }

    /// <summary>Recomputes the list for <paramref name="text"/> with the cursor at <paramref name="cursor"/>.</summary>
    public void Update(string text, int cursor)
    {
        Items = [];
        Selected = 0;
        if (FindWord(text, cursor) is not { } start)
        {
            return;
        }

        WordStart = start;
        Word = text[start..cursor];
        if (start == _dismissedAt && Word == _dismissedWord)
        {
            return;
        }

        var query = Word[1..].Trim('"');
        if (Index() is { } index)
        {
            // A word that already names a file is complete (Enter sends); a folder it names lists what is inside.
            var matches = index.Match(query, Shown + 1);
            Items = matches.Any(e => !e.IsDirectory && e.Path.Equals(query, StringComparison.OrdinalIgnoreCase))
                ? []
                : [.. matches.Where(e => !e.Path.Equals(query, StringComparison.OrdinalIgnoreCase)).Take(Shown)];
        }
    }

    /// <summary>Moves the highlight (wrapping around).</summary>
    public void Move(int delta)
    {
        if (Items.Count > 0)
        {
            Selected = ((Selected + delta) % Items.Count + Items.Count) % Items.Count;
        }
    }

    /// <summary>Closes the list until the word at the cursor changes.</summary>
    public void Dismiss()
    {
        _dismissedAt = WordStart;
        _dismissedWord = Word;
        Items = [];
    }

    /// <summary>What the highlighted entry replaces the word with: <c>@path</c> (quoted when it has spaces), a file followed by a space.</summary>
    public string Accepted()
    {
        var entry = Items[Selected];
        var path = entry.Path.Any(char.IsWhiteSpace) ? $"\"{entry.Path}\"" : entry.Path;
        return "@" + path + (entry.IsDirectory ? string.Empty : " ");
    }

    /// <summary>The start of the <c>@</c> word that ends at <paramref name="cursor"/>, or null when the cursor is not in one.</summary>
    private static int? FindWord(string text, int cursor)
    {
        var start = cursor;
        while (start > 0 && !char.IsWhiteSpace(text[start - 1]))
        {
            start--;
        }

        // The word must begin with @ and the cursor must be at its end (completing in the middle of a word would split it).
        var atEnd = cursor == text.Length || char.IsWhiteSpace(text[cursor]);
        return start < cursor && text[start] == '@' && atEnd && !text.AsSpan(start + 1, cursor - start - 1).Contains('@') ? start : null;
    }

    private WorkspaceFileIndex? Index()
    {
        var folder = workDir();
        if (string.IsNullOrEmpty(folder) || !Directory.Exists(folder))
        {
            return null;
        }

        if (_index is null || _indexedFolder != folder)
        {
            _index = WorkspaceFileIndex.Build(folder, walkLimit);
            _indexedFolder = folder;
        }

        return _index;
    }
}
