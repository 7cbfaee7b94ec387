using System.Text;
using System.Threading.Channels;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The process's terminal: Ctrl-C is read as a key (so it cancels a turn instead of killing the process) and a
/// background thread reads keys into a channel.
/// </summary>
internal sealed class SystemTerminal : IShellTerminal, IDisposable
{
    private readonly Channel<ConsoleKeyInfo> _keys = Channel.CreateUnbounded<ConsoleKeyInfo>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly bool _restoreControlC;

    public SystemTerminal(CliEnvironment env)
    {
        Console = CreateConsole(new TerminalOutput(env.Out), string.IsNullOrEmpty(env.GetVariable("NO_COLOR")) ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors);
        try
        {
            _restoreControlC = !System.Console.TreatControlCAsInput;
            System.Console.TreatControlCAsInput = true;
        }
        catch (IOException)
        {
            _restoreControlC = false;
        }

        var reader = new Thread(ReadKeys) { IsBackground = true, Name = "kimi key reader" };
        reader.Start();
    }

    public IAnsiConsole Console { get; }

    public ChannelReader<ConsoleKeyInfo> Keys => _keys.Reader;

    /// <summary>A Spectre console over <paramref name="output"/> that always speaks ANSI (the shell needs it to redraw).</summary>
    public static IAnsiConsole CreateConsole(IAnsiConsoleOutput output, ColorSystemSupport colors) => AnsiConsole.Create(new AnsiConsoleSettings
    {
        Ansi = AnsiSupport.Yes,
        ColorSystem = colors,
        Interactive = InteractionSupport.Yes,
        Out = output,
        // CI detection would switch off what a real terminal supports; the shell only runs on a terminal.
        Enrichment = new ProfileEnrichment { UseDefaultEnrichers = false },
        EnvironmentVariables = new Dictionary<string, string>(StringComparer.Ordinal),
    });

    private void ReadKeys()
    {
        try
        {
            while (true)
            {
                var key = System.Console.ReadKey(intercept: true);
                if (!_keys.Writer.TryWrite(key))
                {
                    return;
                }
            }
        }
        catch (InvalidOperationException)
        {
            // stdin went away (the terminal closed): end the key stream, the shell exits.
        }
        catch (IOException)
        {
        }

        _keys.Writer.TryComplete();
    }

    public void Dispose()
    {
        _keys.Writer.TryComplete();
        if (_restoreControlC)
        {
            try
            {
                System.Console.TreatControlCAsInput = false;
            }
            catch (IOException)
            {
            }
        }
    }

    /// <summary>The real terminal's size, read each time (it may be resized).</summary>
    private sealed class TerminalOutput(TextWriter writer) : IAnsiConsoleOutput
    {
        public TextWriter Writer => writer;

        public bool IsTerminal => true;

        public int Width => Safe(() => System.Console.WindowWidth, 80);

        public int Height => Safe(() => System.Console.WindowHeight, 24);

        public void SetEncoding(Encoding encoding)
        {
        }

        private static int Safe(Func<int> read, int fallback)
        {
            try
            {
                var value = read();
                return value > 0 ? value : fallback;
            }
            catch (IOException)
            {
                return fallback;
            }
        }
    }
}
