using System.Text.Json;

namespace KimiCode.Agent.Sessions;

/// <summary>
/// Appends records to one session's <c>context.jsonl</c>. Each record is one line written with a single
/// write and flushed to disk at once, so a crash loses at most the record in flight (a torn last line
/// that loading ignores).
/// </summary>
internal sealed class SessionLog
{
    private readonly Lock _gate = new();

    public SessionLog(string path)
    {
        Path = path;
    }

    public string Path { get; }

    public void Append(SessionRecord record)
    {
        byte[] json = JsonSerializer.SerializeToUtf8Bytes(record, SessionJsonContext.Default.SessionRecord);
        byte[] line = new byte[json.Length + 1];
        json.CopyTo(line, 0);
        line[^1] = (byte)'\n';
        lock (_gate)
        {
            var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.Read };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var stream = new FileStream(Path, options);
            stream.Write(line);
            stream.Flush(flushToDisk: true);
        }
    }

    /// <summary>
    /// Makes the file end at a line boundary before new records are appended: a torn last line (a crash
    /// mid-write) is cut off; a complete record that only lacks its newline gets one.
    /// </summary>
    public void RepairTail()
    {
        lock (_gate)
        {
            using var stream = new FileStream(Path, FileMode.Open, FileAccess.ReadWrite, FileShare.Read);
            if (stream.Length == 0)
            {
                return;
            }

            stream.Seek(-1, SeekOrigin.End);
            if (stream.ReadByte() == '\n')
            {
                return;
            }

            byte[] content = new byte[stream.Length];
            stream.Seek(0, SeekOrigin.Begin);
            stream.ReadExactly(content);
            int lastNewline = Array.LastIndexOf(content, (byte)'\n');
            ReadOnlySpan<byte> tail = content.AsSpan(lastNewline + 1);
            if (SessionReader.TryParse(tail, out _))
            {
                stream.Seek(0, SeekOrigin.End);
                stream.WriteByte((byte)'\n');
            }
            else
            {
                stream.SetLength(lastNewline + 1);
            }

            stream.Flush(flushToDisk: true);
        }
    }
}
