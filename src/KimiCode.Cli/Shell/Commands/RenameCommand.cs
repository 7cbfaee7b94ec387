using KimiCode.Agent;
using KimiCode.Hosting;

namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/rename &lt;title&gt;</c> (<c>/title</c>): the title listings and pickers show for this session; without an argument, the current one.</summary>
internal sealed class RenameCommand : IShellCommand
{
    /// <summary>The longest title accepted (the official client's limit).</summary>
    public const int MaxLength = 200;

    public string Name => "rename";

    public IReadOnlyList<string> Aliases => ["title"];

    public string ArgumentHint => "[title]";

    public string Help => "name this session (listings and /resume show it); without a title, show the current one";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var title = string.Join(' ', arguments.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries)); // one line, single spaces
        if (title.Length == 0)
        {
            context.Screen.Line(context.Session?.Title is { } current
                ? $"This session is called \"{current}\"; /rename <title> changes it."
                : "This session has no title yet (its first prompt gives it one); /rename <title> sets one.", ShellStyles.Dim);
            return CommandResult.Continue;
        }

        if (title.Length > MaxLength)
        {
            context.Renderer.WriteError(CliErrorCodes.Usage, $"A title has at most {MaxLength} characters, and this one has {title.Length}; give a shorter one.");
            return CommandResult.Continue;
        }

        // Before the first prompt there is no session yet: it starts now, with this title.
        if (await context.EnsureSessionAsync(cancellationToken).ConfigureAwait(false) is not { } session)
        {
            return CommandResult.Continue;
        }

        try
        {
            session.Rename(title);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Renderer.WriteError(SessionErrorCodes.WriteFailed, $"Could not write the title to the session file: {ex.Message} Free disk space or fix the permissions of {context.Factory.Store.Home.SessionsDir}.");
            return CommandResult.Continue;
        }

        context.Screen.Line($"Session {session.Id} is now called \"{title}\".", ShellStyles.Dim);
        return CommandResult.Continue;
    }
}
