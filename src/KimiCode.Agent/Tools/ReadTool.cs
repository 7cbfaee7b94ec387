using System.Globalization;
using System.Text;
using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// <c>Read</c>: a text file with <c>cat -n</c> style line numbers. Refuses directories (use Glob), binary
/// files and files over 10 MB (checked on disk before anything is loaded).
/// </summary>
public sealed class ReadTool : IAgentTool
{
    /// <summary>Lines returned when no <c>limit</c> is given.</summary>
    public const int DefaultLineLimit = 2000;

    /// <summary>Longer lines are cut.</summary>
    public const int MaxLineLength = 2000;

    /// <summary>The output stops before it grows past this many characters (the note says where to continue).</summary>
    public const int MaxOutputChars = 100_000;

    private static readonly ToolParameter<string> FilePath = Required.String("file_path", "The file to read: an absolute path, or one relative to the working directory.");
    private static readonly ToolParameter<int?> Offset = Optional.Integer("offset", 1, int.MaxValue, "The line number to start at (1-based). Only give it for files too long to read at once.");
    private static readonly ToolParameter<int?> Limit = Optional.Integer("limit", 1, int.MaxValue, "How many lines to read (default 2000).");

    private static readonly ToolParameters Parameters = new(FilePath, Offset, Limit);

    /// <inheritdoc />
    public string Name => "Read";

    /// <inheritdoc />
    public string Description => """
        Reads a text file. Output is numbered like `cat -n` (line number, tab, text); by default up to 2000 lines
        from the start, lines longer than 2000 characters are cut. For long files pass offset (1-based line) and
        limit. Directories cannot be read (use Glob or Bash ls); binary files and files over 10 MB are refused
        (use Grep, or Bash with head/tail/sed). Prefer reading several relevant files at once over guessing.
        """;

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Parameters.TryParse(arguments, Name, out var args, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        var rawPath = args.Get(FilePath);
        var offset = args.Get(Offset);
        var limit = args.Get(Limit);
        var path = WorkspacePaths.Resolve(rawPath, "file_path", context.WorkingDirectory, out var pathError);
        if (path is null)
        {
            return ToolPreparation.Fail($"{Name}: {pathError}");
        }

        var title = offset is null && limit is null
            ? $"Read {path.Subject}"
            : $"Read {path.Subject} (from line {offset ?? 1}{(limit is { } l ? $", {l} lines" : "")})";
        return ToolPreparation.Ok(new PreparedCall((_, cancellationToken) => ExecuteAsync(context, path, offset ?? 1, limit ?? DefaultLineLimit, cancellationToken))
        {
            Title = title,
            Kind = ToolKind.Read,
            Action = PermissionAction.Read,
            Subject = path.Subject,
            Locations = [path.FullPath],
        });
    }

    private static async Task<ToolResult> ExecuteAsync(ToolContext context, ResolvedPath path, int offset, int limit, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path.FullPath))
        {
            return ToolResult.Error($"'{path.Subject}' is a directory, not a file. Use Glob (for example pattern \"{GlobFor(path.Subject)}\") or Bash `ls` to list what it contains.");
        }

        var info = new FileInfo(path.FullPath);
        if (info.Exists)
        {
            if (info.Length > FileProbe.MaxReadableBytes)
            {
                return ToolResult.Error($"'{path.Subject}' is too large to read ({FileProbe.FormatSize(info.Length)}; the limit is {FileProbe.FormatSize(FileProbe.MaxReadableBytes)}). Use Grep to find the lines you need, or Bash with head, tail or sed -n to read a part of it.");
            }

            if (info.Length == 0)
            {
                return ToolResult.Success($"(The file '{path.Subject}' exists but is empty.)");
            }

            if (FileProbe.LooksBinary(path.FullPath))
            {
                return ToolResult.Error($"'{path.Subject}' is a binary file (it contains NUL bytes), so it cannot be read as text. Use Bash (for example `file`, `xxd | head` or `strings`) to inspect it.");
            }
        }

        string text;
        try
        {
            text = await context.Files.ReadTextAsync(path.FullPath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return ToolResult.Error($"File does not exist: '{path.Subject}'. Check the path; Glob finds files by name (for example pattern \"**/{Path.GetFileName(path.FullPath)}\").");
        }
        catch (UnauthorizedAccessException)
        {
            return ToolResult.Error($"Permission denied reading '{path.Subject}'.");
        }
        catch (IOException ex)
        {
            return ToolResult.Error($"Could not read '{path.Subject}': {ex.Message}");
        }

        if (text.Length == 0)
        {
            return ToolResult.Success($"(The file '{path.Subject}' exists but is empty.)");
        }

        return Format(text, offset, limit);
    }

    /// <summary>Numbers lines <paramref name="offset"/>.. (1-based) like <c>cat -n</c>, with the notes the model needs to continue.</summary>
    internal static ToolResult Format(string text, int offset, int limit)
    {
        var lines = text.Split('\n');
        var lineCount = text.EndsWith('\n') ? lines.Length - 1 : lines.Length;
        if (offset > lineCount)
        {
            return ToolResult.Error($"The file has only {lineCount} line{(lineCount == 1 ? "" : "s")}; offset {offset} is past its end. Use an offset between 1 and {lineCount}.");
        }

        var output = new StringBuilder();
        var last = (int)Math.Min((long)offset + limit - 1, lineCount);
        var shownUntil = offset - 1;
        var cutLines = false;
        for (var number = offset; number <= last; number++)
        {
            var line = lines[number - 1];
            if (line.EndsWith('\r'))
            {
                line = line[..^1];
            }

            if (line.Length > MaxLineLength)
            {
                line = line[..MaxLineLength] + " [... line cut at 2000 characters]";
                cutLines = true;
            }

            if (output.Length + line.Length + 8 > MaxOutputChars && number > offset)
            {
                break;
            }

            output.Append(number.ToString(CultureInfo.InvariantCulture).PadLeft(6)).Append('\t').Append(line).Append('\n');
            shownUntil = number;
        }

        if (shownUntil < lineCount)
        {
            output.Append(CultureInfo.InvariantCulture, $"\n(Showing lines {offset}-{shownUntil} of {lineCount}. To read more, call Read with offset={shownUntil + 1}.)\n");
        }

        if (cutLines)
        {
            output.Append("\n(Some lines were longer than 2000 characters and were cut; use Grep or Bash to see them whole.)\n");
        }

        return ToolResult.Success(output.ToString());
    }

    private static string GlobFor(string subject) => subject == "." ? "*" : subject.TrimEnd('/') + "/*";
}
