using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using KimiCode.Agent.Secrets;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Runs <c>rg --json</c> with flags that make it search exactly what <see cref="BuiltInGrep"/> searches (see there),
/// and turns its events into the same <see cref="GrepFileMatches"/>.
/// </summary>
internal static class RipgrepSearch
{
    private const int MaxErrorChars = 2000;

    /// <summary>
    /// rg's <c>--json</c> ignores <c>--max-columns</c>, so one event can be as long as the longest matching line (plus
    /// its submatches): events are read in bounded memory, and a longer one keeps this many characters and is
    /// salvaged by <see cref="OversizedEvent"/> (type, line number, the start of the line).
    /// </summary>
    internal const int MaxEventChars = 256 * 1024;

    private static readonly System.Buffers.SearchValues<char> GlobSyntax = System.Buffers.SearchValues.Create("*?[]{}\\!");

    /// <summary>The <c>rg</c> executable on <c>PATH</c>, or null.</summary>
    public static string? FindOnPath()
    {
        var path = Environment.GetEnvironmentVariable("PATH");
        if (string.IsNullOrEmpty(path))
        {
            return null;
        }

        foreach (var directory in path.Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries))
        {
            var candidate = Path.Combine(directory, OperatingSystem.IsWindows() ? "rg.exe" : "rg");
            try
            {
                if (!File.Exists(candidate))
                {
                    continue;
                }

                if (OperatingSystem.IsWindows())
                {
                    return candidate;
                }

                const UnixFileMode anyExecute = UnixFileMode.UserExecute | UnixFileMode.GroupExecute | UnixFileMode.OtherExecute;
                if ((File.GetUnixFileMode(candidate) & anyExecute) != 0)
                {
                    return candidate;
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or ArgumentException)
            {
            }
        }

        return null;
    }

    /// <summary>True when every file <see cref="SecretFilter.Collect"/> found can be excluded by an exact ripgrep glob (no glob syntax in its path).</summary>
    internal static bool CanExcludeExactly(GrepQuery query)
        => query.Secrets is null || query.Secrets.Skipped.All(path => Path.GetRelativePath(query.Root, path).AsSpan().IndexOfAny(GlobSyntax) < 0);

    internal static List<string> BuildArguments(GrepQuery query)
    {
        var arguments = new List<string>
        {
            "--json", "--sort", "path", "--hidden", "--no-config", "--no-require-git",
            "--no-ignore-dot", "--no-ignore-exclude", "--no-ignore-global", "--glob", "!.git",
        };
        if (query.IgnoreCase)
        {
            arguments.Add("--ignore-case");
        }

        if (query.Mode == GrepOutputMode.Content)
        {
            if (query.Before > 0)
            {
                arguments.Add("--before-context");
                arguments.Add(query.Before.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }

            if (query.After > 0)
            {
                arguments.Add("--after-context");
                arguments.Add(query.After.ToString(System.Globalization.CultureInfo.InvariantCulture));
            }
        }
        else if (query.Mode == GrepOutputMode.FilesWithMatches)
        {
            arguments.Add("--max-count");
            arguments.Add("1");
        }

        if (!string.IsNullOrEmpty(query.Glob))
        {
            arguments.Add("--glob");
            arguments.Add(query.Glob);
        }

        // Secret files: later globs win over the user's glob. Names without exceptions are excluded wholesale (unless
        // the glob names one); the rest (.env.local, id_rsa-old, ...) file by file, as SecretFilter.Collect found them.
        if (query.Secrets is { } secrets && !query.RootIsFile)
        {
            if (!secrets.GlobNamesASecret)
            {
                foreach (var exclusion in SecretFiles.RipgrepExclusions)
                {
                    arguments.Add("--glob");
                    arguments.Add(exclusion);
                }
            }

            foreach (var skipped in secrets.Skipped)
            {
                arguments.Add("--glob");
                arguments.Add("!/" + Path.GetRelativePath(query.Root, skipped).Replace(Path.DirectorySeparatorChar, '/'));
            }
        }

        arguments.Add("--regexp");
        arguments.Add(query.Pattern);
        arguments.Add("--");
        arguments.Add(query.RootIsFile ? query.Root : ".");
        return arguments;
    }

    /// <summary>
    /// Streams the results; stopping the enumeration kills <c>rg</c>. Throws <see cref="GrepSearchException"/> when
    /// <c>rg</c> fails before producing anything (e.g. a pattern its regex dialect rejects).
    /// </summary>
    public static async IAsyncEnumerable<GrepFileMatches> SearchAsync(string executable, GrepQuery query, ChildEnvironment environment, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var start = new ProcessStartInfo(executable)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
            WorkingDirectory = query.RootIsFile ? Path.GetDirectoryName(query.Root)! : query.Root,
        };
        foreach (var argument in BuildArguments(query))
        {
            start.ArgumentList.Add(argument);
        }

        // rg is a child like any other: it gets no credentials.
        environment.ApplyTo(start);

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            throw new GrepSearchException($"could not start ripgrep: {ex.Message}");
        }

        process.StandardInput.Close();
        var errors = ReadErrorsAsync(process.StandardError);
        var yielded = 0;
        var completed = false;
        try
        {
            string? current = null;
            var lines = new List<GrepLine>();
            var oversized = new OversizedEvent();
            BoundedLineReader? events = null;
            events = new BoundedLineReader(process.StandardOutput, MaxEventChars, skipped => oversized.Skipped(events!.Kept, skipped), cancellationToken);
            while (await events.ReadLineAsync().ConfigureAwait(false) is var (json, truncated))
            {
                var result = truncated ? oversized.Finish(json, query, lines) : ParseEvent(json, query, ref current, lines);
                oversized.Reset();
                if (result is not null)
                {
                    yielded++;
                    yield return result;
                }
            }

            await process.WaitForExitAsync(cancellationToken).ConfigureAwait(false);
            completed = true;
        }
        finally
        {
            if (!completed)
            {
                TryKill(process);
            }
        }

        // rg: 0 = matches, 1 = none, 2 = an error (possibly after some results, e.g. an unreadable file).
        if (process.ExitCode == 2 && yielded == 0)
        {
            var message = (await errors.ConfigureAwait(false)).Trim();
            throw new GrepSearchException(message.Length == 0 ? "ripgrep failed" : message);
        }
    }

    private static GrepFileMatches? ParseEvent(string json, GrepQuery query, ref string? current, List<GrepLine> lines)
    {
        using var document = JsonDocument.Parse(json);
        var root = document.RootElement;
        var type = root.GetProperty("type").GetString();
        var data = root.GetProperty("data");
        switch (type)
        {
            case "begin":
                current = ResolvePath(ReadText(data.GetProperty("path")), query);
                lines.Clear();
                return null;

            case "match" or "context" when query.Mode == GrepOutputMode.Content:
                var text = ReadText(data.GetProperty("lines"));
                if (text.EndsWith('\n'))
                {
                    text = text[..^1];
                }

                if (lines.Count < GrepLine.MaxPerFile)
                {
                    lines.Add(GrepLine.Of(data.GetProperty("line_number").GetInt32(), text, type == "match"));
                }

                return null;

            case "end":
                var binary = data.TryGetProperty("binary_offset", out var offset) && offset.ValueKind == JsonValueKind.Number;
                var matched = (int)data.GetProperty("stats").GetProperty("matched_lines").GetInt64();
                var path = current;
                current = null;
                if (binary || matched == 0 || path is null)
                {
                    return null;
                }

                if (query.Secrets is { } secrets && !query.RootIsFile && secrets.Skips(path))
                {
                    // Defence in depth: the exclusions should have kept rg away from it; never show it.
                    lines.Clear();
                    return null;
                }

                var result = new GrepFileMatches(path, query.Mode == GrepOutputMode.FilesWithMatches ? 1 : matched, [.. lines]);
                lines.Clear();
                return result;

            default:
                return null;
        }
    }

    private static string ReadText(JsonElement value)
    {
        if (value.TryGetProperty("text", out var text))
        {
            return text.GetString() ?? "";
        }

        // Not valid UTF-8: rg sends the bytes; decode them the way the built-in search does (invalid bytes become U+FFFD).
        return value.TryGetProperty("bytes", out var bytes)
            ? new UTF8Encoding(false).GetString(Convert.FromBase64String(bytes.GetString() ?? ""))
            : "";
    }

    private static string ResolvePath(string reported, GrepQuery query)
    {
        if (query.RootIsFile)
        {
            return query.Root;
        }

        if (reported.StartsWith("./", StringComparison.Ordinal))
        {
            reported = reported[2..];
        }

        return Path.GetFullPath(Path.Combine(query.Root, reported));
    }

    private static async Task<string> ReadErrorsAsync(StreamReader reader)
    {
        var builder = new StringBuilder();
        var buffer = new char[4096];
        int read;
        while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
        {
            if (builder.Length < MaxErrorChars)
            {
                builder.Append(buffer, 0, Math.Min(read, MaxErrorChars - builder.Length));
            }
        }

        return builder.ToString();
    }

    private static void TryKill(Process process)
    {
        try
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception)
        {
        }
    }
}

/// <summary>
/// Salvages an rg <c>match</c>/<c>context</c> event longer than <see cref="RipgrepSearch.MaxEventChars"/> without holding
/// it: the type and the start of <c>lines</c> come from the kept start of the event, the line number from a scan of the
/// rest as it streams past. The scan is exact: <c>"line_number":</c> cannot occur inside a JSON string (its closing quote
/// would be escaped there), so the first occurrence is the key.
/// </summary>
internal sealed class OversizedEvent
{
    private const string Key = "\"line_number\":";
    private bool _started;
    private int _matched;
    private long _number = -1;
    private bool _inNumber;
    private bool _numberDone;

    /// <summary>Called by the reader with the kept start and each skipped chunk of an over-long event.</summary>
    public void Skipped(ReadOnlySpan<char> kept, ReadOnlySpan<char> skipped)
    {
        if (!_started)
        {
            _started = true;
            Scan(kept);
        }

        Scan(skipped);
    }

    /// <summary>Forgets the last event.</summary>
    public void Reset()
    {
        _started = false;
        _matched = 0;
        _number = -1;
        _inNumber = false;
        _numberDone = false;
    }

    /// <summary>The line the event reports (its text cut to <see cref="BuiltInGrep.MaxLineChars"/>), added to <paramref name="lines"/> in content mode.</summary>
    public GrepFileMatches? Finish(string start, GrepQuery query, List<GrepLine> lines)
    {
        var type = start.StartsWith("{\"type\":\"match\"", StringComparison.Ordinal) ? "match"
            : start.StartsWith("{\"type\":\"context\"", StringComparison.Ordinal) ? "context" : null;
        if (type is null || query.Mode != GrepOutputMode.Content || _number < 0 || _number > int.MaxValue)
        {
            return null; // begin/end/summary events are short; anything else is not needed
        }

        if (lines.Count < GrepLine.MaxPerFile)
        {
            lines.Add(GrepLine.Of((int)_number, LineStart(start), type == "match"));
        }

        return null;
    }

    private void Scan(ReadOnlySpan<char> chars)
    {
        foreach (var c in chars)
        {
            if (_numberDone)
            {
                return;
            }

            if (_inNumber)
            {
                if (char.IsAsciiDigit(c))
                {
                    _number = ((_number < 0 ? 0 : _number) * 10) + (c - '0');
                    if (_number > int.MaxValue)
                    {
                        _numberDone = true;
                    }
                }
                else if (_number >= 0 || c != ' ')
                {
                    _numberDone = true;
                }

                continue;
            }

            _matched = c == Key[_matched] ? _matched + 1 : c == Key[0] ? 1 : 0;
            if (_matched == Key.Length)
            {
                _inNumber = true;
            }
        }
    }

    /// <summary>The decoded start of <c>"lines":{"text":…}</c> (or <c>{"bytes":…}</c>) in the kept part of the event.</summary>
    private static string LineStart(string start)
    {
        const string TextKey = ",\"lines\":{\"text\":\"";
        const string BytesKey = ",\"lines\":{\"bytes\":\"";
        var at = start.IndexOf(TextKey, StringComparison.Ordinal);
        if (at >= 0)
        {
            return DecodeJsonStringStart(start.AsSpan(at + TextKey.Length));
        }

        at = start.IndexOf(BytesKey, StringComparison.Ordinal);
        if (at < 0)
        {
            return "";
        }

        var base64 = start.AsSpan(at + BytesKey.Length);
        var end = base64.IndexOf('"');
        base64 = end >= 0 ? base64[..end] : base64;
        base64 = base64[..(base64.Length / 4 * 4)];
        try
        {
            var text = new UTF8Encoding(false).GetString(Convert.FromBase64String(base64.ToString()));
            return text.Length > BuiltInGrep.MaxLineChars ? text[..BuiltInGrep.MaxLineChars] : text;
        }
        catch (FormatException)
        {
            return "";
        }
    }

    private static string DecodeJsonStringStart(ReadOnlySpan<char> json)
    {
        var text = new StringBuilder();
        for (var i = 0; i < json.Length && text.Length < BuiltInGrep.MaxLineChars; i++)
        {
            var c = json[i];
            if (c == '"')
            {
                break;
            }

            if (c != '\\')
            {
                text.Append(c);
                continue;
            }

            if (i + 1 >= json.Length)
            {
                break; // cut inside an escape
            }

            var escaped = json[++i];
            if (escaped == 'u')
            {
                if (i + 4 >= json.Length || !ushort.TryParse(json.Slice(i + 1, 4), System.Globalization.NumberStyles.HexNumber, System.Globalization.CultureInfo.InvariantCulture, out var code))
                {
                    break;
                }

                text.Append((char)code);
                i += 4;
                continue;
            }

            text.Append(escaped switch
            {
                'n' => '\n',
                't' => '\t',
                'r' => '\r',
                'b' => '\b',
                'f' => '\f',
                _ => escaped,
            });
        }

        return text.ToString();
    }
}
