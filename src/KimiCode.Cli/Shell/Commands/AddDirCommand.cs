using KimiCode.Config;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/add-dir [folder]</c>: adds a folder to the workspace (the agent works there as in the working folder; the
/// conversation goes on); alone, lists the workspace's folders. Same as <c>--add-dir</c> at start.
/// </summary>
internal sealed class AddDirCommand : IShellCommand
{
    public string Name => "add-dir";

    public string ArgumentHint => "[folder]";

    public string Help => "add a folder to the workspace, or list the workspace's folders";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var given = arguments.Trim();
        if (given.Length == 0)
        {
            context.Screen.Gap();
            context.Screen.Line("Workspace: " + string.Join(", ", [context.WorkDir, .. context.AdditionalDirectories]), ShellStyles.Dim);
            return CommandResult.Continue;
        }

        var home = context.Environment.GetVariable("HOME") ?? Environment.GetFolderPath(Environment.SpecialFolder.UserProfile);
        var full = Path.TrimEndingDirectorySeparator(Path.GetFullPath(KimiHome.ExpandTilde(given, home), context.WorkDir));
        if (!Directory.Exists(full))
        {
            context.Renderer.WriteError(KimiCode.Hosting.CliErrorCodes.Usage, $"'{given}' is not an existing folder; create it or give another.");
            return CommandResult.Continue;
        }

        if (full == context.WorkDir || context.AdditionalDirectories.Contains(full, StringComparer.Ordinal))
        {
            context.Screen.Line($"{full} is already in the workspace.", ShellStyles.Dim);
            return CommandResult.Continue;
        }

        context.AdditionalDirectories.Add(full);
        await context.ReopenAsync(cancellationToken).ConfigureAwait(false);
        context.Screen.Line($"Added {full} to the workspace" + (context.Session is null ? "." : " (the conversation goes on)."), ShellStyles.Good);
        return CommandResult.Continue;
    }
}
