namespace KimiCode.Agent.Tools;

/// <summary>What a filter says about one entry during a walk.</summary>
internal enum WalkVerdict
{
    /// <summary>No opinion: the ignore rules decide.</summary>
    Default,

    /// <summary>Take the entry even if an ignore rule matches.</summary>
    Include,

    /// <summary>Skip the entry (and, for a folder, everything below it).</summary>
    Exclude,
}

/// <summary>How to walk a folder tree.</summary>
internal sealed class WalkOptions
{
    /// <summary>Apply <c>.gitignore</c> files of the tree (and its ancestors up to the repository root).</summary>
    public bool RespectGitIgnore { get; init; }

    /// <summary>Decides per entry before the ignore rules; gets the path relative to the root (forward slashes) and whether it is a folder.</summary>
    public Func<string, bool, WalkVerdict>? Filter { get; init; }

    /// <summary>How many folder levels to descend below the root (null: no limit).</summary>
    public int? MaxDepth { get; init; }
}

/// <summary>
/// Walks a folder tree depth-first, entries of each folder in ordinal name order (files and folders mixed,
/// the order <c>rg --sort path</c> uses). Skips <c>.git</c>, symbolic links and unreadable folders.
/// </summary>
internal static class FileWalker
{
    private static readonly EnumerationOptions Enumeration = new()
    {
        IgnoreInaccessible = true,
        RecurseSubdirectories = false,
        ReturnSpecialDirectories = false,
        AttributesToSkip = 0,
    };

    public static IEnumerable<FileInfo> EnumerateFiles(string root, WalkOptions options, CancellationToken cancellationToken)
    {
        var ignore = options.RespectGitIgnore ? GitIgnoreStack.ForRoot(root) : GitIgnoreStack.Empty;
        return Walk(new DirectoryInfo(root), root, ignore, 0, options, cancellationToken);
    }

    private static IEnumerable<FileInfo> Walk(DirectoryInfo directory, string root, GitIgnoreStack ignore, int depth, WalkOptions options, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        FileSystemInfo[] entries;
        try
        {
            entries = directory.GetFileSystemInfos("*", Enumeration);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            yield break;
        }

        Array.Sort(entries, static (a, b) => string.CompareOrdinal(a.Name, b.Name));
        foreach (var entry in entries)
        {
            if (entry.Name == ".git" || entry.LinkTarget is not null)
            {
                continue;
            }

            var isDirectory = entry is DirectoryInfo;
            var verdict = WalkVerdict.Default;
            if (options.Filter is not null)
            {
                var relative = Path.GetRelativePath(root, entry.FullName).Replace(Path.DirectorySeparatorChar, '/');
                verdict = options.Filter(relative, isDirectory);
            }

            if (verdict == WalkVerdict.Exclude || (verdict == WalkVerdict.Default && options.RespectGitIgnore && ignore.IsIgnored(entry.FullName, isDirectory)))
            {
                continue;
            }

            if (entry is DirectoryInfo child)
            {
                if (options.MaxDepth is { } max && depth >= max)
                {
                    continue;
                }

                var childIgnore = options.RespectGitIgnore ? ignore.Enter(child.FullName) : ignore;
                foreach (var file in Walk(child, root, childIgnore, depth + 1, options, cancellationToken))
                {
                    yield return file;
                }
            }
            else if (entry is FileInfo file)
            {
                yield return file;
            }
        }
    }
}
