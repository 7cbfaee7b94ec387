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

        return ToolPreparation.Ok(new FileChangeCall(context, path, before => Change(before, path, content))
        {
            Title = $"Write {path.Subject}",
            Kind = ToolKind.Edit,
            Action = PermissionAction.Edit,
            Subject = path.Subject,
            Locations = [path.FullPath],
        });
    }

    /// <summary>The new content; over an existing text file, with that file's usual line ending (its encoding is kept when written).</summary>
    private static FileChangeIntent Change(FileSnapshot existing, ResolvedPath path, string content)
    {
        if (existing.Text is { } old)
        {
            content = LineEndings.Apply(content, LineEndings.Dominant(old));
        }

        var lines = CountLines(content);
        var message = existing.Exists
            ? $"Overwrote {path.Subject} ({lines} line{(lines == 1 ? "" : "s")})."
            : $"Created {path.Subject} ({lines} line{(lines == 1 ? "" : "s")}).";
        return new FileChangeIntent(content, message, null);
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
