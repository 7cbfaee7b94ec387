using System.Text;
using System.Text.RegularExpressions;
using KimiCode.Config;

namespace KimiCode.Cli.Shell;

/// <summary>
/// The prompts typed in the shell, kept across sessions in <c>{home}/shell_history</c> (mode 0600): one entry per
/// line, backslashes and line breaks escaped. Entries that look like they hold a secret are never written.
/// </summary>
internal sealed partial class InputHistory
{
    public const string FileName = "shell_history";
    public const int DefaultCapacity = 1000;

    private readonly List<string> _entries = [];
    private readonly string _path;
    private readonly int _capacity;
    private int _linesOnDisk;

    private InputHistory(string path, int capacity)
    {
        _path = path;
        _capacity = capacity;
    }

    public IReadOnlyList<string> Entries => _entries;

    public string Path => _path;

    /// <summary>Loads the history file (a missing or unreadable file is an empty history, never an error).</summary>
    public static InputHistory Load(string path, int capacity = DefaultCapacity)
    {
        var history = new InputHistory(path, capacity);
        try
        {
            if (File.Exists(path))
            {
                var lines = File.ReadAllLines(path, Encoding.UTF8);
                history._linesOnDisk = lines.Length;
                history._entries.AddRange(lines.Where(l => l.Length > 0).Select(Decode).TakeLast(capacity));
            }
        }
        catch (IOException)
        {
        }
        catch (UnauthorizedAccessException)
        {
        }

        return history;
    }

    /// <summary>Adds an entry (not blank, not the same as the last one, no secrets) and appends it to the file.</summary>
    public void Add(string entry)
    {
        if (entry.Trim().Length == 0 || (_entries.Count > 0 && _entries[^1] == entry) || LooksSecret(entry))
        {
            return;
        }

        _entries.Add(entry);
        if (_entries.Count > _capacity)
        {
            _entries.RemoveAt(0);
        }

        try
        {
            if (_linesOnDisk >= _capacity * 2)
            {
                Rewrite();
            }
            else
            {
                Append(Encode(entry) + "\n");
            }
        }
        catch (IOException)
        {
            // History is a convenience: a read-only or full disk must not break the shell.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }

    /// <summary>True for text that looks like an API key, a token or a password assignment.</summary>
    public static bool LooksSecret(string entry) => SecretPattern().IsMatch(entry);

    public static string Encode(string entry) => entry.Replace("\\", "\\\\", StringComparison.Ordinal)
        .Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\\n", StringComparison.Ordinal);

    public static string Decode(string line)
    {
        var text = new StringBuilder(line.Length);
        for (var i = 0; i < line.Length; i++)
        {
            if (line[i] == '\\' && i + 1 < line.Length)
            {
                text.Append(line[i + 1] == 'n' ? '\n' : line[i + 1]);
                i++;
            }
            else
            {
                text.Append(line[i]);
            }
        }

        return text.ToString();
    }

    private void Append(string text)
    {
        Directory.CreateDirectory(System.IO.Path.GetDirectoryName(_path)!);
        using (var stream = Open(FileMode.Append))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            writer.Write(text);
        }

        _linesOnDisk++;
    }

    private void Rewrite()
    {
        using var temp = TempFiles.Beside(_path); // recorded, so a kill mid-rewrite leaves nothing after the next start
        using (var stream = new FileStream(temp.Path, Options(FileMode.CreateNew)))
        using (var writer = new StreamWriter(stream, new UTF8Encoding(false)))
        {
            foreach (var entry in _entries)
            {
                writer.Write(Encode(entry) + "\n");
            }
        }

        File.Move(temp.Path, _path, overwrite: true);
        _linesOnDisk = _entries.Count;
    }

    private FileStream Open(FileMode mode)
    {
        var stream = new FileStream(_path, Options(mode));
        if (!OperatingSystem.IsWindows() && (File.GetUnixFileMode(_path) & ~(UnixFileMode.UserRead | UnixFileMode.UserWrite)) != 0)
        {
            File.SetUnixFileMode(_path, UnixFileMode.UserRead | UnixFileMode.UserWrite); // an older file made by hand
        }

        return stream;
    }

    private static FileStreamOptions Options(FileMode mode)
    {
        var options = new FileStreamOptions { Mode = mode, Access = FileAccess.Write, Share = FileShare.Read };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }

        return options;
    }

    [GeneratedRegex(@"\bsk-[A-Za-z0-9_\-]{16,}|\beyJ[A-Za-z0-9_\-]{8,}\.[A-Za-z0-9_\-]{8,}|\b(api[_-]?key|access[_-]?token|refresh[_-]?token|password|secret)\s*[=:]\s*\S{6,}|\bBearer\s+[A-Za-z0-9._\-]{16,}", RegexOptions.IgnoreCase | RegexOptions.CultureInvariant)]
    private static partial Regex SecretPattern();
}
