using System.Text;
using System.Threading.Channels;
using KimiCode.Cli.Shell;
using Spectre.Console;

namespace KimiCode.Cli.Tests.Support;

/// <summary>
/// A terminal for tests: a Spectre console (ANSI on, fixed size) whose output feeds a <see cref="VirtualScreen"/>,
/// and keys the test types. <see cref="WaitForAsync"/> waits for the screen to show something (no sleeps).
/// </summary>
internal sealed class TestTerminal : IShellTerminal
{
    private readonly Channel<KeyInput> _keys = Channel.CreateUnbounded<KeyInput>();
    private readonly PasteDecoder _decoder = new();
    private readonly ScreenOutput _output;

    public TestTerminal(int width = 100, int height = 40, bool colors = true)
    {
        Screen = new VirtualScreen(width);
        _output = new ScreenOutput(Screen, width, height);
        Console = SystemTerminal.CreateConsole(_output, colors ? ColorSystemSupport.Standard : ColorSystemSupport.NoColors);
    }

    public VirtualScreen Screen { get; }

    public IAnsiConsole Console { get; }

    public ChannelReader<KeyInput> Keys => _keys.Reader;

    /// <summary>Everything written, escape sequences included.</summary>
    public string Raw => _output.Raw;

    /// <summary><paramref name="screen"/> with its lines joined by spaces: text the shell word-wrapped at the width reads as one line again.</summary>
    public static string Unwrapped(string screen) => System.Text.RegularExpressions.Regex.Replace(screen, @" *\n *", " ");

    public void Type(string text)
    {
        foreach (var c in text)
        {
            _keys.Writer.TryWrite(c switch
            {
                '\r' => new ConsoleKeyInfo('\r', ConsoleKey.Enter, false, false, false),
                '\n' => new ConsoleKeyInfo('\n', ConsoleKey.Enter, false, false, true), // Ctrl-J: a new line in the input
                _ => new ConsoleKeyInfo(c, KeyFor(c), char.IsUpper(c), false, false),
            });
        }
    }

    /// <summary>
    /// What the real terminal does with bytes from the pty: each of <paramref name="reads"/> is one read, its
    /// characters made keys as .NET does (ESC the Escape key, CR and LF Enter) and decoded by a <see cref="PasteDecoder"/>.
    /// </summary>
    public void Receive(params string[] reads)
    {
        foreach (var read in reads)
        {
            var batch = read.Select(c => c switch
            {
                '\u001b' => new ConsoleKeyInfo(c, ConsoleKey.Escape, false, false, false),
                '\r' or '\n' => new ConsoleKeyInfo(c, ConsoleKey.Enter, false, false, false),
                _ => new ConsoleKeyInfo(c, KeyFor(c), char.IsUpper(c), false, false),
            }).ToList();
            foreach (var input in _decoder.Feed(batch))
            {
                _keys.Writer.TryWrite(input);
            }
        }
    }

    /// <summary>A paste from a terminal that brackets pastes, in one read.</summary>
    public void Paste(string text) => Receive("\u001b[200~" + text + "\u001b[201~");

    public void Enter() => Press(ConsoleKey.Enter, '\r');

    public void CtrlC() => _keys.Writer.TryWrite(new ConsoleKeyInfo('\u0003', ConsoleKey.C, false, false, true));

    public void Ctrl(ConsoleKey key) => _keys.Writer.TryWrite(new ConsoleKeyInfo((char)(key - ConsoleKey.A + 1), key, false, false, true));

    public void Press(ConsoleKey key, char keyChar = '\0', bool control = false) =>
        _keys.Writer.TryWrite(new ConsoleKeyInfo(keyChar, key, false, false, control));

    /// <summary>The terminal closed.</summary>
    public void Close() => _keys.Writer.TryComplete();

    /// <summary>Waits until the screen text satisfies <paramref name="condition"/>; fails with the screen after TestTimeouts.Default.</summary>
    public async Task<string> WaitForAsync(Func<string, bool> condition, string what)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (true)
        {
            var changed = _output.NextWrite();
            var text = Screen.Text;
            if (condition(text))
            {
                return text;
            }

            try
            {
                await changed.WaitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                throw new TimeoutException($"The screen never showed {what} within {TestTimeouts.Default.TotalSeconds} s. Screen:\n{Screen.Text}");
            }
        }
    }

    public Task<string> WaitForTextAsync(string text) => WaitForAsync(s => s.Contains(text, StringComparison.Ordinal), $"\"{text}\"");

    /// <summary>Waits until the text occurs <paramref name="count"/> times.</summary>
    public Task<string> WaitForCountAsync(string text, int count) =>
        WaitForAsync(s => Occurrences(s, text) >= count, $"\"{text}\" {count} times");

    public static int Occurrences(string text, string value)
    {
        var count = 0;
        for (var i = text.IndexOf(value, StringComparison.Ordinal); i >= 0; i = text.IndexOf(value, i + value.Length, StringComparison.Ordinal))
        {
            count++;
        }

        return count;
    }

    private static ConsoleKey KeyFor(char c) => c switch
    {
        >= 'a' and <= 'z' => ConsoleKey.A + (c - 'a'),
        >= 'A' and <= 'Z' => ConsoleKey.A + (c - 'A'),
        >= '0' and <= '9' => ConsoleKey.D0 + (c - '0'),
        ' ' => ConsoleKey.Spacebar,
        '\t' => ConsoleKey.Tab,
        _ => ConsoleKey.Oem1,
    };

    /// <summary>The console's output: every write goes to the virtual screen and wakes waiters.</summary>
    private sealed class ScreenOutput : IAnsiConsoleOutput
    {
        private readonly Lock _gate = new();
        private readonly StringBuilder _raw = new();
        private TaskCompletionSource _written = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public ScreenOutput(VirtualScreen screen, int width, int height)
        {
            Width = width;
            Height = height;
            Writer = new FeedWriter(this, screen);
        }

        public TextWriter Writer { get; }

        public bool IsTerminal => true;

        public int Width { get; }

        public int Height { get; }

        public string Raw
        {
            get
            {
                lock (_gate)
                {
                    return _raw.ToString();
                }
            }
        }

        public void SetEncoding(Encoding encoding)
        {
        }

        public Task NextWrite()
        {
            lock (_gate)
            {
                return _written.Task;
            }
        }

        private void Written(string text)
        {
            TaskCompletionSource done;
            lock (_gate)
            {
                _raw.Append(text);
                done = _written;
                _written = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            }

            done.TrySetResult();
        }

        private sealed class FeedWriter(ScreenOutput owner, VirtualScreen screen) : TextWriter
        {
            public override Encoding Encoding => Encoding.UTF8;

            public override void Write(char value) => Write(value.ToString());

            public override void Write(string? value)
            {
                if (string.IsNullOrEmpty(value))
                {
                    return;
                }

                screen.Feed(value);
                owner.Written(value);
            }
        }
    }
}
