using KimiCode.Protocol;

namespace KimiCode.Config.Toml;

/// <summary>
/// Edits TOML text in place: every change is a splice at positions the parser recorded, so comments,
/// blank lines, ordering, quoting and spacing everywhere else stay byte-for-byte as they were. The text is
/// re-parsed after each edit, so the editor always holds valid TOML.
/// </summary>
public sealed class TomlEditor
{

    private readonly string? _sourcePath;
    private List<TomlStatement> _statements = [];
    private TomlTable _document;

    /// <summary>Parses <paramref name="text"/>; throws <see cref="TomlException"/> when it is not valid TOML, before any edit.</summary>
    public TomlEditor(string text, string? sourcePath = null)
    {
        ArgumentNullException.ThrowIfNull(text);
        _sourcePath = sourcePath;
        Text = text;
        _document = TomlDocument.Parse(text, sourcePath, _statements);
    }

    /// <summary>The current text, with all edits applied.</summary>
    public string Text { get; private set; }

    /// <summary>The current value tree (re-parsed after each edit).</summary>
    public TomlTable Document => _document;

    /// <summary>"\r\n" when the file already uses CRLF line endings, so added lines match.</summary>
    private string Newline
    {
        get
        {
            var lf = Text.IndexOf('\n');
            return lf > 0 && Text[lf - 1] == '\r' ? "\r\n" : "\n";
        }
    }

    /// <summary>
    /// Sets <paramref name="keyPath"/> to <paramref name="value"/>: replaces just the value text of an existing key,
    /// appends the key after the last key of its table, or adds the table. A key that already holds an equal value is
    /// left exactly as written (its quoting, spacing and inline-table layout stay byte for byte).
    /// </summary>
    public void Set(IReadOnlyList<string> keyPath, object value)
    {
        ArgumentNullException.ThrowIfNull(keyPath);
        ArgumentOutOfRangeException.ThrowIfZero(keyPath.Count);
        var formatted = TomlWriter.FormatValue(value);

        if (Resolve(keyPath, out var current) == ResolveResult.Found && TomlValues.Same(current, TomlValues.Parse(formatted)))
        {
            // Already so, wherever it is written (even inside an inline table, which could not be edited).
            return;
        }

        var existing = FindKeyValue(keyPath);
        if (existing is not null)
        {
            Splice(existing.ValueStart, existing.ValueEnd, formatted);
            return;
        }

        if (Resolve(keyPath, out _) != ResolveResult.Missing)
        {
            throw Unsupported(keyPath, "it lives inside an inline table or an array of tables");
        }

        var parent = Slice(keyPath, 0, keyPath.Count - 1);
        var section = FindSection(parent);
        if (section is not null || parent.Length == 0)
        {
            InsertLineInSection(section, TomlWriter.FormatKeyPath([keyPath[^1]]) + " = " + formatted);
            return;
        }

        switch (Resolve(parent, out var parentValue))
        {
            case ResolveResult.Found when parentValue is TomlTable { Origin: TomlTableOrigin.DottedKeys }:
                // The table was made by dotted keys: add another dotted key in the section that defined it.
                var host = LongestHeaderPrefix(parent);
                var hostLength = host?.Path.Length ?? 0;
                var relative = Slice(keyPath, hostLength, keyPath.Count - hostLength);
                InsertLineInSection(host, TomlWriter.FormatKeyPath(relative) + " = " + formatted);
                return;
            case ResolveResult.Found when parentValue is TomlTable { Origin: TomlTableOrigin.Implicit }:
            case ResolveResult.Missing:
                AddTable(parent, TomlWriter.FormatKeyPath([keyPath[^1]]) + " = " + formatted);
                return;
            default:
                throw Unsupported(keyPath, "its parent is not a table that can be edited in place");
        }
    }

    /// <summary>Removes the line of key <paramref name="keyPath"/>; false when it does not exist.</summary>
    public bool Remove(IReadOnlyList<string> keyPath)
    {
        ArgumentNullException.ThrowIfNull(keyPath);
        var existing = FindKeyValue(keyPath);
        if (existing is null)
        {
            if (Resolve(keyPath, out _) != ResolveResult.Missing)
            {
                throw Unsupported(keyPath, "it lives inside an inline table or an array of tables");
            }

            return false;
        }

        Reparse(RemoveSpan(Text, existing.LineStart, existing.LineEnd));
        return true;
    }

    /// <summary>
    /// Removes table <paramref name="tablePath"/> with all its sub-tables: their sections (header, keys and the
    /// comment lines directly above the header) and any key lines under it written with dotted keys or inline.
    /// </summary>
    public bool RemoveTable(IReadOnlyList<string> tablePath)
    {
        ArgumentNullException.ThrowIfNull(tablePath);
        ArgumentOutOfRangeException.ThrowIfZero(tablePath.Count);
        var spans = new List<(int Start, int End)>();
        for (var i = 0; i < _statements.Count; i++)
        {
            var statement = _statements[i];
            if (!StartsWith(statement.Path, tablePath))
            {
                continue;
            }

            if (statement.Kind == TomlStatementKind.KeyValue)
            {
                if (!statement.InArrayTable)
                {
                    spans.Add((statement.LineStart, statement.LineEnd));
                }

                continue;
            }

            var next = i + 1;
            while (next < _statements.Count && _statements[next].Kind == TomlStatementKind.KeyValue)
            {
                next++;
            }

            var end = next < _statements.Count ? CommentBlockStart(_statements[next].LineStart) : Text.Length;
            spans.Add((CommentBlockStart(statement.LineStart), Math.Max(end, statement.LineEnd)));
        }

        if (spans.Count == 0)
        {
            return false;
        }

        spans.Sort((a, b) => a.Start.CompareTo(b.Start));
        var merged = new List<(int Start, int End)>();
        foreach (var span in spans)
        {
            if (merged.Count > 0 && span.Start <= merged[^1].End)
            {
                merged[^1] = (merged[^1].Start, Math.Max(merged[^1].End, span.End));
            }
            else
            {
                merged.Add(span);
            }
        }

        var text = Text;
        for (var i = merged.Count - 1; i >= 0; i--)
        {
            text = RemoveSpan(text, merged[i].Start, merged[i].End);
        }

        Reparse(text);
        return true;
    }

    /// <summary>
    /// Removes whole lines [<paramref name="start"/>, <paramref name="end"/>) without leaving stray blank lines at either
    /// end of the file: at the tail the blank lines that separated the removed part go too; at the head (after a
    /// byte-order mark) the blank lines that followed it do.
    /// </summary>
    private static string RemoveSpan(string text, int start, int end)
    {
        if (end >= text.Length)
        {
            start = BlankLinesStart(text, start);
        }

        var head = text.Length > 0 && text[0] == '\uFEFF' ? 1 : 0;
        if (start <= head)
        {
            end = BlankLinesEnd(text, end);
        }

        return string.Concat(text.AsSpan(0, start), text.AsSpan(end));
    }

    /// <summary>End of the run of blank lines starting at line start <paramref name="end"/>.</summary>
    private static int BlankLinesEnd(string text, int end)
    {
        while (end < text.Length)
        {
            var lf = text.IndexOf('\n', end);
            var lineEnd = lf < 0 ? text.Length : lf + 1;
            if (!text.AsSpan(end, lineEnd - end).Trim(" \t\r\n").IsEmpty)
            {
                break;
            }

            end = lineEnd;
        }

        return end;
    }

    /// <summary>Adds an empty <c>[table]</c> section unless the table already exists.</summary>
    public void EnsureTable(IReadOnlyList<string> tablePath)
    {
        ArgumentNullException.ThrowIfNull(tablePath);
        ArgumentOutOfRangeException.ThrowIfZero(tablePath.Count);
        switch (Resolve(tablePath, out var value))
        {
            case ResolveResult.Found when value is TomlTable:
                return;
            case ResolveResult.Missing:
                AddTable([.. tablePath], null);
                return;
            default:
                throw Unsupported(tablePath, "that key already holds a value that is not a table");
        }
    }

    /// <summary>1-based line of key <paramref name="keyPath"/>'s statement, or 0 when it is not a top-level key line.</summary>
    internal int LineOfKey(IReadOnlyList<string> keyPath)
    {
        var statement = FindKeyValue(keyPath);
        return statement is null ? 0 : Text.AsSpan(0, statement.LineStart).Count('\n') + 1;
    }

    private KimiCodeException Unsupported(IReadOnlyList<string> path, string why)
        => new(ConfigErrorCodes.EditUnsupported, $"{_sourcePath ?? "config"}: cannot edit '{TomlWriter.FormatKeyPath(path)}' in place because {why}; edit the file by hand.");

    private enum ResolveResult
    {
        Missing,
        Found,
        Blocked,
    }

    private ResolveResult Resolve(IReadOnlyList<string> path, out object? value)
    {
        value = null;
        object current = _document;
        foreach (var key in path)
        {
            if (current is not TomlTable table)
            {
                return ResolveResult.Blocked;
            }

            if (!table.TryGetValue(key, out var next))
            {
                return ResolveResult.Missing;
            }

            if (next is TomlArray { IsArrayOfTables: true })
            {
                return ResolveResult.Blocked;
            }

            current = next;
        }

        value = current;
        return ResolveResult.Found;
    }

    private TomlStatement? FindKeyValue(IReadOnlyList<string> path)
        => _statements.Find(s => s.Kind == TomlStatementKind.KeyValue && !s.InArrayTable && SamePath(s.Path, path));

    private TomlStatement? FindSection(string[] path)
        => path.Length == 0 ? null : _statements.Find(s => s.Kind == TomlStatementKind.Table && !s.InArrayTable && SamePath(s.Path, path));

    private TomlStatement? LongestHeaderPrefix(string[] path)
    {
        for (var length = path.Length - 1; length > 0; length--)
        {
            var found = FindSection(Slice(path, 0, length));
            if (found is not null)
            {
                return found;
            }
        }

        return null;
    }

    /// <summary>Appends a line after the last key of <paramref name="header"/>'s section (null = the root section).</summary>
    private void InsertLineInSection(TomlStatement? header, string line)
    {
        var nl = Newline;
        if (header is null)
        {
            var lastRootKey = -1;
            var firstHeader = -1;
            for (var i = 0; i < _statements.Count; i++)
            {
                if (_statements[i].Kind != TomlStatementKind.KeyValue)
                {
                    firstHeader = i;
                    break;
                }

                lastRootKey = i;
            }

            if (lastRootKey >= 0)
            {
                InsertAt(_statements[lastRootKey].LineEnd, line + nl);
            }
            else if (firstHeader >= 0)
            {
                // No root keys yet: they must come before the first header; keep a blank line between.
                var at = CommentBlockStart(_statements[firstHeader].LineStart);
                var separator = Text.AsSpan(at).StartsWith(nl, StringComparison.Ordinal) ? string.Empty : nl;
                InsertAt(at, line + nl + separator);
            }
            else
            {
                InsertAt(Text.Length, line + nl);
            }

            return;
        }

        var index = _statements.IndexOf(header);
        var last = header;
        for (var i = index + 1; i < _statements.Count && _statements[i].Kind == TomlStatementKind.KeyValue; i++)
        {
            last = _statements[i];
        }

        InsertAt(last.LineEnd, line + nl);
    }

    /// <summary>Adds <c>[path]</c> (and an optional first line) after its closest relatives (parent or siblings), or at the end.</summary>
    private void AddTable(string[] path, string? firstLine)
    {
        var nl = Newline;
        var block = "[" + TomlWriter.FormatKeyPath(path) + "]" + nl + (firstLine is null ? string.Empty : firstLine + nl);
        // Keep related tables together: after the last section that shares the longest leading part of the path.
        for (var length = path.Length - 1; length > 0; length--)
        {
            var prefix = path[..length];
            var last = _statements.FindLastIndex(s => s.Kind != TomlStatementKind.KeyValue && StartsWith(s.Path, prefix));
            if (last < 0)
            {
                continue;
            }

            var end = _statements[last].LineEnd;
            for (var i = last + 1; i < _statements.Count && _statements[i].Kind == TomlStatementKind.KeyValue; i++)
            {
                end = _statements[i].LineEnd;
            }

            InsertAt(end, nl + block);
            return;
        }

        if (Text.Length == 0)
        {
            Reparse(block);
            return;
        }

        var endsWithBlankLine = Text.EndsWith(nl + nl, StringComparison.Ordinal) || Text == nl;
        InsertAt(Text.Length, (endsWithBlankLine ? string.Empty : nl) + block);
    }

    /// <summary>Inserts text at a line boundary, first ending an unterminated last line.</summary>
    private void InsertAt(int position, string insertion)
    {
        if (position == 0 && Text.Length > 0 && Text[0] == '\uFEFF')
        {
            // A byte-order mark must stay first.
            position = 1;
        }

        if (position > 0 && position == Text.Length && Text[^1] != '\n')
        {
            insertion = Newline + insertion;
        }

        Splice(position, position, insertion);
    }

    private void Splice(int start, int end, string replacement)
        => Reparse(string.Concat(Text.AsSpan(0, start), replacement, Text.AsSpan(end)));

    private void Reparse(string text)
    {
        var statements = new List<TomlStatement>();
        _document = TomlDocument.Parse(text, _sourcePath, statements);
        _statements = statements;
        Text = text;
    }

    /// <summary>Start of the run of comment lines directly above the line starting at <paramref name="lineStart"/>.</summary>
    private int CommentBlockStart(int lineStart)
    {
        var start = lineStart;
        while (start > 0)
        {
            var previous = PreviousLineStart(Text, start);
            if (!Text.AsSpan(previous, start - 1 - previous).TrimStart(" \t").StartsWith("#"))
            {
                break;
            }

            start = previous;
        }

        return start;
    }

    private static int BlankLinesStart(string text, int start)
    {
        while (start > 0 && text[start - 1] == '\n')
        {
            var previous = PreviousLineStart(text, start);
            if (!text.AsSpan(previous, start - 1 - previous).Trim(" \t\r").IsEmpty)
            {
                break;
            }

            start = previous;
        }

        return start;
    }

    /// <summary>Start of the line before the one starting at <paramref name="lineStart"/> (which follows a '\n').</summary>
    private static int PreviousLineStart(string text, int lineStart)
        => lineStart < 2 ? 0 : text.LastIndexOf('\n', lineStart - 2) + 1;

    private static bool SamePath(string[] a, IReadOnlyList<string> b)
    {
        if (a.Length != b.Count)
        {
            return false;
        }

        for (var i = 0; i < a.Length; i++)
        {
            if (!string.Equals(a[i], b[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static bool StartsWith(string[] path, IReadOnlyList<string> prefix)
    {
        if (path.Length < prefix.Count)
        {
            return false;
        }

        for (var i = 0; i < prefix.Count; i++)
        {
            if (!string.Equals(path[i], prefix[i], StringComparison.Ordinal))
            {
                return false;
            }
        }

        return true;
    }

    private static string[] Slice(IReadOnlyList<string> path, int start, int length)
    {
        var result = new string[length];
        for (var i = 0; i < length; i++)
        {
            result[i] = path[start + i];
        }

        return result;
    }
}
