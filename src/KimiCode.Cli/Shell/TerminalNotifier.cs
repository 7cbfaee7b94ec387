using System.Text;
using KimiCode.Config;

namespace KimiCode.Cli.Shell;

/// <summary>
/// Tells the user through the terminal that kimi waits for them (<c>tui.toml</c> <c>[notifications]</c>): when a turn
/// ends, or a permission question comes up, in a turn that has run at least <c>after_seconds</c> (every time with
/// <c>notification_condition = "always"</c>; kimi cannot see whether the terminal has the focus, so a long turn stands
/// in for "you have probably looked away"). A turn the user cancelled notifies nothing: they are there.
/// A terminal known to show OSC 9 as a desktop notification gets one (iTerm2, WezTerm, ghostty, Warp, kitty; inside
/// tmux wrapped for passthrough), any other a bell, which every terminal and tmux handle.
/// </summary>
internal sealed class TerminalNotifier(ShellScreen screen, TuiConfig settings, Func<string, string?> getVariable)
{
    private const char Bel = '\a';
    private const int MaxMessage = 200;

    /// <summary>A turn that ran <paramref name="elapsed"/> ended (not cancelled by the user).</summary>
    public void TurnEnded(TimeSpan elapsed, string? sessionTitle) => Notify(elapsed, "Kimi Code task complete", sessionTitle);

    /// <summary>A permission question is shown <paramref name="elapsed"/> into a turn.</summary>
    public void ApprovalNeeded(TimeSpan elapsed, string what) => Notify(elapsed, "Kimi Code approval required", what);

    /// <summary>Whether a moment <paramref name="elapsed"/> into a turn notifies under <paramref name="settings"/>.</summary>
    public static bool Due(TuiConfig settings, TimeSpan elapsed) =>
        settings.NotificationsEnabled && (settings.NotifyAlways || elapsed >= TimeSpan.FromSeconds(settings.NotifyAfterSeconds));

    /// <summary>The bytes that notify on the terminal <paramref name="getVariable"/> describes: OSC 9 with the message, or BEL.</summary>
    public static string Sequence(string title, string? body, Func<string, string?> getVariable)
    {
        ArgumentNullException.ThrowIfNull(getVariable);
        if (!ShowsOsc9(getVariable))
        {
            return Bel.ToString();
        }

        var message = Clean(string.IsNullOrWhiteSpace(body) ? title : $"{title}: {body}");
        var osc9 = $"\u001b]9;{message}{Bel}";
        return string.IsNullOrEmpty(getVariable("TMUX"))
            ? osc9
            : "\u001bPtmux;" + osc9.Replace("\u001b", "\u001b\u001b", StringComparison.Ordinal) + "\u001b\\"; // tmux passthrough
    }

    private void Notify(TimeSpan elapsed, string title, string? body)
    {
        if (Due(settings, elapsed))
        {
            screen.Signal(Sequence(title, body, getVariable));
        }
    }

    /// <summary>The terminals known to turn OSC 9 into a desktop notification (another would print the text).</summary>
    private static bool ShowsOsc9(Func<string, string?> getVariable) =>
        getVariable("TERM_PROGRAM") is "iTerm.app" or "WezTerm" or "ghostty" or "WarpTerminal"
        || getVariable("TERM") is "xterm-kitty" or "xterm-ghostty";

    /// <summary>One line of printable text: control characters (which could end the sequence early) become spaces.</summary>
    private static string Clean(string text)
    {
        var clean = new StringBuilder(Math.Min(text.Length, MaxMessage));
        foreach (var c in text)
        {
            if (clean.Length >= MaxMessage)
            {
                break;
            }

            var control = char.IsControl(c) || c is '\u2028' or '\u2029';
            if (!(control || char.IsWhiteSpace(c)) || (clean.Length > 0 && clean[^1] != ' '))
            {
                clean.Append(control || char.IsWhiteSpace(c) ? ' ' : c);
            }
        }

        return clean.ToString().TrimEnd();
    }
}
