namespace KimiCode.Agent.Permissions.Shell;

/// <summary>One redirection: its operator (<c>&gt;</c>, <c>2&gt;&gt;</c>, <c>&amp;&gt;</c>, <c>&lt;</c>, ...) and target after quote removal.</summary>
/// <param name="Operator">The operator as written, fd number included.</param>
/// <param name="Target">The target word after quote removal (for a here-document, its delimiter).</param>
/// <param name="Literal">False when the target has an expansion, a substitution, a glob or a leading <c>~</c>: where it points is not known before it runs.</param>
internal sealed record ShellRedirect(string Operator, string Target, bool Literal)
{
    /// <summary>True when the redirection may write to a file (not a read, a here-document or an fd duplication).</summary>
    public bool Writes
    {
        get
        {
            if (!Operator.Contains('>', StringComparison.Ordinal))
            {
                return false;
            }

            // >&2, 2>&1, >&- duplicate or close a descriptor; >&file writes to the file.
            if (Operator.EndsWith(">&", StringComparison.Ordinal) && Literal && (Target == "-" || (Target.Length > 0 && Target.All(char.IsAsciiDigit))))
            {
                return false;
            }

            return true;
        }
    }
}

/// <summary>
/// One simple command of a command line, after quote removal and with wrappers (<c>env</c>, <c>sudo</c>, <c>nohup</c>,
/// ...) unwrapped to the command they run.
/// </summary>
internal sealed class ShellCommand
{
    /// <summary>Creates a command.</summary>
    public ShellCommand(IReadOnlyList<string> views, string allowText, bool openArguments, IReadOnlyList<ShellRedirect> redirects)
    {
        Views = views;
        AllowText = allowText;
        OpenArguments = openArguments;
        Redirects = redirects;
    }

    /// <summary>
    /// Every way of writing the command a deny or ask rule is matched against: the command that runs (program reduced
    /// to its file name, words joined by single spaces), the same with the program as written, and each wrapper layer.
    /// </summary>
    public IReadOnlyList<string> Views { get; }

    /// <summary>
    /// The text an allow rule must match: harmless wrappers (<c>command</c>, <c>nohup</c>, <c>time</c>, ...) removed, but
    /// leading <c>VAR=value</c> assignments and privilege or environment wrappers (<c>sudo</c>, <c>env X=1</c>) kept; the
    /// program is reduced to its name only when it lives in a system bin folder (<c>/usr/bin/ls</c> is <c>ls</c>,
    /// <c>./ls</c> stays <c>./ls</c>).
    /// </summary>
    public string AllowText { get; }

    /// <summary>True when the command gets more arguments at run time (<c>xargs cmd</c>, <c>find -exec cmd {} +</c>).</summary>
    public bool OpenArguments { get; }

    /// <summary>The command's redirections.</summary>
    public IReadOnlyList<ShellRedirect> Redirects { get; }

    /// <inheritdoc />
    public override string ToString() => Views.Count > 0 ? Views[0] : AllowText;
}

/// <summary>A parsed command line: every simple command (nested ones included), every redirection, and whether it all parsed.</summary>
internal sealed class ShellParse
{
    /// <summary>Creates a parse result.</summary>
    public ShellParse(IReadOnlyList<ShellCommand> commands, IReadOnlyList<ShellRedirect> redirects, string? problem, bool changesDirectory, bool truncated)
    {
        Truncated = truncated;
        Commands = commands;
        Redirects = redirects;
        Problem = problem;
        ChangesDirectory = changesDirectory;
    }

    /// <summary>Every simple command, nested ones (<c>$(…)</c>, backquotes, <c>bash -c</c>, <c>xargs</c>, <c>find -exec</c>) included.</summary>
    public IReadOnlyList<ShellCommand> Commands { get; }

    /// <summary>Every redirection of the line, those of groups and subshells included.</summary>
    public IReadOnlyList<ShellRedirect> Redirects { get; }

    /// <summary>The first thing that could not be classified (control flow, <c>eval</c>, a computed program name, ...), or null.</summary>
    public string? Problem { get; }

    /// <summary>
    /// True when part of the line was not examined at all (longer than <see cref="ShellParser.MaxLength"/>, nested deeper
    /// than <see cref="ShellParser.MaxDepth"/>): deny and ask rules then match, since what they would catch may be in it.
    /// </summary>
    public bool Truncated { get; }

    /// <summary>True when the line parsed fully and every command was classified.</summary>
    public bool Complete => Problem is null;

    /// <summary>True when the line changes directory (<c>cd</c>, <c>pushd</c>, <c>popd</c>): relative redirection targets are then not known.</summary>
    public bool ChangesDirectory { get; }
}
