using System.Diagnostics;
using System.Text;

namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>
/// The real <c>kimi</c> on a pseudo-terminal: a detached tmux session (100×40) on a socket of its own, driven with
/// <c>send-keys</c> and read with <c>capture-pane</c>. Waits poll the screen until a condition holds (capped at TestTimeouts.Default).
/// </summary>
internal sealed class TmuxTerminal : IAsyncDisposable
{
    private static readonly TimeSpan PollInterval = TimeSpan.FromMilliseconds(50);

    private readonly string _socket;

    private TmuxTerminal(string socket) => _socket = socket;

    /// <summary>Starts <c>kimi</c> with <paramref name="args"/> in <paramref name="workDir"/> against the test home.</summary>
    public static Task<TmuxTerminal> StartAsync(TestHome home, string workDir, params string[] args) =>
        StartAsync(home, workDir, 100, args);

    /// <summary>Starts <c>kimi</c> on a terminal <paramref name="width"/> columns wide (40 rows).</summary>
    public static Task<TmuxTerminal> StartAsync(TestHome home, string workDir, int width, params string[] args) =>
        StartAsync(home, workDir, width, fromInteractiveShell: false, args);

    /// <summary>
    /// Starts <c>kimi</c> the way a user does: typed into an interactive bash (job control on, so Ctrl-Z stops it and
    /// <c>fg</c> resumes it; readline switches bracketed paste on at its own prompt and off before running a command).
    /// </summary>
    public static async Task<TmuxTerminal> StartFromBashAsync(TestHome home, string workDir, params string[] args)
    {
        var terminal = await StartAsync(home, workDir, 100, fromInteractiveShell: true, args);
        await terminal.WaitForAsync(s => LastLine(s) == "$", "bash's prompt");
        await terminal.SubmitAsync("sh " + Quote(terminal.Script(home)));
        return terminal;
    }

    private string Script(TestHome home) => Path.Combine(home.Root, _socket + ".sh");

    private static async Task<TmuxTerminal> StartAsync(TestHome home, string workDir, int width, bool fromInteractiveShell, string[] args)
    {
        var socket = "kimi-e2e-" + Guid.NewGuid().ToString("N")[..12];
        var script = Path.Combine(home.Root, socket + ".sh");
        var command = new StringBuilder("#!/bin/sh\n");
        command.Append("cd ").Append(Quote(workDir)).Append(" || exit 1\n");
        command.Append("unset KIMI_API_KEY KIMI_BASE_URL KIMI_MODEL_NAME KIMI_CODE_CUSTOM_HEADERS NO_COLOR\n");
        var environment = KimiProcess.Environment(home.Root, home.Environment);
        environment["LANG"] = "C.UTF-8";
        environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        environment["DOTNET_NOLOGO"] = "1";
        foreach (var (name, value) in environment)
        {
            command.Append("export ").Append(name).Append('=').Append(Quote(value)).Append('\n');
        }

        command.Append("dotnet exec ").Append(Quote(KimiProcess.KimiDll));
        foreach (var arg in args)
        {
            command.Append(' ').Append(Quote(arg));
        }

        command.Append("\necho \"[kimi exited with $?]\"\n");
        await File.WriteAllTextAsync(script, command.ToString());
        var terminal = new TmuxTerminal(socket);
        var program = fromInteractiveShell ? "PS1='$ ' bash --norc --noprofile -i" : "sh " + Quote(script);
        await terminal.TmuxAsync("-u", "new-session", "-d", "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", "40", "-s", "kimi", program);
        await terminal.TmuxAsync("set-option", "-t", "kimi", "remain-on-exit", "on");
        await terminal.TmuxAsync("set-option", "-s", "set-clipboard", "on"); // OSC 52 from kimi lands in a tmux buffer
        return terminal;
    }

    /// <summary>Resizes the terminal to <paramref name="width"/> columns (the program gets SIGWINCH; tmux rewraps its lines).</summary>
    public Task ResizeAsync(int width, int height = 40) => TmuxAsync(
        "resize-window", "-t", "kimi", "-x", width.ToString(System.Globalization.CultureInfo.InvariantCulture), "-y", height.ToString(System.Globalization.CultureInfo.InvariantCulture));

    /// <summary>Whether the program rang the terminal's bell (tmux's window bell flag).</summary>
    public async Task<bool> BellRungAsync() => (await TmuxAsync("display-message", "-p", "-t", "kimi", "#{window_bell_flag}")).Trim() == "1";

    /// <summary>The process id of the program the pane runs (the shell script that starts kimi).</summary>
    public async Task<int> PanePidAsync() => int.Parse((await TmuxAsync("display-message", "-p", "-t", "kimi", "#{pane_pid}")).Trim(), System.Globalization.CultureInfo.InvariantCulture);

    /// <summary>Types <paramref name="text"/> literally (no key names).</summary>
    public Task TypeAsync(string text) => TmuxAsync("send-keys", "-t", "kimi", "-l", text);

    /// <summary>Presses keys by tmux name: <c>Enter</c>, <c>C-c</c>, <c>C-j</c>, <c>Down</c>, <c>Escape</c>….</summary>
    public Task PressAsync(params string[] keys) => TmuxAsync(["send-keys", "-t", "kimi", .. keys]);

    /// <summary>Pastes <paramref name="text"/> as a terminal does (bracketed when kimi asked for it, line breaks as CR).</summary>
    public async Task PasteAsync(string text)
    {
        await TmuxAsync("set-buffer", "-b", "kimi-paste", "--", text);
        await TmuxAsync("paste-buffer", "-p", "-d", "-b", "kimi-paste", "-t", "kimi");
    }

    /// <summary>Types a line and presses Enter.</summary>
    public async Task SubmitAsync(string text)
    {
        await TypeAsync(text);
        await PressAsync("Enter");
    }

    /// <summary>The whole screen, scrollback included, as plain text.</summary>
    public Task<string> CaptureAsync() => TmuxAsync("capture-pane", "-p", "-S", "-", "-t", "kimi");

    /// <summary>The screen as selecting and copying it gives it: rows the terminal wrapped are joined again.</summary>
    public Task<string> CaptureJoinedAsync() => TmuxAsync("capture-pane", "-p", "-J", "-S", "-", "-t", "kimi");

    /// <summary>What the program last put on the clipboard (OSC 52; tmux keeps it as its newest buffer).</summary>
    public Task<string> ClipboardAsync() => TmuxAsync("show-buffer");

    /// <summary>Polls the screen until <paramref name="condition"/> holds; fails with the screen after TestTimeouts.Default.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> condition, string what)
    {
        var deadline = Stopwatch.StartNew();
        string screen;
        while (true)
        {
            screen = await CaptureAsync();
            if (condition(screen))
            {
                return screen;
            }

            if (deadline.Elapsed > TestTimeouts.Default)
            {
                throw new TimeoutException($"The screen never showed {what} within {TestTimeouts.Default.TotalSeconds} s. Screen:\n{screen}");
            }

            await Task.Delay(PollInterval);
        }
    }

    public Task<string> WaitForTextAsync(string text) => WaitForAsync(s => s.Contains(text, StringComparison.Ordinal), $"\"{text}\"");

    /// <summary>Waits until the shell is idle at an empty input prompt, <paramref name="count"/> prompts into the session.</summary>
    public Task<string> WaitForIdleAsync(int count) => WaitForAsync(
        s => LastLine(s) is "›" or "yolo ›" or "plan ›" && PromptCount(s) >= count,
        $"the empty input prompt (#{count})");

    public static string LastLine(string screen) => screen.TrimEnd().Split('\n')[^1].TrimEnd();

    /// <summary>Lines that start an input: "› …", "yolo › …", "shell › !…" (the echo of each input and the open prompt).</summary>
    public static int PromptCount(string screen) =>
        screen.Split('\n').Count(l => l.StartsWith("› ", StringComparison.Ordinal) || l.TrimEnd() == "›"
            || l.StartsWith("yolo ›", StringComparison.Ordinal) || l.StartsWith("plan ›", StringComparison.Ordinal)
            || l.StartsWith("shell ›", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        try
        {
            await TmuxAsync("kill-server");
        }
        catch (InvalidOperationException)
        {
            // already gone
        }
    }

    private async Task<string> TmuxAsync(params string[] args)
    {
        var start = new ProcessStartInfo("tmux")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("-L");
        start.ArgumentList.Add(_socket);
        foreach (var arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        var result = await ChildProcess.RunAsync(start);
        if (result.ExitCode != 0)
        {
            throw new InvalidOperationException($"tmux {string.Join(' ', args)} failed ({result.ExitCode}): {result.Stderr}");
        }

        return result.Stdout;
    }

    private static string Quote(string value) => "'" + value.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
}
