namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/compact [what to keep]</c>: summarises the older part of the conversation now, with the spinner; Ctrl-C cancels.</summary>
internal sealed class CompactCommand : IShellCommand
{
    public string Name => "compact";

    public string ArgumentHint => "[what to keep]";

    public string Help => "summarise the conversation to free context room (optionally: what the summary must keep)";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        if (context.Session is not { } session)
        {
            context.Screen.Line("Nothing to compact yet.", ShellStyles.Dim);
            return CommandResult.Continue;
        }

        var (result, cancelled, exit) = await context.RunBusyAsync("Compacting the conversation", token => session.CompactAsync(arguments, token), cancellationToken).ConfigureAwait(false);
        if (result is not null)
        {
            context.Screen.Line(result.Succeeded
                ? $"⇣ Compacted the conversation: {result.MessagesBefore} → {result.MessagesAfter} messages."
                : $"Not compacted: {result.Error}", result.Succeeded ? ShellStyles.Good : ShellStyles.Warn);
        }
        else if (cancelled)
        {
            context.Screen.Line("■ Compaction cancelled; the conversation is unchanged.", ShellStyles.Warn);
        }

        return exit ? CommandResult.Exit : CommandResult.Continue;
    }
}
