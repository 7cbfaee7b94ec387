using System.Globalization;
using KimiCode.Agent;
using KimiCode.Agent.Sessions;
using KimiCode.Protocol;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/resume [n | id | id-prefix]</c>: continue a session (a picker of the working folder's without an argument; a prefix
/// as <see cref="SessionStore.Resolve"/> matches it) and show its conversation again.
/// </summary>
internal sealed class ResumeCommand : IShellCommand
{
    public string Name => "resume";

    public string ArgumentHint => "[n | id-prefix]";

    public string Help => "continue an earlier session (pick one without an argument)";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var sessions = context.Factory.Store.List(context.WorkDir).Take(SessionsCommand.Shown).ToList();
        string? id;
        if (arguments.Length == 0)
        {
            if (sessions.Count == 0)
            {
                context.Screen.Line($"No sessions in {context.WorkDir} to resume.", ShellStyles.Dim);
                return CommandResult.Continue;
            }

            var now = context.Environment.TimeProvider.GetUtcNow();
            var picker = new Picker("Resume which session?", sessions.Select(s => $"{SessionsCommand.Title(s)} · {SessionsCommand.Ago(s.Updated, now)} · {SessionsCommand.Messages(s.MessageCount)}").ToList());
            var (chosen, exit) = await context.PickAsync(picker, cancellationToken).ConfigureAwait(false);
            if (exit)
            {
                return CommandResult.Exit;
            }

            id = chosen is { } index ? sessions[index].Id : null;
            if (id is null)
            {
                context.Screen.Line("Resume cancelled.", ShellStyles.Dim);
                return CommandResult.Continue;
            }
        }
        else if (int.TryParse(arguments, NumberStyles.None, CultureInfo.InvariantCulture, out var number))
        {
            var listing = context.LastListing.Count > 0 ? context.LastListing : sessions;
            if (number < 1 || number > listing.Count)
            {
                context.Renderer.WriteError(SessionErrorCodes.NotFound, $"There is no session number {number}; /sessions lists them.");
                return CommandResult.Continue;
            }

            id = listing[number - 1].Id;
        }
        else
        {
            try
            {
                id = context.Factory.Store.Resolve(arguments, context.WorkDir).Id;
            }
            catch (KimiCodeException ex)
            {
                context.Renderer.WriteError(ex.Code, ex.Message);
                return CommandResult.Continue;
            }
        }

        if (id == context.Session?.Id)
        {
            context.Screen.Line("That is the current session.", ShellStyles.Dim);
            return CommandResult.Continue;
        }

        await context.OpenSessionAsync(id, replay: true, cancellationToken).ConfigureAwait(false);
        return CommandResult.Continue;
    }
}
