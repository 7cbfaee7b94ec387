using System.Globalization;
using System.Text;

namespace KimiCode.Config.Toml;

/// <summary>
/// Hand-written TOML 1.0 scanner over a string. No regular expressions and no per-character
/// allocations: substrings are cut only for keys and string values. When asked, it records where each
/// statement sits in the text so that <see cref="TomlEditor"/> can splice edits without re-serialising.
/// </summary>
internal sealed class TomlParser
{
    private readonly string _text;
    private readonly string? _sourcePath;
    private readonly List<TomlStatement>? _statements;
    private readonly StringBuilder _buffer = new();
    private readonly List<List<string>> _keyPool = [];
    private int _pos;
    private int _depth;
    private int _keyDepth;
    private int _section;
    private int _inlineSection;
    private int _lineCachePos;
    private int _lineCacheLine = 1;

    // Deep nesting would blow the stack; no real config comes close.
    private const int MaxDepth = 128;

    public TomlParser(string text, string? sourcePath, List<TomlStatement>? statements)
    {
        _text = text;
        _sourcePath = sourcePath;
        _statements = statements;
    }

    public TomlTable Parse()
    {
        var root = new TomlTable(TomlTableOrigin.Header, 1);
        if (_text.Length > 0 && _text[0] == '\uFEFF')
        {
            _pos = 1;
        }

        var current = root;
        string[] currentPath = [];
        var inArrayTable = false;
        var text = _text;
        while (true)
        {
            SkipWhitespace();
            if (_pos >= text.Length)
            {
                break;
            }

            var c = text[_pos];
            if (c == '\n' || c == '\r')
            {
                ConsumeNewline();
                continue;
            }

            if (c == '#')
            {
                SkipComment();
                continue;
            }

            var lineStart = LineStartOf(_pos);
            var start = _pos;
            if (c == '[')
            {
                _section++;
                var isArray = _pos + 1 < text.Length && text[_pos + 1] == '[';
                _pos += isArray ? 2 : 1;
                SkipWhitespace();
                var keys = RentKeyList();
                ParseKey(keys);
                SkipWhitespace();
                Expect(']', "expected ']' to close the table header");
                if (isArray)
                {
                    Expect(']', "expected ']]' to close the array-of-tables header");
                }

                var end = _pos;
                current = isArray ? DefineArrayTable(root, keys, start, out inArrayTable) : DefineTable(root, keys, start, out inArrayTable);
                currentPath = _statements is null ? currentPath : [.. keys];
                ReturnKeyList();
                EndOfLine();
                _statements?.Add(new TomlStatement(
                    isArray ? TomlStatementKind.ArrayTable : TomlStatementKind.Table,
                    currentPath,
                    lineStart,
                    start,
                    end,
                    _pos,
                    inArrayTable));
            }
            else
            {
                var keys = RentKeyList();
                var (valueStart, valueEnd) = ParseKeyValue(current, keys, _section);
                string[]? path = _statements is null ? null : [.. currentPath, .. keys];
                ReturnKeyList();
                EndOfLine();
                _statements?.Add(new TomlStatement(TomlStatementKind.KeyValue, path!, lineStart, valueStart, valueEnd, _pos, inArrayTable));
            }
        }

        return root;
    }

    private List<string> RentKeyList()
    {
        while (_keyPool.Count <= _keyDepth)
        {
            _keyPool.Add(new List<string>(4));
        }

        var list = _keyPool[_keyDepth++];
        list.Clear();
        return list;
    }

    private void ReturnKeyList() => _keyDepth--;

    private int LineStartOf(int pos)
    {
        var index = pos == 0 ? -1 : _text.LastIndexOf('\n', pos - 1);
        return index + 1;
    }

    /// <summary>1-based line of <paramref name="pos"/>; positions are asked for in increasing order, so a forward cache keeps this linear.</summary>
    private int LineOf(int pos)
    {
        if (pos < _lineCachePos)
        {
            _lineCachePos = 0;
            _lineCacheLine = 1;
        }

        _lineCacheLine += _text.AsSpan(_lineCachePos, pos - _lineCachePos).Count('\n');
        _lineCachePos = pos;
        return _lineCacheLine;
    }

    private TomlException Error(string what) => Error(_pos, what);

    private TomlException Error(int pos, string what)
    {
        pos = Math.Min(pos, _text.Length);
        var before = _text.AsSpan(0, pos);
        var line = before.Count('\n') + 1;
        var lastNewline = before.LastIndexOf('\n');
        var column = pos - lastNewline;
        return new TomlException(_sourcePath, line, column, what);
    }

    private void Expect(char c, string what)
    {
        if (_pos >= _text.Length || _text[_pos] != c)
        {
            throw Error(what);
        }

        _pos++;
    }

    private void SkipWhitespace()
    {
        var text = _text;
        while (_pos < text.Length && (text[_pos] == ' ' || text[_pos] == '\t'))
        {
            _pos++;
        }
    }

    private void ConsumeNewline()
    {
        if (_text[_pos] == '\n')
        {
            _pos++;
            return;
        }

        if (_pos + 1 < _text.Length && _text[_pos + 1] == '\n')
        {
            _pos += 2;
            return;
        }

        throw Error("a carriage return must be followed by a line feed");
    }

    private void SkipComment()
    {
        var text = _text;
        _pos++;
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '\n')
            {
                return;
            }

            if (c == '\r')
            {
                if (_pos + 1 < text.Length && text[_pos + 1] == '\n')
                {
                    return;
                }

                throw Error("a carriage return must be followed by a line feed");
            }

            if (IsControl(c))
            {
                throw Error("control characters are not allowed in comments");
            }

            _pos++;
        }
    }

    private void EndOfLine()
    {
        SkipWhitespace();
        if (_pos >= _text.Length)
        {
            return;
        }

        var c = _text[_pos];
        if (c == '#')
        {
            SkipComment();
            if (_pos >= _text.Length)
            {
                return;
            }

            c = _text[_pos];
        }

        if (c == '\n' || c == '\r')
        {
            ConsumeNewline();
            return;
        }

        throw Error($"expected the end of the line, found '{Printable(c)}'");
    }

    private void SkipWhitespaceCommentsAndNewlines()
    {
        while (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == ' ' || c == '\t')
            {
                _pos++;
            }
            else if (c == '\n' || c == '\r')
            {
                ConsumeNewline();
            }
            else if (c == '#')
            {
                SkipComment();
            }
            else
            {
                return;
            }
        }
    }

    private static bool IsControl(char c) => (c < 0x20 && c != '\t') || c == 0x7F;

    private static bool IsBareKeyChar(char c)
        => (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-';

    private static string Printable(char c) => c < 0x20 || c == 0x7F ? $"\\u{(int)c:X4}" : c.ToString();

    private void ParseKey(List<string> keys)
    {
        while (true)
        {
            if (_pos >= _text.Length)
            {
                throw Error("expected a key");
            }

            var c = _text[_pos];
            if (c == '"')
            {
                _pos++;
                keys.Add(ParseBasicString());
            }
            else if (c == '\'')
            {
                _pos++;
                keys.Add(ParseLiteralString());
            }
            else
            {
                var start = _pos;
                while (_pos < _text.Length && IsBareKeyChar(_text[_pos]))
                {
                    _pos++;
                }

                if (_pos == start)
                {
                    throw Error($"expected a key, found '{Printable(c)}'");
                }

                keys.Add(_text.Substring(start, _pos - start));
            }

            SkipWhitespace();
            if (_pos < _text.Length && _text[_pos] == '.')
            {
                _pos++;
                SkipWhitespace();
                continue;
            }

            return;
        }
    }

    private (int ValueStart, int ValueEnd) ParseKeyValue(TomlTable target, List<string> keys, int section)
    {
        var keyStart = _pos;
        ParseKey(keys);
        SkipWhitespace();
        Expect('=', "expected '=' after the key");
        SkipWhitespace();
        var valueStart = _pos;
        var value = ParseValue();
        var valueEnd = _pos;

        var table = target;
        for (var i = 0; i < keys.Count - 1; i++)
        {
            var key = keys[i];
            if (table.TryGetValue(key, out var existing))
            {
                if (existing is not TomlTable sub)
                {
                    throw Error(keyStart, $"key '{key}' already holds a value that is not a table");
                }

                switch (sub.Origin)
                {
                    case TomlTableOrigin.Inline:
                        throw Error(keyStart, $"cannot add keys to the inline table '{key}'");
                    case TomlTableOrigin.Header:
                        throw Error(keyStart, $"table '{key}' is defined by a header; dotted keys cannot extend it");
                    case TomlTableOrigin.DottedKeys when sub.Section != section:
                        throw Error(keyStart, $"table '{key}' was defined by dotted keys in another section");
                    case TomlTableOrigin.Implicit:
                        sub.Origin = TomlTableOrigin.DottedKeys;
                        sub.Section = section;
                        break;
                }

                table = sub;
            }
            else
            {
                var created = new TomlTable(TomlTableOrigin.DottedKeys, LineOf(keyStart)) { Section = section };
                table.Add(key, created);
                table = created;
            }
        }

        var last = keys[^1];
        if (!table.TryAdd(last, value))
        {
            throw Error(keyStart, $"duplicate key '{last}'");
        }

        return (valueStart, valueEnd);
    }

    private TomlTable NavigateHeader(TomlTable root, List<string> keys, int start, out bool inArrayTable)
    {
        inArrayTable = false;
        var table = root;
        for (var i = 0; i < keys.Count - 1; i++)
        {
            var key = keys[i];
            if (table.TryGetValue(key, out var existing))
            {
                if (existing is TomlTable sub)
                {
                    if (sub.IsInline)
                    {
                        throw Error(start, $"cannot extend the inline table '{key}' with a header");
                    }

                    table = sub;
                }
                else if (existing is TomlArray { IsArrayOfTables: true } array)
                {
                    table = (TomlTable)array[^1];
                    inArrayTable = true;
                }
                else
                {
                    throw Error(start, $"key '{key}' already holds a value that is not a table");
                }
            }
            else
            {
                var created = new TomlTable(TomlTableOrigin.Implicit, LineOf(start));
                table.Add(key, created);
                table = created;
            }
        }

        return table;
    }

    private TomlTable DefineTable(TomlTable root, List<string> keys, int start, out bool inArrayTable)
    {
        var parent = NavigateHeader(root, keys, start, out inArrayTable);
        var last = keys[^1];
        if (parent.TryGetValue(last, out var existing))
        {
            if (existing is TomlTable { Origin: TomlTableOrigin.Implicit } implicitTable)
            {
                implicitTable.Origin = TomlTableOrigin.Header;
                implicitTable.Line = LineOf(start);
                return implicitTable;
            }

            throw Error(start, $"table '{last}' is already defined");
        }

        var table = new TomlTable(TomlTableOrigin.Header, LineOf(start));
        parent.Add(last, table);
        return table;
    }

    private TomlTable DefineArrayTable(TomlTable root, List<string> keys, int start, out bool inArrayTable)
    {
        var parent = NavigateHeader(root, keys, start, out _);
        inArrayTable = true;
        var last = keys[^1];
        var table = new TomlTable(TomlTableOrigin.Header, LineOf(start));
        if (parent.TryGetValue(last, out var existing))
        {
            if (existing is TomlArray { IsArrayOfTables: true } array)
            {
                array.Add(table);
                return table;
            }

            throw Error(start, $"'{last}' is already defined and is not an array of tables");
        }

        var created = new TomlArray { IsArrayOfTables = true };
        created.Add(table);
        parent.Add(last, created);
        return table;
    }

    private object ParseValue()
    {
        if (_pos >= _text.Length)
        {
            throw Error("expected a value");
        }

        var c = _text[_pos];
        switch (c)
        {
            case '"':
                if (At("\"\"\""))
                {
                    _pos += 3;
                    return ParseMultilineBasicString();
                }

                _pos++;
                return ParseBasicString();
            case '\'':
                if (At("'''"))
                {
                    _pos += 3;
                    return ParseMultilineLiteralString();
                }

                _pos++;
                return ParseLiteralString();
            case '[':
                return ParseArray();
            case '{':
                return ParseInlineTable();
            case 't':
                ExpectWord("true");
                return true;
            case 'f':
                ExpectWord("false");
                return false;
            default:
                if (c >= '0' && c <= '9')
                {
                    if (LooksLikeDate())
                    {
                        return ParseDateTime();
                    }

                    if (LooksLikeTime())
                    {
                        var time = ParseTime();
                        return new TomlDateTime(TomlDateTimeKind.LocalTime, default, time);
                    }
                }

                if ((c >= '0' && c <= '9') || c == '+' || c == '-' || c == 'i' || c == 'n')
                {
                    return ParseNumber();
                }

                throw Error($"expected a value, found '{Printable(c)}'");
        }
    }

    private bool At(string token) => string.CompareOrdinal(_text, _pos, token, 0, token.Length) == 0;

    private void ExpectWord(string word)
    {
        if (!At(word))
        {
            throw Error("expected a value (true, false, a number, a string, a date, an array or an inline table)");
        }

        _pos += word.Length;
    }

    private TomlArray ParseArray()
    {
        if (++_depth > MaxDepth)
        {
            throw Error("arrays and inline tables are nested too deeply");
        }

        _pos++;
        var array = new TomlArray();
        while (true)
        {
            SkipWhitespaceCommentsAndNewlines();
            if (_pos >= _text.Length)
            {
                throw Error("unterminated array: expected ']'");
            }

            if (_text[_pos] == ']')
            {
                _pos++;
                break;
            }

            array.Add(ParseValue());
            SkipWhitespaceCommentsAndNewlines();
            if (_pos >= _text.Length)
            {
                throw Error("unterminated array: expected ']'");
            }

            if (_text[_pos] == ',')
            {
                _pos++;
                continue;
            }

            if (_text[_pos] == ']')
            {
                _pos++;
                break;
            }

            throw Error($"expected ',' or ']' in the array, found '{Printable(_text[_pos])}'");
        }

        _depth--;
        return array;
    }

    private TomlTable ParseInlineTable()
    {
        if (++_depth > MaxDepth)
        {
            throw Error("arrays and inline tables are nested too deeply");
        }

        var table = new TomlTable(TomlTableOrigin.Inline, LineOf(_pos));
        _pos++;
        var section = --_inlineSection;
        SkipWhitespace();
        if (_pos < _text.Length && _text[_pos] == '}')
        {
            _pos++;
            _depth--;
            return table;
        }

        while (true)
        {
            var keys = RentKeyList();
            ParseKeyValue(table, keys, section);
            ReturnKeyList();
            SkipWhitespace();
            if (_pos >= _text.Length)
            {
                throw Error("unterminated inline table: expected '}'");
            }

            var c = _text[_pos];
            if (c == ',')
            {
                _pos++;
                SkipWhitespace();
                continue;
            }

            if (c == '}')
            {
                _pos++;
                break;
            }

            throw Error(c == '\n' || c == '\r'
                ? "inline tables must stay on one line"
                : $"expected ',' or '}}' in the inline table, found '{Printable(c)}'");
        }

        _depth--;
        return table;
    }

    private string ParseBasicString()
    {
        var text = _text;
        var start = _pos;
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '"')
            {
                var result = text.Substring(start, _pos - start);
                _pos++;
                return result;
            }

            if (c == '\\')
            {
                break;
            }

            if (IsControl(c))
            {
                throw Error(c == '\n' || c == '\r' ? "newline in a single-line string" : "control characters must be escaped in strings");
            }

            _pos++;
        }

        if (_pos >= text.Length)
        {
            throw Error("unterminated string");
        }

        var buffer = _buffer.Clear();
        buffer.Append(text, start, _pos - start);
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '"')
            {
                _pos++;
                return buffer.ToString();
            }

            if (c == '\\')
            {
                ParseEscape(buffer);
                continue;
            }

            if (IsControl(c))
            {
                throw Error(c == '\n' || c == '\r' ? "newline in a single-line string" : "control characters must be escaped in strings");
            }

            buffer.Append(c);
            _pos++;
        }

        throw Error("unterminated string");
    }

    private void ParseEscape(StringBuilder buffer)
    {
        var escapeStart = _pos;
        _pos++;
        if (_pos >= _text.Length)
        {
            throw Error("unterminated string");
        }

        var c = _text[_pos++];
        switch (c)
        {
            case 'b': buffer.Append('\b'); return;
            case 't': buffer.Append('\t'); return;
            case 'n': buffer.Append('\n'); return;
            case 'f': buffer.Append('\f'); return;
            case 'r': buffer.Append('\r'); return;
            case '"': buffer.Append('"'); return;
            case '\\': buffer.Append('\\'); return;
            case 'u':
            case 'U':
                var digits = c == 'u' ? 4 : 8;
                if (_pos + digits > _text.Length
                    || !uint.TryParse(_text.AsSpan(_pos, digits), NumberStyles.AllowHexSpecifier, CultureInfo.InvariantCulture, out var code))
                {
                    throw Error(escapeStart, $"\\{c} needs {digits} hex digits");
                }

                if (code > 0x10FFFF || (code >= 0xD800 && code <= 0xDFFF))
                {
                    throw Error(escapeStart, $"\\{c}{_text.AsSpan(_pos, digits)} is not a Unicode scalar value");
                }

                _pos += digits;
                if (code < 0x10000)
                {
                    buffer.Append((char)code);
                }
                else
                {
                    code -= 0x10000;
                    buffer.Append((char)(0xD800 + (code >> 10))).Append((char)(0xDC00 + (code & 0x3FF)));
                }

                return;
            default:
                throw Error(escapeStart, $"invalid escape sequence '\\{Printable(c)}'");
        }
    }

    private string ParseMultilineBasicString()
    {
        SkipLeadingNewline();
        var text = _text;
        var buffer = _buffer.Clear();
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '"')
            {
                if (ClosesMultiline('"', buffer))
                {
                    return buffer.ToString();
                }

                continue;
            }

            if (c == '\\')
            {
                var next = _pos + 1 < text.Length ? text[_pos + 1] : '\0';
                if (next == ' ' || next == '\t' || next == '\n' || next == '\r')
                {
                    // Line-ending backslash: trims the newline and all whitespace that follows.
                    var at = _pos;
                    _pos++;
                    SkipWhitespace();
                    if (_pos >= text.Length || (text[_pos] != '\n' && text[_pos] != '\r'))
                    {
                        throw Error(at, "a line-ending backslash must be followed only by whitespace and a newline");
                    }

                    while (_pos < text.Length)
                    {
                        var w = text[_pos];
                        if (w == ' ' || w == '\t')
                        {
                            _pos++;
                        }
                        else if (w == '\n' || w == '\r')
                        {
                            ConsumeNewline();
                        }
                        else
                        {
                            break;
                        }
                    }

                    continue;
                }

                ParseEscape(buffer);
                continue;
            }

            AppendMultilineChar(c, buffer);
        }

        throw Error("unterminated multi-line string");
    }

    private string ParseMultilineLiteralString()
    {
        SkipLeadingNewline();
        var text = _text;
        var buffer = _buffer.Clear();
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '\'')
            {
                if (ClosesMultiline('\'', buffer))
                {
                    return buffer.ToString();
                }

                continue;
            }

            AppendMultilineChar(c, buffer);
        }

        throw Error("unterminated multi-line literal string");
    }

    private void AppendMultilineChar(char c, StringBuilder buffer)
    {
        if (c == '\r')
        {
            if (_pos + 1 < _text.Length && _text[_pos + 1] == '\n')
            {
                buffer.Append("\r\n");
                _pos += 2;
                return;
            }

            throw Error("a carriage return must be followed by a line feed");
        }

        if (c != '\n' && IsControl(c))
        {
            throw Error("control characters must be escaped in strings");
        }

        buffer.Append(c);
        _pos++;
    }

    private void SkipLeadingNewline()
    {
        if (_pos < _text.Length && _text[_pos] == '\n')
        {
            _pos++;
        }
        else if (_pos + 1 < _text.Length && _text[_pos] == '\r' && _text[_pos + 1] == '\n')
        {
            _pos += 2;
        }
    }

    /// <summary>At a run of quotes inside a multi-line string: three or more close it (up to two extra belong to the content).</summary>
    private bool ClosesMultiline(char quote, StringBuilder buffer)
    {
        var run = 0;
        while (_pos + run < _text.Length && _text[_pos + run] == quote)
        {
            run++;
        }

        if (run < 3)
        {
            buffer.Append(quote, run);
            _pos += run;
            return false;
        }

        if (run > 5)
        {
            throw Error("too many quotes at the end of a multi-line string");
        }

        buffer.Append(quote, run - 3);
        _pos += run;
        return true;
    }

    private string ParseLiteralString()
    {
        var text = _text;
        var start = _pos;
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (c == '\'')
            {
                var result = text.Substring(start, _pos - start);
                _pos++;
                return result;
            }

            if (IsControl(c))
            {
                throw Error(c == '\n' || c == '\r' ? "newline in a single-line string" : "control characters are not allowed in literal strings");
            }

            _pos++;
        }

        throw Error("unterminated literal string");
    }

    private static bool IsDigit(char c) => c >= '0' && c <= '9';

    private bool DigitAt(int index) => index < _text.Length && IsDigit(_text[index]);

    private bool LooksLikeDate()
        => DigitAt(_pos) && DigitAt(_pos + 1) && DigitAt(_pos + 2) && DigitAt(_pos + 3) && _pos + 4 < _text.Length && _text[_pos + 4] == '-';

    private bool LooksLikeTime() => DigitAt(_pos) && DigitAt(_pos + 1) && _pos + 2 < _text.Length && _text[_pos + 2] == ':';

    private int ReadDigits(int count, string what)
    {
        var value = 0;
        for (var i = 0; i < count; i++)
        {
            if (!DigitAt(_pos))
            {
                throw Error($"malformed {what}");
            }

            value = (value * 10) + (_text[_pos++] - '0');
        }

        return value;
    }

    private TomlDateTime ParseDateTime()
    {
        var start = _pos;
        var year = ReadDigits(4, "date: expected YYYY-MM-DD");
        Expect('-', "malformed date: expected YYYY-MM-DD");
        var month = ReadDigits(2, "date: expected YYYY-MM-DD");
        Expect('-', "malformed date: expected YYYY-MM-DD");
        var day = ReadDigits(2, "date: expected YYYY-MM-DD");
        if (year < 1 || month < 1 || month > 12 || day < 1 || day > DateTime.DaysInMonth(year, month))
        {
            throw Error(start, "invalid date");
        }

        var date = new DateOnly(year, month, day);
        if (_pos >= _text.Length)
        {
            return new TomlDateTime(TomlDateTimeKind.LocalDate, date, default);
        }

        var separator = _text[_pos];
        var hasTime = separator == 'T' || separator == 't' || (separator == ' ' && DigitAt(_pos + 1) && DigitAt(_pos + 2) && _pos + 3 < _text.Length && _text[_pos + 3] == ':');
        if (!hasTime)
        {
            return new TomlDateTime(TomlDateTimeKind.LocalDate, date, default);
        }

        _pos++;
        var time = ParseTime();
        if (_pos < _text.Length)
        {
            var c = _text[_pos];
            if (c == 'Z' || c == 'z')
            {
                _pos++;
                return new TomlDateTime(TomlDateTimeKind.OffsetDateTime, date, time, 0);
            }

            if (c == '+' || c == '-')
            {
                _pos++;
                var hours = ReadDigits(2, "offset: expected +HH:MM");
                Expect(':', "malformed offset: expected +HH:MM");
                var minutes = ReadDigits(2, "offset: expected +HH:MM");
                if (hours > 23 || minutes > 59)
                {
                    throw Error(start, "invalid UTC offset");
                }

                var offset = (hours * 60) + minutes;
                return new TomlDateTime(TomlDateTimeKind.OffsetDateTime, date, time, c == '-' ? -offset : offset);
            }
        }

        return new TomlDateTime(TomlDateTimeKind.LocalDateTime, date, time);
    }

    private TimeOnly ParseTime()
    {
        var start = _pos;
        var hour = ReadDigits(2, "time: expected HH:MM:SS");
        Expect(':', "malformed time: expected HH:MM:SS");
        var minute = ReadDigits(2, "time: expected HH:MM:SS");
        Expect(':', "malformed time: TOML 1.0 requires seconds (HH:MM:SS)");
        var second = ReadDigits(2, "time: expected HH:MM:SS");
        if (hour > 23 || minute > 59 || second > 59)
        {
            throw Error(start, "invalid time");
        }

        long ticks = 0;
        if (_pos < _text.Length && _text[_pos] == '.')
        {
            _pos++;
            if (!DigitAt(_pos))
            {
                throw Error("malformed time: expected digits after '.'");
            }

            // 100 ns resolution: keep seven digits, drop the rest (truncation is allowed by TOML).
            var scale = TimeSpan.TicksPerSecond / 10;
            while (DigitAt(_pos))
            {
                ticks += (_text[_pos++] - '0') * scale;
                scale /= 10;
            }
        }

        return new TimeOnly(new TimeSpan(0, hour, minute, second).Ticks + ticks);
    }

    private object ParseNumber()
    {
        var start = _pos;
        var text = _text;
        while (_pos < text.Length)
        {
            var c = text[_pos];
            if (IsBareKeyChar(c) || c == '.' || c == '+')
            {
                _pos++;
            }
            else
            {
                break;
            }
        }

        var token = text.AsSpan(start, _pos - start);
        var body = token;
        var negative = false;
        var signed = false;
        if (body.Length > 0 && (body[0] == '+' || body[0] == '-'))
        {
            negative = body[0] == '-';
            signed = true;
            body = body[1..];
        }

        if (body.SequenceEqual("inf"))
        {
            return negative ? double.NegativeInfinity : double.PositiveInfinity;
        }

        if (body.SequenceEqual("nan"))
        {
            return double.NaN;
        }

        if (body.Length > 2 && body[0] == '0' && (body[1] == 'x' || body[1] == 'o' || body[1] == 'b'))
        {
            if (signed)
            {
                throw Error(start, "hexadecimal, octal and binary integers cannot carry a sign");
            }

            var radix = body[1] == 'x' ? 16 : body[1] == 'o' ? 8 : 2;
            return ParseRadixInteger(body[2..], radix, start);
        }

        var isFloat = body.IndexOfAny('.', 'e', 'E') >= 0;
        return isFloat ? ParseFloat(body, token, start) : (object)ParseDecimalInteger(body, negative, start);
    }

    private static int DigitValue(char c)
        => c >= '0' && c <= '9' ? c - '0' : c >= 'a' && c <= 'f' ? c - 'a' + 10 : c >= 'A' && c <= 'F' ? c - 'A' + 10 : 99;

    /// <summary>Digits with single underscores only between digits.</summary>
    private static bool ValidDigitRun(ReadOnlySpan<char> run, int radix)
    {
        if (run.Length == 0 || run[0] == '_' || run[^1] == '_')
        {
            return false;
        }

        for (var i = 0; i < run.Length; i++)
        {
            if (run[i] == '_')
            {
                if (run[i - 1] == '_')
                {
                    return false;
                }
            }
            else if (DigitValue(run[i]) >= radix)
            {
                return false;
            }
        }

        return true;
    }

    private long ParseRadixInteger(ReadOnlySpan<char> digits, int radix, int start)
    {
        if (!ValidDigitRun(digits, radix))
        {
            throw Error(start, "malformed integer");
        }

        ulong value = 0;
        foreach (var c in digits)
        {
            if (c == '_')
            {
                continue;
            }

            var next = (value * (ulong)radix) + (ulong)DigitValue(c);
            if (value > (ulong)long.MaxValue / (ulong)radix || next > long.MaxValue)
            {
                throw Error(start, "integer does not fit in 64 bits");
            }

            value = next;
        }

        return (long)value;
    }

    private long ParseDecimalInteger(ReadOnlySpan<char> digits, bool negative, int start)
    {
        if (!ValidDigitRun(digits, 10))
        {
            throw Error(start, "malformed number");
        }

        if (digits.Length > 1 && digits[0] == '0')
        {
            throw Error(start, "leading zeros are not allowed in integers");
        }

        // Accumulate negatively so that long.MinValue parses.
        long value = 0;
        foreach (var c in digits)
        {
            if (c == '_')
            {
                continue;
            }

            var digit = c - '0';
            if (value < (long.MinValue + digit) / 10)
            {
                throw Error(start, "integer does not fit in 64 bits");
            }

            value = (value * 10) - digit;
        }

        if (!negative)
        {
            if (value == long.MinValue)
            {
                throw Error(start, "integer does not fit in 64 bits");
            }

            value = -value;
        }

        return value;
    }

    private double ParseFloat(ReadOnlySpan<char> body, ReadOnlySpan<char> token, int start)
    {
        var exponentAt = body.IndexOfAny('e', 'E');
        var mantissa = exponentAt >= 0 ? body[..exponentAt] : body;
        var dot = mantissa.IndexOf('.');
        var integerPart = dot >= 0 ? mantissa[..dot] : mantissa;
        if (!ValidDigitRun(integerPart, 10) || (integerPart.Length > 1 && integerPart[0] == '0'))
        {
            throw Error(start, "malformed float");
        }

        if (dot >= 0 && !ValidDigitRun(mantissa[(dot + 1)..], 10))
        {
            throw Error(start, "malformed float: expected digits after '.'");
        }

        if (exponentAt >= 0)
        {
            var exponent = body[(exponentAt + 1)..];
            if (exponent.Length > 0 && (exponent[0] == '+' || exponent[0] == '-'))
            {
                exponent = exponent[1..];
            }

            if (!ValidDigitRun(exponent, 10))
            {
                throw Error(start, "malformed float exponent");
            }
        }

        Span<char> clean = token.Length <= 128 ? stackalloc char[token.Length] : new char[token.Length];
        var length = 0;
        foreach (var c in token)
        {
            if (c != '_')
            {
                clean[length++] = c;
            }
        }

        if (!double.TryParse(clean[..length], NumberStyles.Float, CultureInfo.InvariantCulture, out var result))
        {
            throw Error(start, "malformed float");
        }

        return result;
    }
}
