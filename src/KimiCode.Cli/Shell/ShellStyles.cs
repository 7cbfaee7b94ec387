using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>The few styles the shell's own lines use (answers and tool calls have theirs in <see cref="TurnRenderer"/>).</summary>
internal static class ShellStyles
{
    public static readonly Style Dim = new(decoration: Decoration.Dim);
    public static readonly Style Good = new(Color.Green);
    public static readonly Style Warn = new(Color.Yellow);
    public static readonly Style Bad = new(Color.Red);
    public static readonly Style Bold = new(decoration: Decoration.Bold);
    public static readonly Style Key = new(Color.Aqua);
}
