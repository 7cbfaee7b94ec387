using System.Text;

namespace KimiCode.Cli.Tests.Support;

/// <summary>
/// A small terminal emulator for tests: it applies what the shell writes (text, CR/LF, cursor up/down/right,
/// erase line/below, clear screen, wrapping at the width with the pending-wrap rule) to a grid of rows, so a
/// test reads the screen a user would see rather than the byte stream. Colours and other SGR codes are ignored.
/// </summary>
internal sealed class VirtualScreen
{
    private readonly List<StringBuilder> _rows = [new()];
    private readonly Lock _gate = new();
    private int _row;
    private int _column;
    private bool _pendingWrap;
    private int _escape; // 0 none, 1 after ESC, 2 in CSI
    private readonly StringBuilder _parameters = new();

    public VirtualScreen(int width) => Width = width;

    public int Width { get; }

    /// <summary>Every row, trailing spaces removed, trailing empty rows removed.</summary>
    public string Text
    {
        get
        {
            lock (_gate)
            {
                var lines = _rows.Select(r => r.ToString().TrimEnd()).ToList();
                while (lines.Count > 0 && lines[^1].Length == 0)
                {
                    lines.RemoveAt(lines.Count - 1);
                }

                return string.Join('\n', lines);
            }
        }
    }

    public (int Row, int Column) Cursor
    {
        get
        {
            lock (_gate)
            {
                return (_row, _column);
            }
        }
    }

    public void Feed(string text)
    {
        lock (_gate)
        {
            foreach (var c in text)
            {
                Feed(c);
            }
        }
    }

    private void Feed(char c)
    {
        if (_escape == 3)
        {
            // An operating system command (OSC 52 clipboard, a title): shows nothing, ends at BEL or ESC \.
            _escape = c == '\u0007' ? 0 : c == '\u001b' ? 4 : 3;
            return;
        }

        if (_escape == 4)
        {
            _escape = c == '\\' ? 0 : 3;
            return;
        }

        if (_escape == 1)
        {
            if (c == ']')
            {
                _escape = 3;
                return;
            }

            _escape = c == '[' ? 2 : 0;
            _parameters.Clear();
            return;
        }

        if (_escape == 2)
        {
            if (c is >= '@' and <= '~')
            {
                _escape = 0;
                Control(c, _parameters.ToString());
            }
            else
            {
                _parameters.Append(c);
            }

            return;
        }

        switch (c)
        {
            case '\u001b':
                _escape = 1;
                return;
            case '\r':
                _column = 0;
                _pendingWrap = false;
                return;
            case '\n': // the terminal's ONLCR: a line feed also returns the carriage
                _pendingWrap = false;
                _column = 0;
                _row++;
                EnsureRow();
                return;
            case '\b':
                _column = Math.Max(0, _column - 1);
                _pendingWrap = false;
                return;
        }

        if (char.IsControl(c))
        {
            return;
        }

        if (_pendingWrap)
        {
            _pendingWrap = false;
            _column = 0;
            _row++;
            EnsureRow();
        }

        var row = _rows[_row];
        while (row.Length < _column)
        {
            row.Append(' ');
        }

        if (_column < row.Length)
        {
            row[_column] = c;
        }
        else
        {
            row.Append(c);
        }

        if (_column == Width - 1)
        {
            _pendingWrap = true;
        }
        else
        {
            _column++;
        }
    }

    private void Control(char command, string parameters)
    {
        var n = int.TryParse(parameters.TrimStart('?'), out var value) ? value : 0;
        _pendingWrap = false;
        switch (command)
        {
            case 'A':
                _row = Math.Max(0, _row - Math.Max(1, n));
                break;
            case 'B':
                _row += Math.Max(1, n);
                EnsureRow();
                break;
            case 'C':
                _column = Math.Min(Width - 1, _column + Math.Max(1, n));
                break;
            case 'D':
                _column = Math.Max(0, _column - Math.Max(1, n));
                break;
            case 'G':
                _column = Math.Max(0, n - 1);
                break;
            case 'K':
                var row = _rows[_row];
                if (n == 2)
                {
                    row.Clear();
                }
                else if (row.Length > _column)
                {
                    row.Length = _column;
                }

                break;
            case 'J':
                if (n is 2 or 3)
                {
                    _rows.Clear();
                    _rows.Add(new StringBuilder());
                    _row = 0;
                    _column = 0;
                }
                else
                {
                    if (_rows[_row].Length > _column)
                    {
                        _rows[_row].Length = _column;
                    }

                    _rows.RemoveRange(_row + 1, _rows.Count - _row - 1);
                }

                break;
            case 'H':
                _row = 0;
                _column = 0;
                break;
        }
    }

    private void EnsureRow()
    {
        while (_rows.Count <= _row)
        {
            _rows.Add(new StringBuilder());
        }
    }
}
