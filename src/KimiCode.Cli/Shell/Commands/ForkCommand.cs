using KimiCode.Agent;
using KimiCode.Agent.Sessions;
using KimiCode.Protocol;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/fork</c>: copies this session's conversation under a new id (titled "… (fork)") and stays in this one, as the
/// official client does; the copy is resumed with <c>/resume</c> or <c>kimi -r</c>, and goes its own way from there.
/// </summary>
internal sealed class ForkCommand : IShellCommand
{
    public string Name => "fork";

    public string Help => "copy this conversation into a new session (you stay here; /resume switches to the copy)";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        if (context.Session is not { History.Count: > 0 } session)
        {
            context.Screen.Line("Nothing to fork yet: the session starts with your first prompt.", ShellStyles.Dim);
            return Task.FromResult(CommandResult.Continue);
        }

        var store = context.Factory.Store;
        string? forkId;
        try
        {
            forkId = store.Fork(session.Id, context.WorkDir, context.Environment.TimeProvider.GetUtcNow(), session.Title is { } title ? Titled(title) : null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            context.Renderer.WriteError(SessionErrorCodes.WriteFailed, $"Could not write the copy: {ex.Message} Free disk space or fix the permissions of {store.Home.SessionsDir}.");
            return Task.FromResult(CommandResult.Continue);
        }
        catch (KimiCodeException ex)
        {
            context.Renderer.WriteError(ex.Code, ex.Message);
            return Task.FromResult(CommandResult.Continue);
        }

        if (forkId is null)
        {
            context.Renderer.WriteError(SessionErrorCodes.NotFound, $"Session {session.Id} is no longer on disk, so it cannot be forked; `kimi sessions list` shows what is there.");
            return Task.FromResult(CommandResult.Continue);
        }

        store.Release(forkId); // this shell stays in the original: anyone may open the copy
        var shortId = Cli.Commands.SessionsCommand.ShortId(store, forkId);
        context.Screen.Line($"Forked into session {forkId} ({session.History.Count} messages); you are still in {session.Id}.", ShellStyles.Dim);
        context.Screen.Line($"Switch with /resume {shortId}, or open it elsewhere with `kimi -r {shortId}`.", ShellStyles.Dim);
        return Task.FromResult(CommandResult.Continue);
    }

    private static string Titled(string title) => title.EndsWith(" (fork)", StringComparison.Ordinal) ? title : title + " (fork)";
}
