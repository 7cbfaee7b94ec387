namespace KimiCode.Agent.Tools;

/// <summary>A file as it was when a change to it was worked out.</summary>
/// <param name="Exists">False when there is no such file.</param>
/// <param name="Text">The decoded text; null when the file exists but is not text the tools change (see <paramref name="Unreadable"/>).</param>
/// <param name="Bytes">The bytes read (byte-level file systems only); what execution compares against.</param>
/// <param name="Format">The encoding to write back (byte-level file systems only).</param>
/// <param name="Unreadable">Why <paramref name="Text"/> is null, e.g. "the file was binary".</param>
internal sealed record FileSnapshot(bool Exists, string? Text, byte[]? Bytes, TextFileFormat? Format, string? Unreadable)
{
    public static readonly FileSnapshot Missing = new(false, null, null, null, null);

    /// <summary>The size, for files too big or binary to read (their bytes are not kept).</summary>
    public long Length { get; init; }

    /// <summary>The last write time, for files too big or binary to read.</summary>
    public DateTime Modified { get; init; }

    /// <summary>Why reading an existing file failed (permissions, an editor's refusal); null when it was read or is binary or too big.</summary>
    public string? ReadError { get; init; }
}

/// <summary>What a tool wants to write: the new text and the line the model reads on success; or why it cannot.</summary>
internal sealed record FileChangeIntent(string? NewText, string Summary, string? Error, bool DiffInResult = false)
{
    public static FileChangeIntent Fail(string error) => new(null, "", error);
}

/// <summary>
/// An Edit or Write call. <see cref="PreviewAsync"/> reads the file, works out the exact bytes to write (in the file's
/// encoding and line endings) and the diff of those bytes, before anyone is asked; <see cref="ExecuteAsync"/> writes
/// exactly that, and refuses when the file changed on disk since the preview was computed.
/// </summary>
internal sealed class FileChangeCall : PreparedToolCall
{
    private readonly ToolContext _context;
    private readonly ResolvedPath _path;
    private readonly Func<FileSnapshot, FileChangeIntent> _intent;
    private Planned? _planned;

    public FileChangeCall(ToolContext context, ResolvedPath path, Func<FileSnapshot, FileChangeIntent> intent)
    {
        _context = context;
        _path = path;
        _intent = intent;
    }

    /// <inheritdoc />
    public override async Task<ToolResult?> PreviewAsync(CancellationToken cancellationToken)
    {
        var planned = await PlanAsync(cancellationToken).ConfigureAwait(false);
        _planned = planned;
        Preview = planned.Error is null ? planned.Display : null;
        return planned.Error is { } error ? ToolResult.Error(error) : null;
    }

    /// <inheritdoc />
    public override async Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken)
    {
        if (_planned is null)
        {
            await PreviewAsync(cancellationToken).ConfigureAwait(false);
        }

        var planned = _planned!;
        if (planned.Error is { } error)
        {
            return ToolResult.Error(error);
        }

        var now = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (!SameFile(planned.Before, now))
        {
            return ToolResult.Error($"'{_path.Subject}' changed since the change was shown for approval, so nothing was written; read it again and redo the change.");
        }

        if (FileWriteAccess.Refusal(_path.FullPath, _path.Subject) is { } readOnly)
        {
            return ToolResult.Error(readOnly);
        }

        try
        {
            if (planned.Bytes is { } bytes && _context.Files is IWorkspaceFileBytes raw)
            {
                await raw.WriteBytesAsync(_path.FullPath, bytes, cancellationToken).ConfigureAwait(false);
            }
            else
            {
                await _context.Files.WriteTextAsync(_path.FullPath, planned.Display!.NewText, cancellationToken).ConfigureAwait(false);
            }
        }
        catch (UnauthorizedAccessException)
        {
            return ToolResult.Error($"Permission denied writing '{_path.Subject}'.");
        }
        catch (IOException ex)
        {
            return ToolResult.Error($"Could not write '{_path.Subject}': {ex.Message}");
        }

        var display = planned.Display!;
        var content = planned.DiffInResult ? planned.Summary + "\n" + display.UnifiedDiff : planned.Summary;
        return ToolResult.Success(content, display);
    }

    private async Task<Planned> PlanAsync(CancellationToken cancellationToken)
    {
        if (Directory.Exists(_path.FullPath))
        {
            return Planned.Fail($"'{_path.Subject}' is a directory; give the path of a file inside it.");
        }

        if (!FileWriteAccess.IsRegularOrMissing(_path.FullPath))
        {
            return Planned.Fail($"'{_path.Subject}' is not a regular file (a pipe, socket or device); Edit and Write only change regular files.");
        }

        if (FileWriteAccess.Refusal(_path.FullPath, _path.Subject) is { } readOnly)
        {
            return Planned.Fail(readOnly);
        }

        var before = await SnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (before.Exists && before.ReadError is { } readError)
        {
            // Changing it unseen would show the change as a new file: nobody could tell what it replaces.
            return Planned.Fail($"Could not read '{_path.Subject}' to show what the change replaces ({readError}); nothing was written. Ask the user to make the file readable, or choose another path.");
        }

        var intent = _intent(before);
        if (intent.Error is { } error)
        {
            return Planned.Fail(error);
        }

        var newText = intent.NewText!;
        byte[]? bytes = null;
        if (_context.Files is IWorkspaceFileBytes)
        {
            var format = before.Format ?? TextFileFormat.NewFile;
            if (!format.TryEncode(newText, out bytes, out var unencodable))
            {
                return Planned.Fail($"'{_path.Subject}' is stored as {format.Name}, which cannot hold {unencodable}; nothing was written. Use characters that encoding has, or ask the user to convert the file to UTF-8.");
            }

            // The diff shows what the bytes written say, decoded the same way: a character lost on the way would show.
            if (!format.TryDecode(bytes, out newText))
            {
                return Planned.Fail($"'{_path.Subject}': the new text could not be encoded as {format.Name}; nothing was written.");
            }
        }

        string diff = before.Exists && before.Text is null
            ? $"--- a/{_path.Subject}\n+++ b/{_path.Subject}\n(previous content not shown: {before.Unreadable})\n"
            : UnifiedDiff.Create(before.Text, newText, _path.Subject);
        var display = new DiffDisplay(_path.FullPath, before.Text, newText, diff);
        return new Planned(before, bytes, display, intent.Summary, intent.DiffInResult, null);
    }

    private async Task<FileSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        var info = new FileInfo(_path.FullPath);
        if (info.Exists)
        {
            if (info.Length > FileProbe.MaxReadableBytes)
            {
                return new FileSnapshot(true, null, null, null, $"the file was {FileProbe.FormatSize(info.Length)}") { Length = info.Length, Modified = info.LastWriteTimeUtc };
            }

            if (FileProbe.LooksBinary(_path.FullPath))
            {
                return new FileSnapshot(true, null, null, null, "the file was binary") { Length = info.Length, Modified = info.LastWriteTimeUtc };
            }
        }

        try
        {
            if (_context.Files is IWorkspaceFileBytes raw)
            {
                var bytes = await raw.ReadBytesAsync(_path.FullPath, cancellationToken).ConfigureAwait(false);
                var format = TextFileFormat.Detect(bytes);
                return format.TryDecode(bytes, out var text)
                    ? new FileSnapshot(true, text, bytes, format, null)
                    : new FileSnapshot(true, null, bytes, null, $"it starts with a {format.Name} byte-order mark but is not valid {format.Name}");
            }

            var editorText = await _context.Files.ReadTextAsync(_path.FullPath, cancellationToken).ConfigureAwait(false);
            return new FileSnapshot(true, editorText, null, null, null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return FileSnapshot.Missing;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new FileSnapshot(info.Exists, null, null, null, "it could not be read") { ReadError = ex.Message };
        }
    }

    private static bool SameFile(FileSnapshot before, FileSnapshot now)
    {
        if (before.Exists != now.Exists)
        {
            return false;
        }

        if (before.Bytes is not null || now.Bytes is not null)
        {
            return before.Bytes is not null && now.Bytes is not null && before.Bytes.AsSpan().SequenceEqual(now.Bytes);
        }

        return before.Text == now.Text && before.Length == now.Length && before.Modified == now.Modified;
    }

    private sealed record Planned(FileSnapshot Before, byte[]? Bytes, DiffDisplay? Display, string Summary, bool DiffInResult, string? Error)
    {
        public static Planned Fail(string error) => new(FileSnapshot.Missing, null, null, "", false, error);
    }
}
