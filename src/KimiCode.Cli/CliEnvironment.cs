using KimiCode.Config;

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

    public bool ErrorIsTerminal { get; init; }

    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;

    /// <summary>Creates the handler for every HTTP call; tests swap in an in-memory server.</summary>
    public Func<HttpMessageHandler> CreateHttpHandler { get; init; } = () => new SocketsHttpHandler
    {
        PooledConnectionLifetime = TimeSpan.FromMinutes(5),
        ConnectTimeout = TimeSpan.FromSeconds(15),
    };

    /// <summary>Opens a URL in the user's browser; returns false when none could be started (not an error).</summary>
    public Func<string, bool> OpenBrowser { get; init; } = BrowserLauncher.TryOpen;

    /// <summary>Reads one line from the terminal without echoing it (API keys).</summary>
    public Func<CancellationToken, string?> ReadSecret { get; init; } = ReadHiddenLine;

    public KimiHome Home => home ??= KimiHome.Resolve(GetVariable);

    private KimiHome? home;

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
    };
}
