using KimiCode.Config;
using KimiCode.Hosting;
using KimiCode.Hosting.Logging;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KimiCode.Cli;

/// <summary>
/// Everything a command touches outside the process: environment variables, the console, time, HTTP
/// and the data folder. Injected so that tests drive commands without touching process-wide state.
/// </summary>
internal sealed class CliEnvironment
{
    public required Func<string, string?> GetVariable { get; init; }

    public required TextWriter Out { get; init; }

    public required TextWriter Error { get; init; }

    public required TextReader In { get; init; }

    public bool InputRedirected { get; init; }

    /// <summary>The folder the user ran kimi in (the default working directory).</summary>
    public string CurrentDirectory { get; init; } = Environment.CurrentDirectory;

    public bool ErrorIsTerminal { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>The same outside world, as the shared composition code sees it.</summary>
    public HostEnvironment Host => host ??= new HostEnvironment { GetVariable = GetVariable, TimeProvider = TimeProvider, Logging = (ILoggerFactory?)Log ?? NullLoggerFactory.Instance, Notice = WriteNotice };

    private void WriteNotice(string line)
    {
        try
        {
            Error.WriteLine("kimi: " + line);
            Error.Flush();
        }
        catch (IOException)
        {
            // stderr closed: nothing to do.
        }
    }

    /// <summary>The process log (<c>{home}/logs/kimi.log</c>; stderr too with <c>--debug</c>); null: no logging (tests).</summary>
    public KimiLog? Log { get; init; }

    private HostEnvironment? host;

    /// <summary>Opens a URL in the user's browser; returns false when none could be started (not an error).</summary>
    public Func<string, bool> OpenBrowser { get; init; } = BrowserLauncher.TryOpen;

    /// <summary>Reads one line from the terminal without echoing it (API keys).</summary>
    public Func<CancellationToken, string?> ReadSecret { get; init; } = ReadHiddenLine;

    public KimiHome Home => Host.Home;

    private static string? ReadHiddenLine(CancellationToken cancellationToken)
    {
        var text = new System.Text.StringBuilder();
        while (!cancellationToken.IsCancellationRequested)
        {
            var key = Console.ReadKey(intercept: true);
            if (key.Key == ConsoleKey.Enter)
            {
                return text.ToString();
            }

            if (key.Key == ConsoleKey.Backspace)
            {
                if (text.Length > 0)
                {
                    text.Length--;
                }
            }
            else if (!char.IsControl(key.KeyChar))
            {
                text.Append(key.KeyChar);
            }
        }

        cancellationToken.ThrowIfCancellationRequested();
        return null;
    }

    public static CliEnvironment FromProcess() => new()
    {
        GetVariable = Environment.GetEnvironmentVariable,
        Out = Console.Out,
        Error = Console.Error,
        In = Console.In,
        InputRedirected = Console.IsInputRedirected,
        ErrorIsTerminal = !Console.IsErrorRedirected,
        Log = new KimiLog(() => Path.Combine(KimiHome.Resolve(Environment.GetEnvironmentVariable).LogsDir, "kimi.log"), Console.Error),
    };
}
