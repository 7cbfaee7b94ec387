namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/thinking on|off</c>: asks the model to think, or not, from the next request on (the conversation goes on).
/// <c>/thinking</c> alone shows thinking in full (and the last turn's again), or collapses it; Ctrl-T does the same.
/// </summary>
internal sealed class ThinkingCommand : IShellCommand
{
    public string Name => "thinking";

    public string ArgumentHint => "[on|off]";

    public string Help => "on/off: ask the model to think or not; alone: show thinking in full or collapsed (also Ctrl-T)";

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var word = arguments.Trim().ToLowerInvariant();
        bool? choice = word switch
        {
            "on" or "true" or "yes" => true,
            "off" or "false" or "no" => false,
            _ => null,
        };
        if (choice is null && word.Length > 0)
        {
            context.Renderer.WriteError(KimiCode.Hosting.CliErrorCodes.Usage, $"/thinking takes on or off, not \"{arguments.Trim()}\"; /thinking alone shows or collapses the model's thinking.");
            return CommandResult.Continue;
        }

        if (choice is not { } on)
        {
            context.ToggleThinking();
            return CommandResult.Continue;
        }

        context.Thinking = on;
        await context.ReopenAsync(cancellationToken).ConfigureAwait(false);
        context.Screen.Line(on ? "Thinking: on (the model thinks before it answers)." : "Thinking: off (the model answers without thinking).", ShellStyles.Good);
        return CommandResult.Continue;
    }
}
