using System.Text;

namespace KimiCode.Cli.Shell.Commands;

/// <summary>
/// <c>/copy</c> puts the last answer (its Markdown) on the clipboard, <c>/copy code</c> the last code block in it,
/// through the terminal with OSC 52 (<c>ESC ] 52 ; c ; base64 BEL</c>), which works over SSH and in tmux too. A
/// terminal cannot say whether it took it, so when nothing hints that it supports OSC 52 the message says how much
/// was sent, and what to do when nothing arrived.
/// </summary>
internal sealed class CopyCommand : IShellCommand
{
    public string Name => "copy";

    public string ArgumentHint => "[code]";

    public string Help => "copy the last answer to the clipboard (code: its last code block), via the terminal (OSC 52)";

    public Task<CommandResult> ExecuteAsync(ShellContext context, string arguments, CancellationToken cancellationToken)
    {
        var word = arguments.Trim().ToLowerInvariant();
        if (word is not ("" or "code"))
        {
            context.Renderer.WriteError(KimiCode.Hosting.CliErrorCodes.Usage, $"/copy takes code or nothing, not \"{arguments.Trim()}\": /copy copies the last answer, /copy code its last code block.");
            return Task.FromResult(CommandResult.Continue);
        }

        if (context.Renderer.LastAnswer is not { } answer)
        {
            context.Renderer.WriteError(KimiCode.Hosting.CliErrorCodes.Usage, "There is no answer to copy yet; send a prompt first.");
            return Task.FromResult(CommandResult.Continue);
        }

        var what = "the last answer";
        var text = answer;
        if (word == "code")
        {
            if (MarkdownRenderer.LastCode(answer) is not { } code)
            {
                context.Renderer.WriteError(KimiCode.Hosting.CliErrorCodes.Usage, "The last answer has no code block; /copy copies the whole answer.");
                return Task.FromResult(CommandResult.Continue);
            }

            what = "the last code block";
            text = code;
        }

        context.Screen.WriteRaw(Osc52(text));
        var lines = text.Split('\n').Length;
        var size = $"{lines} {(lines == 1 ? "line" : "lines")}, {text.Length} {(text.Length == 1 ? "character" : "characters")}";
        context.Screen.Line(SupportsOsc52(context.Environment.GetVariable)
            ? $"Copied {what} to the clipboard ({size})."
            : $"Sent {what} to the clipboard ({size}) with OSC 52; if it did not arrive, this terminal does not support OSC 52 (in tmux: set -g set-clipboard on).",
            ShellStyles.Good);
        return Task.FromResult(CommandResult.Continue);
    }

    /// <summary>The OSC 52 sequence that sets the clipboard to <paramref name="text"/>.</summary>
    public static string Osc52(string text) => "\u001b]52;c;" + Convert.ToBase64String(Encoding.UTF8.GetBytes(text)) + "\u0007";

    /// <summary>True when the environment names a terminal known to take OSC 52 writes.</summary>
    public static bool SupportsOsc52(Func<string, string?> variable)
    {
        var program = variable("TERM_PROGRAM") ?? string.Empty;
        var term = variable("TERM") ?? string.Empty;
        return program is "iTerm.app" or "WezTerm" or "ghostty" or "vscode" or "tmux"
            || variable("WT_SESSION") is not null || variable("KITTY_WINDOW_ID") is not null
            || term.Contains("kitty", StringComparison.Ordinal) || term.Contains("alacritty", StringComparison.Ordinal)
            || term.Contains("foot", StringComparison.Ordinal) || term.Contains("ghostty", StringComparison.Ordinal);
    }
}
