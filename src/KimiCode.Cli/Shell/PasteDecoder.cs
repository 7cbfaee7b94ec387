using System.Text;

namespace KimiCode.Cli.Shell;

/// <summary>One input from the terminal: a key press, or pasted text (<see cref="Paste"/> not null; <see cref="Key"/> is then default).</summary>
internal readonly record struct KeyInput(ConsoleKeyInfo Key, string? Paste = null)
{
    public static KeyInput Pasted(string text) => new(default, text);

    public static implicit operator KeyInput(ConsoleKeyInfo key) => new(key);
}

/// <summary>
/// Turns the keys the terminal delivers, one read at a time, into <see cref="KeyInput"/>s: a bracketed paste
/// (<c>ESC[200~</c> … <c>ESC[201~</c>, which the terminal sends once <see cref="Enable"/> was written) becomes one
/// paste, even across reads; without the markers, a burst (several keys in one read, with a line break followed by
/// more text) is taken as a paste too, so a pasted line break never submits.
/// </summary>
internal sealed class PasteDecoder
{
    /// <summary>Asks the terminal to bracket pastes.</summary>
    public const string Enable = "\u001b[?2004h";

    /// <summary>Turns bracketing off again (on exit, suspend or a crash).</summary>
    public const string Disable = "\u001b[?2004l";

    private const string Start = "\u001b[200~";
    private const string End = "\u001b[201~";

    private readonly StringBuilder _paste = new();
    private readonly List<ConsoleKeyInfo> _carry = [];
    private bool _inPaste;

    /// <summary>Decodes the keys of one read (<paramref name="batch"/>, in order).</summary>
    public IEnumerable<KeyInput> Feed(IReadOnlyList<ConsoleKeyInfo> batch)
    {
        var keys = new List<ConsoleKeyInfo>(_carry.Count + batch.Count);
        keys.AddRange(_carry);
        keys.AddRange(batch);
        _carry.Clear();
        if (!_inPaste && IsBurst(keys))
        {
            return [KeyInput.Pasted(Text(keys, 0, keys.Count))];
        }

        var output = new List<KeyInput>();
        var i = 0;
        while (i < keys.Count)
        {
            var marker = _inPaste ? End : Start;
            var matched = Matches(keys, i, marker);
            if (matched == marker.Length)
            {
                i += marker.Length;
                if (_inPaste)
                {
                    output.Add(KeyInput.Pasted(_paste.ToString()));
                    _paste.Clear();
                }

                _inPaste = !_inPaste;
                continue;
            }

            if (matched > 0 && i + matched == keys.Count && (_inPaste || matched > 1))
            {
                _carry.AddRange(keys.Skip(i)); // a marker cut by the end of the read: decide with the next read
                break;
            }

            if (_inPaste)
            {
                _paste.Append(Text(keys, i, 1));
            }
            else
            {
                output.Add(keys[i]);
            }

            i++;
        }

        return output;
    }

    /// <summary>Several keys of text in one read with a line break that more text follows: a paste from a terminal that does not bracket.</summary>
    private static bool IsBurst(List<ConsoleKeyInfo> keys)
    {
        if (keys.Count < 3 || !keys.All(IsText))
        {
            return false;
        }

        // A terminal pastes a line break as CR (Enter); Ctrl-J (LF) is the user's own "new line" key, typed ahead
        // of more text by a fast typist or a script, and must not turn what follows (and its Enter) into a paste.
        var lineBreak = keys.FindIndex(k => k.Key == ConsoleKey.Enter && k.KeyChar == '\r' && k.Modifiers == 0);
        return lineBreak >= 0 && keys.Skip(lineBreak + 1).Any(k => k.Key != ConsoleKey.Enter);
    }

    private static bool IsText(ConsoleKeyInfo key) =>
        key.Key is ConsoleKey.Enter or ConsoleKey.Tab
        || (key.KeyChar >= ' ' && key.KeyChar != '\u007f' && !key.Modifiers.HasFlag(ConsoleModifiers.Control) && !key.Modifiers.HasFlag(ConsoleModifiers.Alt));

    /// <summary>How many keys from <paramref name="at"/> match the start of <paramref name="marker"/> (its length when all do).</summary>
    private static int Matches(List<ConsoleKeyInfo> keys, int at, string marker)
    {
        var n = 0;
        while (n < marker.Length && at + n < keys.Count && keys[at + n].KeyChar == marker[n])
        {
            n++;
        }

        return n;
    }

    private static string Text(List<ConsoleKeyInfo> keys, int start, int count)
    {
        var text = new StringBuilder(count);
        for (var i = start; i < start + count; i++)
        {
            var key = keys[i];
            if (key.Key == ConsoleKey.Enter)
            {
                if (!(key.KeyChar == '\n' && i > start && keys[i - 1] is { Key: ConsoleKey.Enter, KeyChar: '\r' }))
                {
                    text.Append('\n'); // CR, LF and CR LF are one line break each
                }
            }
            else if (key.Key == ConsoleKey.Tab)
            {
                text.Append('\t');
            }
            else if (key.KeyChar != '\0')
            {
                text.Append(key.KeyChar);
            }
        }

        return text.ToString();
    }
}
