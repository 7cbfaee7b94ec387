using KimiCode.Agent.Permissions;

namespace KimiCode.Cli.Shell.Commands;

/// <summary><c>/yolo</c> and <c>/plan</c>: switch to <paramref name="mode"/>, or back to the base mode when already in it.</summary>
internal sealed class ModeCommand(string name, PermissionMode mode, string help) : IShellCommand
{
    public string Name => name;

    public string Help => help;

    public async Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        await context.SetModeAsync(context.Mode == mode ? context.BaseMode : mode, cancellationToken).ConfigureAwait(false);
        return CommandResult.Continue;
    }
}
