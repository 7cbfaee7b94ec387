using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary><c>Write</c>: creates or replaces a whole file (parent folders are created); shows the change as a diff.</summary>
public sealed class WriteTool : IAgentTool
{
    private static readonly ToolParameter<string> FilePath = Required.String("file_path", "The file to write: an absolute path, or one relative to the working directory.");
    private static readonly ToolParameter<string> Content = Required.String("content", "The complete new content of the file.");

    private static readonly ToolParameters Parameters = new(FilePath, Content);

    /// <inheritdoc />
    public string Name => "Write";

    /// <inheritdoc />
    public string Description => """
        Writes a file, replacing it whole if it exists; missing parent folders are created. Use it to create new
        files or rewrite a file completely; to change part of an existing file use Edit, which sends only the change.
        Read an existing file before overwriting it.
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
        var content = args.Get(Content);
        var path = WorkspacePaths.Resolve(rawPath, "file_path", context.WorkingDirectory, out var pathError);
        if (path is null)
        {
            return ToolPreparation.Fail($"{Name}: {pathError}");
        }

        return ToolPreparation.Ok(new PreparedCall((_, cancellationToken) => ExecuteAsync(context, path, content, cancellationToken))
        {
            Title = $"Write {path.Subject}",
            Kind = ToolKind.Edit,
            Action = PermissionAction.Edit,
            Subject = path.Subject,
            Locations = [path.FullPath],
        });
    }

    private static async Task<ToolResult> ExecuteAsync(ToolContext context, ResolvedPath path, string content, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path.FullPath))
        {
            return ToolResult.Error($"'{path.Subject}' is a directory; give the path of a file inside it.");
        }

        var existing = await ExistingFile.ReadAsync(context, path, cancellationToken).ConfigureAwait(false);
        try
        {
            await context.Files.WriteTextAsync(path.FullPath, content, cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException)
        {
            return ToolResult.Error($"Permission denied writing '{path.Subject}'.");
        }
        catch (IOException ex)
        {
            return ToolResult.Error($"Could not write '{path.Subject}': {ex.Message}");
        }

        var lines = CountLines(content);
        var diff = existing.Text is null && existing.Exists
            ? $"--- a/{path.Subject}\n+++ b/{path.Subject}\n(previous content not shown: {existing.Reason})\n"
            : UnifiedDiff.Create(existing.Text, content, path.Subject);
        var message = existing.Exists
            ? $"Overwrote {path.Subject} ({lines} line{(lines == 1 ? "" : "s")})."
            : $"Created {path.Subject} ({lines} line{(lines == 1 ? "" : "s")}).";
        return ToolResult.Success(message, new DiffDisplay(path.FullPath, existing.Text, content, diff));
    }

    internal static int CountLines(string text)
    {
        if (text.Length == 0)
        {
            return 0;
        }

        var count = text.AsSpan().Count('\n');
        return text.EndsWith('\n') ? count : count + 1;
    }
}

/// <summary>The current content of a file about to be changed, when it is reasonable to load it.</summary>
internal sealed record ExistingFile(bool Exists, string? Text, string? Reason)
{
    public static async Task<ExistingFile> ReadAsync(ToolContext context, ResolvedPath path, CancellationToken cancellationToken)
    {
        var info = new FileInfo(path.FullPath);
        if (info.Exists)
        {
            if (info.Length > FileProbe.MaxReadableBytes)
            {
                return new ExistingFile(true, null, $"the file was {FileProbe.FormatSize(info.Length)}");
            }

            if (FileProbe.LooksBinary(path.FullPath))
            {
                return new ExistingFile(true, null, "the file was binary");
            }
        }

        try
        {
            var text = await context.Files.ReadTextAsync(path.FullPath, cancellationToken).ConfigureAwait(false);
            return new ExistingFile(true, text, null);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return new ExistingFile(false, null, null);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new ExistingFile(info.Exists, null, "it could not be read");
        }
    }
}
