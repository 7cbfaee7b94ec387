using System.Runtime.CompilerServices;
using System.Text;

namespace KimiCode.Agent.Permissions.Shell;

/// <summary>
/// Parses the subset of the bash language a command line uses into simple commands (see <see cref="ShellParse"/>):
/// quotes (<c>'…'</c>, <c>"…"</c>, <c>$'…'</c>), backslashes, <c>; &amp;&amp; || | |&amp; &amp;</c> and newlines, comments,
/// <c>( )</c> and <c>{ }</c>, <c>$(…)</c>, backquotes, <c>&lt;(…)</c>/<c>&gt;(…)</c>, here-documents and here-strings,
/// redirections and leading assignments. What it cannot classify (control flow, <c>eval</c>, arithmetic, a computed
/// program name, unbalanced quotes, input over <see cref="MaxLength"/> or nesting over <see cref="MaxDepth"/>) sets
/// <see cref="ShellParse.Problem"/>; it still collects every command it can see. Never throws; linear in the input for
/// each nesting level.
/// </summary>
internal sealed class ShellParser
{
    /// <summary>Longer command lines are not classified.</summary>
    public const int MaxLength = 64 * 1024;

    /// <summary>Deeper nesting (substitutions, subshells, <c>bash -c</c> strings) is not classified.</summary>
    public const int MaxDepth = 12;

    private const int MaxWork = 4 * MaxLength;

    private readonly string _s;
    private readonly State _state;
    private readonly int _depth;
    private readonly List<(string Delimiter, bool StripTabs, bool Expand)> _pendingHeredocs = [];
    private int _pos;
    private int _nesting;

    private ShellParser(string text, State state, int depth)
    {
        _s = text;
        _state = state;
        _depth = depth;
    }

    /// <summary>Parses <paramref name="commandLine"/>; never throws.</summary>
    public static ShellParse Parse(string commandLine)
    {
        var state = new State();
        try
        {
            if (commandLine.Length > MaxLength)
            {
                state.Truncate("the command line is too long to check");
            }
            else
            {
                if (commandLine.Contains('\0', StringComparison.Ordinal))
                {
                    // A NUL cannot reach bash through argv: what runs depends on who cuts the string where.
                    state.Fail("the command line contains a NUL character");
                    commandLine = commandLine.Replace("\0", "", StringComparison.Ordinal);
                }

                new ShellParser(commandLine, state, 0).ParseAll();
            }
        }
        catch (Exception exception) when (exception is InvalidOperationException or ArgumentException or IndexOutOfRangeException or InsufficientExecutionStackException)
        {
            state.Truncate("the command line could not be parsed");
        }

        return new ShellParse(state.Commands, state.Redirects, state.Problem, state.ChangesDirectory, state.Truncated);
    }

    /// <summary>Parses <paramref name="text"/> (a <c>bash -c</c> string, a backquoted command) one level deeper into the same result.</summary>
    internal void ParseNested(string text)
    {
        if (_depth + _nesting + 1 > MaxDepth)
        {
            _state.Truncate("the command nests too deeply to check");
            return;
        }

        new ShellParser(text, _state, _depth + _nesting + 1).ParseAll();
    }

    /// <summary>Records that something was not classified.</summary>
    internal void Fail(string problem) => _state.Fail(problem);

    /// <summary>Records that part of the line was not examined (too deep, too long).</summary>
    internal void Truncate(string problem) => _state.Truncate(problem);

    private void ParseAll()
    {
        _state.Work += _s.Length;
        if (_state.Work > MaxWork)
        {
            _state.Truncate("the command line is too complex to check");
            return;
        }

        ParseList('\0');
        if (_pos < _s.Length)
        {
            _state.Fail($"unexpected '{_s[_pos]}'");
        }

        if (_pendingHeredocs.Count > 0)
        {
            _state.Fail("a here-document has no body");
        }
    }

    private bool AtEnd => _pos >= _s.Length;

    private char Peek(int offset = 0) => _pos + offset < _s.Length ? _s[_pos + offset] : '\0';

    private static bool IsBlank(char c) => c is ' ' or '\t'; // as bash: \r, \f and \v are word characters

    private static bool IsMeta(char c) => IsBlank(c) || c is ';' or '&' or '|' or '(' or ')' or '<' or '>' or '\n';

    /// <summary>Parses commands separated by operators until <paramref name="terminator"/> (<c>)</c>, <c>}</c>) or the end.</summary>
    private void ParseList(char terminator)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        while (true)
        {
            SkipBlanks(newlines: true);
            if (AtEnd)
            {
                if (terminator != '\0')
                {
                    _state.Fail($"'{(terminator == ')' ? '(' : '{')}' is not closed");
                }

                return;
            }

            var c = Peek();
            if (terminator == ')' && c == ')')
            {
                return;
            }

            if (terminator == '}' && c == '}' && (_pos + 1 >= _s.Length || IsMeta(Peek(1))))
            {
                return;
            }

            var start = _pos;
            if (c is ')' or '}' && terminator == '\0' || c == ')')
            {
                _state.Fail($"unexpected '{c}'");
                _pos++;
                continue;
            }

            ParsePipeline();
            SkipBlanks(newlines: false);
            if (AtEnd)
            {
                continue;
            }

            c = Peek();
            if (c == ';' || c == '&' && Peek(1) != '>')
            {
                _pos += Peek(1) == c ? 2 : 1; // ; ;; & &&
            }
            else if (c == '|' && Peek(1) == '|')
            {
                _pos += 2;
            }
            else if (c == '\n')
            {
                ConsumeNewline();
            }
            else if (_pos == start)
            {
                _state.Fail($"unexpected '{c}'");
                _pos++;
            }
        }
    }

    private void ParsePipeline()
    {
        while (true)
        {
            ParseCommand();
            SkipBlanks(newlines: false);
            if (Peek() == '|' && Peek(1) != '|')
            {
                _pos += Peek(1) == '&' ? 2 : 1;
                SkipBlanks(newlines: true);
                continue;
            }

            return;
        }
    }

    private void ParseCommand()
    {
        SkipBlanks(newlines: false);
        var c = Peek();
        if (c == '(')
        {
            if (Peek(1) == '(')
            {
                _state.Fail("arithmetic is not checked");
            }

            _pos++;
            ParseNestedList(')');
            if (Peek() == ')')
            {
                _pos++;
            }

            ParseTrailingRedirections();
            return;
        }

        if (c == '{' && (IsBlank(Peek(1)) || Peek(1) == '\n'))
        {
            _pos++;
            ParseNestedList('}');
            if (Peek() == '}')
            {
                _pos++;
            }

            ParseTrailingRedirections();
            return;
        }

        ParseSimpleCommand();
    }

    private void ParseNestedList(char terminator)
    {
        if (_depth + _nesting + 1 > MaxDepth)
        {
            _state.Truncate("the command nests too deeply to check");
            _pos = _s.Length;
            return;
        }

        _nesting++;
        ParseList(terminator);
        _nesting--;
    }

    private void ParseTrailingRedirections()
    {
        var redirects = new List<ShellRedirect>();
        while (true)
        {
            SkipBlanks(newlines: false);
            if (!TryReadRedirection(redirects))
            {
                break;
            }
        }

        _state.Redirects.AddRange(redirects);
    }

    private void ParseSimpleCommand()
    {
        var words = new List<ShellWord>();
        var assignments = new List<ShellWord>();
        var redirects = new List<ShellRedirect>();
        var skipRest = false;
        while (true)
        {
            SkipBlanks(newlines: false);
            if (AtEnd)
            {
                break;
            }

            var c = Peek();
            if (c == '#')
            {
                while (!AtEnd && Peek() != '\n')
                {
                    _pos++;
                }

                continue;
            }

            if (TryReadRedirection(redirects))
            {
                continue;
            }

            if (c is '<' or '>' && Peek(1) == '(')
            {
                var substitution = new ShellWord(_pos);
                _pos += 2;
                ReadSubstitutionBody(substitution);
                substitution.End = _pos;
                substitution.Builder.Append(_s, substitution.Start, _pos - substitution.Start);
                if (!skipRest)
                {
                    words.Add(substitution);
                }

                continue;
            }

            if (c == '(' && words.Count > 0)
            {
                // name() { ...; } defines a function: not checked, and the body is parsed as the next command.
                _state.Fail("function definitions are not checked");
                _pos++;
                SkipBlanks(newlines: false);
                if (Peek() == ')')
                {
                    _pos++;
                }

                break;
            }

            if (IsMeta(c))
            {
                break;
            }

            var word = ReadWord();
            if (skipRest)
            {
                continue;
            }

            if (words.Count == 0 && word.IsAssignment(_s))
            {
                if (Peek() == '(' && word.Text.EndsWith('='))
                {
                    _state.Fail("array assignments are not checked");
                    _pos++;
                    ParseNestedList(')');
                    if (Peek() == ')')
                    {
                        _pos++;
                    }
                }

                assignments.Add(word);
                continue;
            }

            if (words.Count == 0 && !word.Quoted)
            {
                switch (word.Text)
                {
                    case "!":
                        continue;
                    case "if" or "then" or "else" or "elif" or "do" or "while" or "until":
                        _state.Fail($"'{word.Text}' (control flow) is not checked");
                        continue;
                    case "fi" or "done" or "esac" or "}":
                        _state.Fail($"'{word.Text}' (control flow) is not checked");
                        continue;
                    case "for" or "select" or "case" or "function" or "[[" or "coproc" or "in":
                        _state.Fail($"'{word.Text}' is not checked");
                        skipRest = true;
                        continue;
                }
            }

            words.Add(word);
        }

        if (skipRest)
        {
            return;
        }

        _state.Redirects.AddRange(redirects);
        if (words.Count == 0)
        {
            if (assignments.Count > 0)
            {
                // A bare assignment (PATH=/tmp) changes what later commands run: it is a command of its own.
                var text = string.Join(' ', assignments.Select(static a => a.Text));
                _state.Commands.Add(new ShellCommand([text], text, false, redirects));
            }

            return;
        }

        CommandUnwrapper.Add(this, _state, assignments, words, redirects, openArguments: false);
    }

    /// <summary>Reads <c>[n]&gt;</c>, <c>&amp;&gt;</c>, <c>&lt;&lt;</c>, ... and its target; false (nothing consumed) when the next token is not one.</summary>
    private bool TryReadRedirection(List<ShellRedirect> redirects)
    {
        var start = _pos;
        var p = _pos;
        while (p < _s.Length && char.IsAsciiDigit(_s[p]))
        {
            p++;
        }

        if (p == _pos && p < _s.Length && _s[p] == '{')
        {
            // {varname}>file
            var q = p + 1;
            while (q < _s.Length && (char.IsAsciiLetterOrDigit(_s[q]) || _s[q] == '_'))
            {
                q++;
            }

            if (q > p + 1 && q < _s.Length && _s[q] == '}' && q + 1 < _s.Length && _s[q + 1] is '<' or '>')
            {
                p = q + 1;
            }
        }

        string op;
        var rest = _s.AsSpan(p);
        if (p == _pos && rest.StartsWith("&>>"))
        {
            op = "&>>";
        }
        else if (p == _pos && rest.StartsWith("&>"))
        {
            op = "&>";
        }
        else if (rest.StartsWith("<<<"))
        {
            op = "<<<";
        }
        else if (rest.StartsWith("<<-"))
        {
            op = "<<-";
        }
        else if (rest.StartsWith("<<"))
        {
            op = "<<";
        }
        else if (rest.StartsWith("<>") || rest.StartsWith("<&") || rest.StartsWith(">>") || rest.StartsWith(">|") || rest.StartsWith(">&"))
        {
            op = rest[..2].ToString();
        }
        else if (rest.Length > 0 && rest[0] is '<' or '>')
        {
            if (p == _pos && rest.Length > 1 && rest[1] == '(')
            {
                return false; // process substitution
            }

            op = rest[..1].ToString();
        }
        else
        {
            return false;
        }

        _pos = p + op.Length;
        var fullOperator = _s[start.._pos];
        SkipBlanks(newlines: false);
        if (AtEnd || IsMeta(Peek()))
        {
            _state.Fail($"the redirection '{fullOperator}' has no target");
            return true;
        }

        var target = ReadWord();
        if (op is "<<" or "<<-")
        {
            _pendingHeredocs.Add((target.Text, op == "<<-", !target.Quoted));
            redirects.Add(new ShellRedirect(fullOperator, target.Text, true));
            return true;
        }

        redirects.Add(new ShellRedirect(fullOperator, target.Text, target.IsLiteral));
        return true;
    }

    private void SkipBlanks(bool newlines)
    {
        while (!AtEnd)
        {
            var c = Peek();
            if (IsBlank(c))
            {
                _pos++;
            }
            else if (c == '\\' && Peek(1) == '\n')
            {
                _pos += 2;
            }
            else if (newlines && c == '\n')
            {
                ConsumeNewline();
            }
            else if (newlines && c == '#')
            {
                while (!AtEnd && Peek() != '\n')
                {
                    _pos++;
                }
            }
            else
            {
                return;
            }
        }
    }

    private void ConsumeNewline()
    {
        _pos++;
        if (_pendingHeredocs.Count == 0)
        {
            return;
        }

        var heredocs = _pendingHeredocs.ToArray();
        _pendingHeredocs.Clear();
        foreach (var (delimiter, stripTabs, expand) in heredocs)
        {
            var body = new StringBuilder();
            var closed = false;
            while (!AtEnd)
            {
                var end = _s.IndexOf('\n', _pos);
                var line = end < 0 ? _s[_pos..] : _s[_pos..end];
                _pos = end < 0 ? _s.Length : end + 1;
                var compared = stripTabs ? line.TrimStart('\t') : line;
                if (compared == delimiter)
                {
                    closed = true;
                    break;
                }

                body.Append(line).Append('\n');
            }

            if (!closed)
            {
                _state.Fail($"the here-document '{delimiter}' is not closed");
            }

            if (expand)
            {
                // An unquoted delimiter expands $(…) and backquotes in the body: those commands run.
                ScanExpansions(body.ToString());
            }
        }
    }

    /// <summary>Parses the substitutions of a here-document body (text as inside double quotes, without the closing quote).</summary>
    private void ScanExpansions(string body)
    {
        if (_depth + _nesting + 1 > MaxDepth)
        {
            _state.Truncate("the command nests too deeply to check");
            return;
        }

        var inner = new ShellParser(body, _state, _depth + _nesting + 1);
        _state.Work += body.Length;
        var sink = new ShellWord(0);
        while (!inner.AtEnd)
        {
            var c = inner.Peek();
            if (c == '\\')
            {
                inner._pos += 2;
            }
            else if (c == '$')
            {
                inner.ReadDollar(sink, inDouble: true);
            }
            else if (c == '`')
            {
                inner.ReadBackquote(sink);
            }
            else
            {
                inner._pos++;
            }
        }
    }

    /// <summary>Reads one word up to an unquoted blank or operator, removing quotes and parsing the substitutions in it.</summary>
    private ShellWord ReadWord()
    {
        var word = new ShellWord(_pos);
        var braceOpen = false;
        var braceSeparator = false;
        var bracketOpen = false;
        while (!AtEnd)
        {
            var c = Peek();
            if (IsMeta(c))
            {
                break;
            }

            switch (c)
            {
                case '\\':
                    if (Peek(1) == '\n')
                    {
                        _pos += 2;
                    }
                    else if (_pos + 1 < _s.Length)
                    {
                        word.Quoted = true;
                        word.Builder.Append(_s[_pos + 1]);
                        _pos += 2;
                    }
                    else
                    {
                        word.Builder.Append('\\');
                        _pos++;
                    }

                    break;
                case '\'':
                    word.Quoted = true;
                    ReadSingleQuoted(word);
                    break;
                case '"':
                    word.Quoted = true;
                    _pos++;
                    ReadDoubleQuoted(word);
                    break;
                case '$':
                    ReadDollar(word, inDouble: false);
                    break;
                case '`':
                    ReadBackquote(word);
                    break;
                case '*' or '?':
                    word.Glob = true;
                    word.Builder.Append(c);
                    _pos++;
                    break;
                case '[':
                    bracketOpen = true;
                    word.Builder.Append(c);
                    _pos++;
                    break;
                case ']':
                    word.Glob |= bracketOpen;
                    word.Builder.Append(c);
                    _pos++;
                    break;
                case '{':
                    braceOpen = true;
                    word.Builder.Append(c);
                    _pos++;
                    break;
                case '}':
                    // {a,b} and {1..3} expand into several words.
                    word.Glob |= braceOpen && braceSeparator;
                    word.Builder.Append(c);
                    _pos++;
                    break;
                case ',' or '.':
                    braceSeparator |= braceOpen && (c == ',' || (word.Builder.Length > 0 && word.Builder[^1] == '.'));
                    word.Builder.Append(c);
                    _pos++;
                    break;
                case '~' when word.Builder.Length == 0 && !word.Quoted:
                    word.Tilde = true;
                    word.Builder.Append(c);
                    _pos++;
                    break;
                default:
                    word.Builder.Append(c);
                    _pos++;
                    break;
            }
        }

        word.End = _pos;
        return word;
    }

    private void ReadSingleQuoted(ShellWord word)
    {
        var close = _s.IndexOf('\'', _pos + 1);
        if (close < 0)
        {
            _state.Fail("a quote is not closed");
            word.Builder.Append(_s, _pos + 1, _s.Length - _pos - 1);
            _pos = _s.Length;
            return;
        }

        word.Builder.Append(_s, _pos + 1, close - _pos - 1);
        _pos = close + 1;
    }

    /// <summary>Reads the inside of <c>"…"</c> from just after the opening quote through the closing one.</summary>
    private void ReadDoubleQuoted(ShellWord word)
    {
        while (!AtEnd)
        {
            var c = Peek();
            switch (c)
            {
                case '"':
                    _pos++;
                    return;
                case '\\':
                    var next = Peek(1);
                    if (next == '\n')
                    {
                        _pos += 2;
                    }
                    else if (next is '$' or '`' or '"' or '\\')
                    {
                        word.Builder.Append(next);
                        _pos += 2;
                    }
                    else
                    {
                        word.Builder.Append('\\');
                        _pos++;
                    }

                    break;
                case '$':
                    ReadDollar(word, inDouble: true);
                    break;
                case '`':
                    ReadBackquote(word);
                    break;
                default:
                    word.Builder.Append(c);
                    _pos++;
                    break;
            }
        }

        _state.Fail("a quote is not closed");
    }

    private void ReadDollar(ShellWord word, bool inDouble)
    {
        RuntimeHelpers.EnsureSufficientExecutionStack();
        var start = _pos;
        var next = Peek(1);
        if (next == '(')
        {
            word.Dynamic = true;
            if (Peek(2) == '(')
            {
                _state.Fail("arithmetic is not checked");
            }

            _pos += 2;
            ReadSubstitutionBody(word);
            word.Builder.Append(_s, start, _pos - start);
            return;
        }

        if (next == '{')
        {
            word.Dynamic = true;
            _pos += 2;
            if (_depth + _nesting + 1 > MaxDepth)
            {
                _state.Truncate("the command nests too deeply to check");
                _pos = _s.Length;
                return;
            }

            _nesting++;
            var depth = 1;
            var sink = new ShellWord(_pos);
            while (!AtEnd && depth > 0)
            {
                var c = Peek();
                switch (c)
                {
                    case '}':
                        depth--;
                        _pos++;
                        break;
                    case '{':
                        depth++;
                        _pos++;
                        break;
                    case '\\':
                        _pos += 2;
                        break;
                    case '\'' when !inDouble:
                        ReadSingleQuoted(sink);
                        break;
                    case '"':
                        _pos++;
                        ReadDoubleQuoted(sink);
                        break;
                    case '$':
                        ReadDollar(sink, inDouble);
                        break;
                    case '`':
                        ReadBackquote(sink);
                        break;
                    default:
                        _pos++;
                        break;
                }
            }

            _nesting--;
            if (depth > 0)
            {
                _state.Fail("'${' is not closed");
            }

            _pos = Math.Min(_pos, _s.Length);
            word.Builder.Append(_s, start, _pos - start);
            return;
        }

        if (char.IsAsciiLetter(next) || next == '_')
        {
            word.Dynamic = true;
            _pos++;
            while (!AtEnd && (char.IsAsciiLetterOrDigit(Peek()) || Peek() == '_'))
            {
                _pos++;
            }

            word.Builder.Append(_s, start, _pos - start);
            return;
        }

        if (char.IsAsciiDigit(next) || next is '@' or '*' or '#' or '?' or '$' or '!' or '-')
        {
            word.Dynamic = true;
            _pos += 2;
            word.Builder.Append(_s, start, 2);
            return;
        }

        if (!inDouble && next == '\'')
        {
            word.Quoted = true;
            _pos += 2;
            ReadAnsiC(word);
            return;
        }

        if (!inDouble && next == '"')
        {
            word.Quoted = true;
            _pos += 2;
            ReadDoubleQuoted(word);
            return;
        }

        word.Builder.Append('$');
        _pos++;
    }

    /// <summary>Reads <c>$'…'</c> from just after the opening quote, decoding its escapes.</summary>
    private void ReadAnsiC(ShellWord word)
    {
        while (!AtEnd)
        {
            var c = Peek();
            if (c == '\'')
            {
                _pos++;
                return;
            }

            if (c != '\\' || _pos + 1 >= _s.Length)
            {
                word.Builder.Append(c);
                _pos++;
                continue;
            }

            var e = _s[_pos + 1];
            _pos += 2;
            switch (e)
            {
                case 'a': word.Builder.Append('\a'); break;
                case 'b': word.Builder.Append('\b'); break;
                case 'e' or 'E': word.Builder.Append('\u001b'); break;
                case 'f': word.Builder.Append('\f'); break;
                case 'n': word.Builder.Append('\n'); break;
                case 'r': word.Builder.Append('\r'); break;
                case 't': word.Builder.Append('\t'); break;
                case 'v': word.Builder.Append('\v'); break;
                case 'c':
                    if (!AtEnd)
                    {
                        word.Builder.Append((char)(Peek() & 0x1f));
                        _pos++;
                    }

                    break;
                case 'x':
                    AppendCode(word, 16, 2);
                    break;
                case 'u':
                    AppendCode(word, 16, 4);
                    break;
                case 'U':
                    AppendCode(word, 16, 8);
                    break;
                case >= '0' and <= '7':
                    _pos--;
                    AppendCode(word, 8, 3);
                    break;
                default:
                    word.Builder.Append(e);
                    break;
            }
        }

        _state.Fail("a quote is not closed");
    }

    private void AppendCode(ShellWord word, int radix, int maxDigits)
    {
        var value = 0L;
        var digits = 0;
        while (digits < maxDigits && !AtEnd)
        {
            var d = radix == 16 ? HexValue(Peek()) : Peek() is >= '0' and <= '7' ? Peek() - '0' : -1;
            if (d < 0)
            {
                break;
            }

            value = (value * radix) + d;
            digits++;
            _pos++;
        }

        if (digits == 0)
        {
            word.Builder.Append('\\').Append(radix == 16 ? 'x' : '0');
            return;
        }

        if (value is > 0 and <= 0x10FFFF && !(value is >= 0xD800 and <= 0xDFFF))
        {
            word.Builder.Append(char.ConvertFromUtf32((int)value));
        }
        else
        {
            _state.Fail("an escape in $'…' is not checked");
        }
    }

    private static int HexValue(char c) => c switch
    {
        >= '0' and <= '9' => c - '0',
        >= 'a' and <= 'f' => c - 'a' + 10,
        >= 'A' and <= 'F' => c - 'A' + 10,
        _ => -1,
    };

    /// <summary>Parses the commands of <c>$(…)</c>, <c>&lt;(…)</c> or <c>&gt;(…)</c> from just after the parenthesis through the closing one.</summary>
    private void ReadSubstitutionBody(ShellWord word)
    {
        word.Dynamic = true;
        ParseNestedList(')');
        if (Peek() == ')')
        {
            _pos++;
        }
    }

    private void ReadBackquote(ShellWord word)
    {
        var start = _pos;
        word.Dynamic = true;
        var inner = new StringBuilder();
        _pos++;
        while (!AtEnd && Peek() != '`')
        {
            if (Peek() == '\\' && Peek(1) is '$' or '`' or '\\')
            {
                inner.Append(Peek(1));
                _pos += 2;
                continue;
            }

            inner.Append(Peek());
            _pos++;
        }

        if (AtEnd)
        {
            _state.Fail("a backquote is not closed");
        }
        else
        {
            _pos++;
        }

        word.Builder.Append(_s, start, _pos - start);
        ParseNested(inner.ToString());
    }

    /// <summary>What every parser of one command line shares.</summary>
    internal sealed class State
    {
        public List<ShellCommand> Commands { get; } = [];

        public List<ShellRedirect> Redirects { get; } = [];

        public string? Problem { get; private set; }

        public bool ChangesDirectory { get; set; }

        public int Work { get; set; }

        public bool Truncated { get; private set; }

        public void Fail(string problem) => Problem ??= problem;

        /// <summary>Records that part of the line was not examined at all.</summary>
        public void Truncate(string problem)
        {
            Truncated = true;
            Fail(problem);
        }
    }
}

/// <summary>One word being read: its text after quote removal and what it contains.</summary>
internal sealed class ShellWord
{
    public ShellWord(int start) => Start = start;

    public StringBuilder Builder { get; } = new();

    /// <summary>The text after quote removal (substitutions and expansions as written).</summary>
    public string Text => Builder.ToString();

    public int Start { get; }

    public int End { get; set; }

    /// <summary>Some part was quoted or escaped.</summary>
    public bool Quoted { get; set; }

    /// <summary>It has a parameter expansion or a command substitution.</summary>
    public bool Dynamic { get; set; }

    /// <summary>It has an unquoted glob or brace expansion.</summary>
    public bool Glob { get; set; }

    /// <summary>It starts with an unquoted <c>~</c>.</summary>
    public bool Tilde { get; set; }

    /// <summary>True when the word means exactly its text.</summary>
    public bool IsLiteral => !Dynamic && !Glob && !Tilde;

    /// <summary>True for <c>NAME=value</c> (or <c>NAME+=value</c>, <c>NAME[i]=value</c>) with the name unquoted.</summary>
    public bool IsAssignment(string source)
    {
        var p = Start;
        if (p >= source.Length || !(char.IsAsciiLetter(source[p]) || source[p] == '_'))
        {
            return false;
        }

        while (p < End && (char.IsAsciiLetterOrDigit(source[p]) || source[p] == '_'))
        {
            p++;
        }

        if (p < End && source[p] == '[')
        {
            var close = source.IndexOf(']', p, End - p);
            if (close < 0 || close >= End)
            {
                return false;
            }

            p = close + 1;
        }

        if (p < End && source[p] == '+')
        {
            p++;
        }

        return p < End && source[p] == '=';
    }

    public override string ToString() => Text;
}
