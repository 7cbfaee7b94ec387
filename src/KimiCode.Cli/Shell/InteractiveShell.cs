namespace KimiCode.Cli.Shell;

/// <summary><c>kimi</c> on a terminal: the interactive shell (see docs/shell.md).</summary>
internal static class InteractiveShell
{
    public static async Task<int> RunAsync(CliEnvironment env, ShellOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(env);
        ArgumentNullException.ThrowIfNull(options);
        using var terminal = new SystemTerminal(env);
        await using var shell = new ShellApp(env, terminal, options, env.TimeProvider);
        return await shell.RunAsync(cancellationToken).ConfigureAwait(false);
    }
}
