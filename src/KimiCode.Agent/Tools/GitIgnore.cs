namespace KimiCode.Agent.Tools;

/// <summary>
/// The rules of one <c>.gitignore</c> file: blank lines and <c>#</c> comments are skipped; <c>!</c> re-includes;
/// a trailing <c>/</c> matches directories only; a pattern with a slash elsewhere (a leading one included) is
/// anchored to the file's folder, one without matches a name at any depth; <c>*</c>, <c>?</c>, <c>**</c>,
/// classes and <c>{a,b}</c> as in <see cref="GlobPattern"/>. Within a file the last matching rule wins.
/// </summary>
internal sealed class GitIgnoreFile
{
    private readonly List<Rule> _rules;

    private GitIgnoreFile(string directory, List<Rule> rules)
    {
        Directory = directory;
        _rules = rules;
    }

    /// <summary>The folder the rules are relative to.</summary>
    public string Directory { get; }

    public static GitIgnoreFile Parse(string directory, string text)
    {
        var rules = new List<Rule>();
        foreach (var rawLine in text.Split('\n'))
        {
            var line = rawLine.TrimEnd('\r');
            if (line.Length == 0 || line[0] == '#')
            {
                continue;
            }

            line = TrimUnescapedTrailingSpaces(line);
            if (line.Length == 0)
            {
                continue;
            }

            var negated = false;
            if (line[0] == '!')
            {
                negated = true;
                line = line[1..];
            }
            else if (line.StartsWith("\\!", StringComparison.Ordinal) || line.StartsWith("\\#", StringComparison.Ordinal))
            {
                line = line[1..];
            }

            var directoryOnly = false;
            if (line.EndsWith('/') && !line.EndsWith("\\/", StringComparison.Ordinal))
            {
                directoryOnly = true;
                line = line.TrimEnd('/');
            }

            if (line.Length == 0)
            {
                continue;
            }

            if (GlobPattern.TryParse(line, floating: true, out var pattern, out _))
            {
                rules.Add(new Rule(pattern!, negated, directoryOnly));
            }

            // An invalid line (e.g. an unclosed '[') is skipped, as git and ripgrep do.
        }

        return new GitIgnoreFile(directory, rules);
    }

    /// <summary>Loads <paramref name="fileName"/> in <paramref name="directory"/>, or null when there is none (or it cannot be read).</summary>
    public static GitIgnoreFile? Load(string directory, string fileName = ".gitignore")
    {
        var path = Path.Combine(directory, fileName);
        try
        {
            if (!File.Exists(path))
            {
                return null;
            }

            var file = Parse(directory, File.ReadAllText(path));
            return file._rules.Count == 0 ? null : file;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    /// <summary>True (ignore), false (re-included by <c>!</c>) or null (no rule matches).</summary>
    public bool? Match(string fullPath, bool isDirectory)
    {
        if (!WorkspacePaths.IsUnder(fullPath, Directory) || fullPath.Length == Directory.Length)
        {
            return null;
        }

        var relative = Path.GetRelativePath(Directory, fullPath).Replace(Path.DirectorySeparatorChar, '/');
        for (var i = _rules.Count - 1; i >= 0; i--)
        {
            var rule = _rules[i];
            if (rule.DirectoryOnly && !isDirectory)
            {
                continue;
            }

            if (rule.Pattern.IsMatch(relative))
            {
                return !rule.Negated;
            }
        }

        return null;
    }

    private static string TrimUnescapedTrailingSpaces(string line)
    {
        var end = line.Length;
        while (end > 0 && line[end - 1] == ' ' && !(end > 1 && line[end - 2] == '\\'))
        {
            end--;
        }

        return line[..end];
    }

    private sealed record Rule(GlobPattern Pattern, bool Negated, bool DirectoryOnly);
}

/// <summary>
/// The <c>.gitignore</c> files that apply in one folder: its own and its ancestors' (deeper files win).
/// Immutable; <see cref="Enter"/> returns the stack for a subfolder.
/// </summary>
internal sealed class GitIgnoreStack
{
    private readonly GitIgnoreFile? _file;
    private readonly GitIgnoreStack? _parent;

    private GitIgnoreStack(GitIgnoreFile? file, GitIgnoreStack? parent)
    {
        _file = file;
        _parent = parent;
    }

    public static GitIgnoreStack Empty { get; } = new(null, null);

    /// <summary>
    /// The rules in force at <paramref name="root"/>: the <c>.gitignore</c> files of its ancestors, up to the
    /// nearest folder holding <c>.git</c> (the repository root), or up to the file-system root outside a repository.
    /// </summary>
    public static GitIgnoreStack ForRoot(string root)
    {
        var ancestors = new List<string>();
        for (var directory = Path.GetDirectoryName(root); directory is not null; directory = Path.GetDirectoryName(directory))
        {
            ancestors.Add(directory);
            if (IsRepositoryRoot(directory))
            {
                break;
            }
        }

        if (IsRepositoryRoot(root))
        {
            ancestors.Clear();
        }

        var stack = Empty;
        for (var i = ancestors.Count - 1; i >= 0; i--)
        {
            stack = stack.Enter(ancestors[i]);
        }

        return stack.Enter(root);
    }

    /// <summary>
    /// The stack for <paramref name="directory"/>, a child of the current folder: its <c>.gitignore</c>, then its
    /// <c>.rgignore</c> (which ripgrep always honours, so the built-in search does too; it wins over <c>.gitignore</c>).
    /// </summary>
    public GitIgnoreStack Enter(string directory)
    {
        var stack = this;
        foreach (var name in IgnoreFileNames)
        {
            if (GitIgnoreFile.Load(directory, name) is { } file)
            {
                stack = new GitIgnoreStack(file, stack);
            }
        }

        return stack;
    }

    private static readonly string[] IgnoreFileNames = [".gitignore", ".rgignore"];

    public bool IsIgnored(string fullPath, bool isDirectory)
    {
        for (var stack = this; stack is not null; stack = stack._parent)
        {
            if (stack._file?.Match(fullPath, isDirectory) is { } verdict)
            {
                return verdict;
            }
        }

        return false;
    }

    private static bool IsRepositoryRoot(string directory)
    {
        var git = Path.Combine(directory, ".git");
        return System.IO.Directory.Exists(git) || File.Exists(git);
    }
}
