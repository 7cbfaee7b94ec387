using System.Runtime.InteropServices;
using System.Text;
using System.Threading.Channels;
using Spectre.Console;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The process's terminal: Ctrl-C is read as a key (so it cancels a turn instead of killing the process) and a
/// background thread reads keys into a channel, pastes decoded by a <see cref="PasteDecoder"/> (bracketed paste is
/// switched on while the shell runs, and off again on exit, also when the process dies of an unhandled exception).
/// Ctrl-Z suspends kimi as the terminal would (the runtime reads it as a key, since Ctrl-C must be one): bracketed
/// paste off, then SIGTSTP to the process group. On SIGCONT (<c>fg</c>, or any resume after a stop) the modes are
/// switched on again, since the shell in between turns bracketed paste off, and the input line is redrawn.
/// </summary>
internal sealed class SystemTerminal : IShellTerminal, IDisposable
{
    private readonly Channel<KeyInput> _keys = Channel.CreateUnbounded<KeyInput>(new UnboundedChannelOptions { SingleWriter = true });
    private readonly bool _restoreControlC;
    private readonly TextWriter _out;
    private readonly ManualResetEventSlim _resume = new(initialState: true);
    private int _pasteOn;
    private readonly PosixSignalRegistration? _resumed;

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
        if (!OperatingSystem.IsWindows())
        {
            _resumed = PosixSignalRegistration.Create(PosixSignal.SIGCONT, OnResumed);
        }

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
                    if (input.Paste is null && input.Key.Key == ConsoleKey.Z && input.Key.Modifiers == ConsoleModifiers.Control && !OperatingSystem.IsWindows())
                    {
                        Suspend();
                        continue;
                    }

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

    /// <summary>Ctrl-Z: leaves the terminal as the shell expects it and stops the process group (returns once continued).</summary>
    private void Suspend()
    {
        if (Volatile.Read(ref _pasteOn) == 1)
        {
            Write(PasteDecoder.Disable + "\u001b[?25h");
        }

        // The terminal's own Ctrl-Z stops the foreground process group; ours does the same (SIGTSTP: 18 on BSDs and macOS).
        _ = Stop(0, OperatingSystem.IsLinux() ? 20 : 18);
    }

    /// <summary>SIGCONT: the process runs again (after Ctrl-Z and <c>fg</c>, or any stop): the modes back on, the input redrawn.</summary>
    private void OnResumed(PosixSignalContext context)
    {
        context.Cancel = false; // the runtime restores its own terminal settings too
        if (Volatile.Read(ref _pasteOn) == 1)
        {
            Write(PasteDecoder.Enable);
        }

        _keys.Writer.TryWrite(new ConsoleKeyInfo('\0', ConsoleKey.NoName, false, false, false)); // a key that only redraws
    }

    private void Write(string sequence)
    {
        try
        {
            _out.Write(sequence);
            _out.Flush();
        }
        catch (IOException)
        {
        }
        catch (ObjectDisposedException)
        {
        }
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Stop(int pid, int signal);

    /// <summary>Leaves the terminal as it was: a shell that paste-brackets after kimi ended would see stray markers.</summary>
    private void PasteOff()
    {
        if (Interlocked.Exchange(ref _pasteOn, 0) == 1)
        {
            Write(PasteDecoder.Disable);
        }
    }

    public void Dispose()
    {
        AppDomain.CurrentDomain.UnhandledException -= OnCrash;
        _resumed?.Dispose();
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
