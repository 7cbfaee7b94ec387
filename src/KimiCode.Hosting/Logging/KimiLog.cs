using System.Globalization;
using System.Text;
using Microsoft.Extensions.Logging;

namespace KimiCode.Hosting.Logging;

/// <summary>
/// The process's log: <c>{home}/logs/kimi.log</c> (information and up; everything with <see cref="Debug"/>) and, with
/// <see cref="Debug"/> (<c>kimi --debug</c>), stderr too. Never stdout: in <c>kimi acp</c> and stream-json that is the
/// protocol's. Every line goes through <see cref="LogRedactor"/>. The file is opened on the first line, appended with
/// one O_APPEND write per line (several kimi processes share it: see <see cref="AppendOnlyFile"/>), and rotated to <c>kimi.log.1</c> past <see cref="MaxFileBytes"/>.
/// A log that cannot be written is dropped silently: logging never fails a command.
/// </summary>
public sealed class KimiLog : ILoggerFactory
{
    public const long MaxFileBytes = 5 * 1024 * 1024;

    private readonly Func<string?> _filePath;
    private readonly TextWriter? _stderr;
    private readonly TimeProvider _time;
    private readonly Lock _gate = new();
    private readonly int _processId = Environment.ProcessId;
    private AppendOnlyFile? _file;
    private bool _fileFailed;

    /// <param name="filePath">The log file, asked for on the first line (null: no file).</param>
    /// <param name="stderr">Where <see cref="Debug"/> echoes lines.</param>
    public KimiLog(Func<string?> filePath, TextWriter? stderr, TimeProvider? time = null)
    {
        _filePath = filePath ?? throw new ArgumentNullException(nameof(filePath));
        _stderr = stderr;
        _time = time ?? TimeProvider.System;
    }

    /// <summary>Debug lines too, and every line echoed to stderr.</summary>
    public bool Debug { get; set; }

    /// <summary>The lowest level written.</summary>
    public LogLevel MinimumLevel => Debug ? LogLevel.Debug : LogLevel.Information;

    public ILogger CreateLogger(string categoryName) => new CategoryLogger(this, ShortName(categoryName));

    public void AddProvider(ILoggerProvider provider) => throw new NotSupportedException("KimiLog writes its own file and stderr; it takes no providers.");

    public void Dispose()
    {
        lock (_gate)
        {
            _file?.Dispose();
            _file = null;
        }
    }

    internal void Write(LogLevel level, string category, string message, Exception? exception)
    {
        if (level < MinimumLevel || level == LogLevel.None)
        {
            return;
        }

        var text = new StringBuilder(128)
            .Append(_time.GetUtcNow().ToString("yyyy-MM-ddTHH:mm:ss.fffZ", CultureInfo.InvariantCulture))
            .Append(' ').Append(_processId.ToString(CultureInfo.InvariantCulture))
            .Append(' ').Append(LevelName(level))
            .Append(' ').Append(category).Append(": ")
            .Append(message);
        if (exception is not null)
        {
            // Type and message only: a stack trace helps nobody reading a user's bug report and may quote arguments.
            text.Append(" (").Append(exception.GetType().Name).Append(": ").Append(exception.Message).Append(')');
        }

        var line = LogRedactor.Redact(text.ToString().ReplaceLineEndings(" ")) + "\n";
        lock (_gate)
        {
            WriteFile(line);
            if (Debug && _stderr is not null)
            {
                try
                {
                    _stderr.Write(line);
                    _stderr.Flush();
                }
                catch (IOException)
                {
                    // stderr closed: nothing to do.
                }
            }
        }
    }

    private void WriteFile(string line)
    {
        if (_fileFailed)
        {
            return;
        }

        try
        {
            _file ??= Open();
            if (_file is null)
            {
                _fileFailed = true;
                return;
            }

            _file.Append(Encoding.UTF8.GetBytes(line));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            _fileFailed = true;
        }
    }

    private AppendOnlyFile? Open()
    {
        var path = _filePath();
        if (path is null)
        {
            return null;
        }

        var folder = Path.GetDirectoryName(path)!;
        if (OperatingSystem.IsWindows())
        {
            Directory.CreateDirectory(folder);
        }
        else
        {
            Directory.CreateDirectory(folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        var info = new FileInfo(path);
        if (info.Exists && info.Length > MaxFileBytes)
        {
            // Two processes may both rotate: the later move wins and one old file is lost, never a line of the new one.
            File.Move(path, path + ".1", overwrite: true);
        }

        return AppendOnlyFile.Open(path);
    }

    private static string LevelName(LogLevel level) => level switch
    {
        LogLevel.Trace => "TRACE",
        LogLevel.Debug => "DEBUG",
        LogLevel.Information => "INFO",
        LogLevel.Warning => "WARN",
        LogLevel.Error => "ERROR",
        _ => "CRIT",
    };

    private static string ShortName(string category)
    {
        var dot = category.LastIndexOf('.');
        return dot < 0 ? category : category[(dot + 1)..];
    }

    private sealed class CategoryLogger(KimiLog log, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= log.MinimumLevel && logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
            {
                log.Write(logLevel, category, formatter(state, exception), exception);
            }
        }
    }
}
