namespace KimiCode.Cli.Shell.Commands;

/// <summary>What the shell does after a command.</summary>
internal enum CommandResult
{
    Continue,
    Exit,
}

/// <summary>
/// A slash command. Add it to the shell's <see cref="CommandSet"/>: <c>/help</c>, Tab completion and dispatch all
/// come from there. It reaches the shell only through the <see cref="ShellContext"/> it is given.
/// </summary>
internal interface IShellCommand
{
    /// <summary>The name without its slash, in lower case: <c>model</c>, <c>skill:review</c>.</summary>
    string Name { get; }

    /// <summary>Other names that run it (<c>quit</c> for <c>exit</c>); neither listed nor completed.</summary>
    IReadOnlyList<string> Aliases => [];

    /// <summary>What <c>/help</c> shows after the name (<c>[alias]</c>); empty when it takes no argument.</summary>
    string ArgumentHint => string.Empty;

    /// <summary>One line for <c>/help</c>.</summary>
    string Help { get; }

    /// <summary>Runs the command with the rest of the line (trimmed; empty when there is none).</summary>
    Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken);
}
