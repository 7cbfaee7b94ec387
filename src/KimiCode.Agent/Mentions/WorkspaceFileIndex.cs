using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Mentions;

/// <summary>One file or folder an <c>@</c> mention can name: its path relative to the root, forward slashes, a folder ending in <c>/</c>.</summary>
public sealed record MentionCandidate(string Path, bool IsDirectory);

/// <summary>
/// The files and folders under a working folder that <c>@</c> completion offers: <c>.gitignore</c> respected,
/// <c>.git</c> and symbolic links skipped, at most <see cref="DefaultLimit"/> files (the walk stops there, so a huge
/// repository stays responsive). Built once per prompt by the shell.
/// </summary>
public sealed class WorkspaceFileIndex
{
    /// <summary>How many files a walk takes before it stops.</summary>
    public const int DefaultLimit = 20_000;

    private readonly List<MentionCandidate> _entries;

    private WorkspaceFileIndex(List<MentionCandidate> entries, bool truncated)
    {
        _entries = entries;
        Truncated = truncated;
    }

    /// <summary>Every file and folder found, level by level, each folder's entries in ordinal order.</summary>
    public IReadOnlyList<MentionCandidate> Entries => _entries;

    /// <summary>True when the walk stopped at its limit (some files are not offered).</summary>
    public bool Truncated { get; }

    /// <summary>Walks <paramref name="root"/> (breadth first, so a limit cuts the deepest files, not whole folders late in the alphabet).</summary>
    public static WorkspaceFileIndex Build(string root, int limit = DefaultLimit, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrEmpty(root);
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);
        var entries = new List<MentionCandidate>();
        var files = 0;
        var truncated = false;
        var levels = new Queue<(DirectoryInfo Folder, GitIgnoreStack Ignore)>();
        levels.Enqueue((new DirectoryInfo(root), GitIgnoreStack.ForRoot(root)));
        var options = new EnumerationOptions { IgnoreInaccessible = true, RecurseSubdirectories = false, ReturnSpecialDirectories = false, AttributesToSkip = 0 };
        while (levels.Count > 0 && !truncated)
        {
            cancellationToken.ThrowIfCancellationRequested();
            var (folder, ignore) = levels.Dequeue();
            FileSystemInfo[] children;
            try
            {
                children = folder.GetFileSystemInfos("*", options);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            Array.Sort(children, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
            foreach (var child in children)
            {
                var isDirectory = child is DirectoryInfo;
                if (child.Name == ".git" || child.LinkTarget is not null || ignore.IsIgnored(child.FullName, isDirectory))
                {
                    continue;
                }

                var relative = System.IO.Path.GetRelativePath(root, child.FullName).Replace(System.IO.Path.DirectorySeparatorChar, '/');
                if (child is DirectoryInfo directory)
                {
                    entries.Add(new MentionCandidate(relative + "/", true));
                    levels.Enqueue((directory, ignore.Enter(directory.FullName)));
                }
                else if (++files > limit)
                {
                    truncated = true;
                    break;
                }
                else
                {
                    entries.Add(new MentionCandidate(relative, false));
                }
            }
        }

        return new WorkspaceFileIndex(entries, truncated);
    }

    /// <summary>
    /// The entries that match <paramref name="query"/> (what follows the <c>@</c>), best first, at most
    /// <paramref name="limit"/>: the path starts with it, then its last name does, then the path contains it, then its
    /// characters appear in order (fuzzy); ties go to the shallower, then the shorter path. Case is ignored. An empty
    /// query lists the top level.
    /// </summary>
    public IReadOnlyList<MentionCandidate> Match(string query, int limit)
    {
        ArgumentNullException.ThrowIfNull(query);
        if (query.Length == 0)
        {
            return [.. _entries.Where(static e => Depth(e.Path) == 0).Take(limit)];
        }

        var scored = new List<(MentionCandidate Entry, int Score)>();
        foreach (var entry in _entries)
        {
            if (Score(entry.Path, query) is { } score)
            {
                scored.Add((entry, score));
            }
        }

        return [.. scored
            .OrderBy(static s => s.Score)
            .ThenBy(static s => Depth(s.Entry.Path))
            .ThenBy(static s => s.Entry.Path.Length)
            .ThenBy(static s => s.Entry.Path, StringComparer.Ordinal)
            .Take(limit)
            .Select(static s => s.Entry)];
    }

    /// <summary>Lower is better; null when <paramref name="query"/> does not match at all.</summary>
    private static int? Score(string path, string query)
    {
        const StringComparison IgnoreCase = StringComparison.OrdinalIgnoreCase;
        if (path.StartsWith(query, IgnoreCase))
        {
            return 0;
        }

        var trimmed = path.TrimEnd('/');
        var name = trimmed[(trimmed.LastIndexOf('/') + 1)..];
        if (name.StartsWith(query, IgnoreCase))
        {
            return 1;
        }

        if (path.Contains(query, IgnoreCase))
        {
            return 2;
        }

        // Fuzzy: every query character in order; fewer skipped characters between them ranks higher.
        var at = 0;
        var gaps = 0;
        foreach (var c in query)
        {
            var found = path.IndexOf(c.ToString(), at, IgnoreCase);
            if (found < 0)
            {
                return null;
            }

            gaps += found - at;
            at = found + 1;
        }

        return 3 + Math.Min(gaps, 1000);
    }

    private static int Depth(string path) => path.TrimEnd('/').Count(static c => c == '/');
}
