namespace KimiCode.Agent.Tools;

/// <summary>A path argument resolved against the workspace.</summary>
/// <param name="FullPath">Absolute, with <c>..</c> and <c>.</c> resolved.</param>
/// <param name="Subject">Relative to the working directory with forward slashes, or <see cref="FullPath"/> when outside it.</param>
internal sealed record ResolvedPath(string FullPath, string Subject);

/// <summary>Resolves path arguments and tells whether a path lies inside the workspace.</summary>
internal static class WorkspacePaths
{
    /// <summary>
    /// Resolves <paramref name="raw"/> (absolute, or relative to <paramref name="workingDirectory"/>).
    /// Returns null with <paramref name="error"/> set for a path that cannot name a file at all.
    /// </summary>
    public static ResolvedPath? Resolve(string raw, string argumentName, string workingDirectory, out string? error)
    {
        error = null;
        if (string.IsNullOrWhiteSpace(raw))
        {
            error = $"argument '{argumentName}' must not be empty; give an absolute path or one relative to {workingDirectory}.";
            return null;
        }

        if (raw.Contains('\0', StringComparison.Ordinal))
        {
            error = $"argument '{argumentName}' contains a NUL character, which no file name can hold.";
            return null;
        }

        string full;
        try
        {
            full = Path.GetFullPath(Path.IsPathRooted(raw) ? raw : Path.Combine(workingDirectory, raw));
        }
        catch (Exception ex) when (ex is ArgumentException or NotSupportedException or PathTooLongException)
        {
            error = $"argument '{argumentName}' is not a valid path ({ex.Message}).";
            return null;
        }

        full = TrimTrailingSeparator(full);
        return new ResolvedPath(full, SubjectOf(full, workingDirectory));
    }

    /// <summary>The path relative to the working directory with forward slashes (<c>.</c> for the directory itself), or the absolute path when outside.</summary>
    public static string SubjectOf(string fullPath, string workingDirectory)
    {
        var root = Normalize(workingDirectory);
        if (!IsUnder(fullPath, root))
        {
            return fullPath;
        }

        var relative = Path.GetRelativePath(root, fullPath);
        return relative.Replace(Path.DirectorySeparatorChar, '/');
    }

    /// <summary>The path as the model and the user see it: relative when inside the working directory.</summary>
    public static string Display(string fullPath, string workingDirectory) => SubjectOf(fullPath, workingDirectory);

    /// <summary>
    /// True when <paramref name="fullPath"/> is inside one of <paramref name="roots"/>, both as written and
    /// after resolving symbolic links (a link inside the workspace that points out of it does not count as inside).
    /// A path whose links cannot be resolved (a loop) is not inside.
    /// </summary>
    public static bool IsInside(string fullPath, IEnumerable<string> roots)
    {
        var lexical = TrimTrailingSeparator(Path.GetFullPath(fullPath));
        return RealPath(lexical) is { } real && IsInside(lexical, real, roots);
    }

    /// <summary>True when both <paramref name="lexical"/> (as written) and <paramref name="real"/> (links resolved) are inside one of <paramref name="roots"/>.</summary>
    internal static bool IsInside(string lexical, string real, IEnumerable<string> roots)
    {
        bool lexicalInside = false, realInside = false;
        foreach (var root in roots)
        {
            if (string.IsNullOrEmpty(root))
            {
                continue;
            }

            var normalizedRoot = Normalize(root);
            var realRoot = RealPath(normalizedRoot) ?? normalizedRoot;
            lexicalInside |= IsUnder(lexical, normalizedRoot) || IsUnder(lexical, realRoot);
            realInside |= IsUnder(real, realRoot) || IsUnder(real, normalizedRoot);
        }

        return lexicalInside && realInside;
    }

    public static bool IsUnder(string path, string root)
    {
        if (root.Length > 1 && root.EndsWith(Path.DirectorySeparatorChar))
        {
            root = root[..^1];
        }

        if (path.Length == root.Length)
        {
            return string.Equals(path, root, StringComparison.Ordinal);
        }

        if (root == "/")
        {
            return path.StartsWith('/');
        }

        return path.Length > root.Length
            && path.StartsWith(root, StringComparison.Ordinal)
            && path[root.Length] == Path.DirectorySeparatorChar;
    }

    public static string Normalize(string directory) => TrimTrailingSeparator(Path.GetFullPath(directory));

    private static string TrimTrailingSeparator(string path)
    {
        var root = Path.GetPathRoot(path) ?? "";
        while (path.Length > root.Length && (path.EndsWith(Path.DirectorySeparatorChar) || path.EndsWith(Path.AltDirectorySeparatorChar)))
        {
            path = path[..^1];
        }

        return path;
    }

    /// <summary>How many symbolic links one resolution may follow before it is treated as a loop (Linux's limit).</summary>
    private const int MaxLinkHops = 40;

    /// <summary>
    /// The real path of <paramref name="fullPath"/> (absolute): every symbolic link along it resolved, at any
    /// component, and <c>..</c> after a link applied to the link's target, as the kernel does. For a path that does
    /// not exist yet, the deepest existing ancestor is resolved and the rest appended as written; a dangling link
    /// resolves to where it points. Null when it cannot be resolved: a symbolic link loop (more than 40 links), or a
    /// link that cannot be read.
    /// </summary>
    internal static string? RealPath(string fullPath)
    {
        try
        {
            var root = Path.GetPathRoot(fullPath);
            if (string.IsNullOrEmpty(root))
            {
                return null;
            }

            var pending = new Stack<string>(Split(fullPath[root.Length..]).Reverse());
            var current = root;
            var hops = 0;
            var missing = false;
            while (pending.Count > 0)
            {
                var part = pending.Pop();
                if (part == ".")
                {
                    continue;
                }

                if (part == "..")
                {
                    current = Path.GetDirectoryName(current) ?? current;
                    continue;
                }

                var next = Path.Combine(current, part);
                if (missing)
                {
                    current = next;
                    continue;
                }

                var info = new FileInfo(next);
                var attributes = info.Attributes; // throws for an entry that exists but cannot be inspected
                if (attributes == (FileAttributes)(-1))
                {
                    // Nothing below a missing entry can be a link: the rest is kept as written.
                    missing = true;
                    current = next;
                    continue;
                }

                if ((attributes & FileAttributes.ReparsePoint) == 0)
                {
                    current = next;
                    continue;
                }

                var target = info.LinkTarget;
                if (string.IsNullOrEmpty(target))
                {
                    return null;
                }

                if (++hops > MaxLinkHops)
                {
                    return null;
                }

                foreach (var segment in Split(target).Reverse())
                {
                    pending.Push(segment);
                }

                if (Path.IsPathRooted(target))
                {
                    current = Path.GetPathRoot(target) ?? root;
                }
            }

            return TrimTrailingSeparator(current);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
        {
            return null;
        }
    }

    private static string[] Split(string path)
        => path.Split([Path.DirectorySeparatorChar, Path.AltDirectorySeparatorChar], StringSplitOptions.RemoveEmptyEntries);
}
