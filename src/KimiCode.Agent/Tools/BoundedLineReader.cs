namespace KimiCode.Agent.Tools;

/// <summary>Receives the characters of an over-long line that <see cref="BoundedLineReader"/> skips.</summary>
internal delegate void SkippedCharacters(ReadOnlySpan<char> skipped);

/// <summary>
/// Splits text at <c>\n</c> only (a <c>\r</c> before it stays on the line, as in ripgrep) in bounded memory: a line
/// keeps at most <see cref="MaxLineChars"/> characters and the rest of it is read past without being buffered (each
/// skipped chunk goes to the optional <see cref="SkippedCharacters"/> callback), so one huge line costs no more memory
/// than a short one.
/// </summary>
internal sealed class BoundedLineReader(TextReader reader, int maxLineChars, SkippedCharacters? onSkipped = null, CancellationToken cancellationToken = default)
{
    private readonly char[] _buffer = new char[16 * 1024];
    private char[] _line = new char[256];
    private int _lineLength;
    private bool _truncated;
    private int _position;
    private int _length;
    private bool _done;

    /// <summary>The most characters a line keeps.</summary>
    public int MaxLineChars { get; } = maxLineChars;

    /// <summary>The start of the line being read (valid inside the <see cref="SkippedCharacters"/> callback).</summary>
    public ReadOnlySpan<char> Kept => _line.AsSpan(0, _lineLength);

    /// <summary>The next line (without its <c>\n</c>) and whether it was longer than <see cref="MaxLineChars"/>; false at the end.</summary>
    public bool TryReadLine(out string line, out bool truncated)
    {
        while (true)
        {
            if (TakeBuffered(out line, out truncated))
            {
                return true;
            }

            if (_done)
            {
                return TakeLast(out line, out truncated);
            }

            cancellationToken.ThrowIfCancellationRequested();
            Filled(reader.Read(_buffer, 0, _buffer.Length));
        }
    }

    /// <summary>As <see cref="TryReadLine"/>, reading asynchronously; null at the end.</summary>
    public async ValueTask<(string Line, bool Truncated)?> ReadLineAsync()
    {
        while (true)
        {
            if (TakeBuffered(out var line, out var truncated))
            {
                return (line, truncated);
            }

            if (_done)
            {
                return TakeLast(out line, out truncated) ? (line, truncated) : null;
            }

            Filled(await reader.ReadAsync(_buffer.AsMemory(), cancellationToken).ConfigureAwait(false));
        }
    }

    private void Filled(int read)
    {
        _length = read;
        _position = 0;
        _done = read == 0;
    }

    private bool TakeBuffered(out string line, out bool truncated)
    {
        if (_position < _length)
        {
            var span = _buffer.AsSpan(_position, _length - _position);
            var newline = span.IndexOf('\n');
            Append(newline >= 0 ? span[..newline] : span);
            _position = newline >= 0 ? _position + newline + 1 : _length;
            if (newline >= 0)
            {
                line = Finish(out truncated);
                return true;
            }
        }

        line = "";
        truncated = false;
        return false;
    }

    private bool TakeLast(out string line, out bool truncated)
    {
        if (_lineLength > 0 || _truncated)
        {
            line = Finish(out truncated);
            return true;
        }

        line = "";
        truncated = false;
        return false;
    }

    private void Append(ReadOnlySpan<char> chars)
    {
        var room = MaxLineChars - _lineLength;
        var kept = chars[..Math.Min(room, chars.Length)];
        if (kept.Length > 0)
        {
            if (_lineLength + kept.Length > _line.Length)
            {
                Array.Resize(ref _line, Math.Min(MaxLineChars, Math.Max(_line.Length * 2, _lineLength + kept.Length)));
            }

            kept.CopyTo(_line.AsSpan(_lineLength));
            _lineLength += kept.Length;
        }

        if (kept.Length < chars.Length)
        {
            _truncated = true;
            onSkipped?.Invoke(chars[kept.Length..]);
        }
    }

    private string Finish(out bool truncated)
    {
        var line = new string(_line, 0, _lineLength);
        truncated = _truncated;
        _lineLength = 0;
        _truncated = false;
        return line;
    }
}
