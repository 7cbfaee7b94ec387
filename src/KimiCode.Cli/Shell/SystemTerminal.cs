using System.Text;
using System.Threading.Channels;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The process's terminal: Ctrl-C is read as a key (so it cancels a turn instead of killing the process) and a
/// background thread reads keys into a channel, pastes decoded by a <see cref="PasteDecoder"/> (bracketed paste is
/// switched on while the shell runs, and off again on exit, also when the process dies of an unhandled exception).
/// </summary>
internal sealed class SystemTerminal : IShellTerminal, IDisposable
{
    private readonly Channel<KeyInput> _keys = Channel.CreateUnbounded<KeyInput>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly bool _restoreControlC;
    private readonly TextWriter _out;
    private readonly ManualResetEventSlim _resume = new(initialState: true);
    private int _pasteOn;

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

        _out = env.Out;
        _out.Write(PasteDecoder.Enable);
        _out.Flush();
        _pasteOn = 1;
        AppDomain.CurrentDomain.UnhandledException += OnCrash;
        var reader = new Thread(ReadKeys) { IsBackground = true, Name = "kimi key reader" };
        reader.Start();
    }

    public IAnsiConsole Console { get; }

    public ChannelReader<KeyInput> Keys => _keys.Reader;

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
        var decoder = new PasteDecoder();
        var batch = new List<ConsoleKeyInfo>();
        try
        {
            while (true)
            {
                // The keys of one read: what is there without waiting after the first.
                batch.Clear();
                batch.Add(System.Console.ReadKey(intercept: true));
                while (System.Console.KeyAvailable)
                {
                    batch.Add(System.Console.ReadKey(intercept: true));
                }

                var inputs = decoder.Feed(batch).ToList();
                var pause = inputs.Any(KeyQueue.IsCtrlG);
                if (pause)
                {
                    _resume.Reset(); // before the key is seen: whoever takes it resumes reading
                }

                foreach (var input in inputs)
                {
                    if (!_keys.Writer.TryWrite(input))
                    {
                        return;
                    }
                }

                if (pause)
                {
                    _resume.Wait(); // Ctrl-G: an external editor may take the terminal; reading now would steal its keys
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

    public void ResumeKeys() => _resume.Set();

    private void OnCrash(object? sender, UnhandledExceptionEventArgs e) => PasteOff();

    /// <summary>Leaves the terminal as it was: a shell that paste-brackets after kimi ended would see stray markers.</summary>
    private void PasteOff()
    {
        if (Interlocked.Exchange(ref _pasteOn, 0) == 1)
        {
            try
            {
                _out.Write(PasteDecoder.Disable);
                _out.Flush();
            }
            catch (IOException)
            {
            }
            catch (ObjectDisposedException)
            {
            }
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.UnhandledException -= OnCrash;
        PasteOff();
        _keys.Writer.TryComplete();
        _resume.Set();
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
