using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// <c>Edit</c>: replaces an exact string in a file. The string must occur exactly once unless
/// <c>replace_all</c> is set; returns a unified diff of the change.
/// </summary>
public sealed class EditTool : IAgentTool
{
    private static readonly ToolParameter<string> FilePath = Required.String("file_path", "The file to change: an absolute path, or one relative to the working directory.");
    private static readonly ToolParameter<string> OldString = Required.String("old_string", "The exact text to replace, including whitespace and indentation. It must occur exactly once unless replace_all is true; add surrounding lines to make it unique. Empty only to create a new file.");
    private static readonly ToolParameter<string> NewString = Required.String("new_string", "The text to put in its place (must differ from old_string).");
    private static readonly ToolParameter<bool> ReplaceAll = Optional.Boolean("replace_all", false, "Replace every occurrence of old_string (e.g. to rename a variable).");

    private static readonly ToolParameters Parameters = new(FilePath, OldString, NewString, ReplaceAll);

    /// <inheritdoc />
    public string Name => "Edit";

    /// <inheritdoc />
    public string Description => """
        Replaces exact text in a file. old_string must match the file exactly (whitespace and indentation included;
        do not include the line-number prefix that Read shows) and occur exactly once, unless replace_all is true.
        If it occurs more than once, add surrounding context to make it unique. An empty old_string creates a file
        that does not exist yet. Read the file before editing it.
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
        var oldString = args.Get(OldString);
        var newString = args.Get(NewString);
        var replaceAll = args.Get(ReplaceAll);
        if (oldString == newString)
        {
            return ToolPreparation.Fail($"{Name}: old_string and new_string are the same, so there is nothing to change. Give the new text in new_string.");
        }

        var path = WorkspacePaths.Resolve(rawPath, "file_path", context.WorkingDirectory, out var pathError);
        if (path is null)
        {
            return ToolPreparation.Fail($"{Name}: {pathError}");
        }

        return ToolPreparation.Ok(new PreparedCall((_, cancellationToken) => ExecuteAsync(context, path, oldString, newString, replaceAll, cancellationToken))
        {
            Title = $"Edit {path.Subject}",
            Kind = ToolKind.Edit,
            Action = PermissionAction.Edit,
            Subject = path.Subject,
            Locations = [path.FullPath],
        });
    }

    private static async Task<ToolResult> ExecuteAsync(ToolContext context, ResolvedPath path, string oldString, string newString, bool replaceAll, CancellationToken cancellationToken)
    {
        if (Directory.Exists(path.FullPath))
        {
            return ToolResult.Error($"'{path.Subject}' is a directory; give the path of a file inside it.");
        }

        var existing = await ExistingFile.ReadAsync(context, path, cancellationToken).ConfigureAwait(false);
        if (!existing.Exists)
        {
            if (oldString.Length != 0)
            {
                return ToolResult.Error($"File does not exist: '{path.Subject}'. Check the path (Glob finds files by name), or create the file with Write.");
            }

            return await WriteAsync(context, path, null, newString, $"Created {path.Subject}.", cancellationToken).ConfigureAwait(false);
        }

        if (existing.Text is null)
        {
            return ToolResult.Error($"Cannot edit '{path.Subject}': {existing.Reason}. Edit works on text files up to {FileProbe.FormatSize(FileProbe.MaxReadableBytes)}.");
        }

        var text = existing.Text;
        if (oldString.Length == 0)
        {
            if (text.Length != 0)
            {
                return ToolResult.Error($"old_string is empty but '{path.Subject}' already exists and is not empty. Give the exact text to replace, or use Write to replace the whole file.");
            }

            return await WriteAsync(context, path, text, newString, $"Wrote {path.Subject}.", cancellationToken).ConfigureAwait(false);
        }

        var count = CountOccurrences(text, oldString);
        if (count == 0 && text.Contains("\r\n", StringComparison.Ordinal) && !oldString.Contains('\r', StringComparison.Ordinal))
        {
            // The file uses CRLF line endings and the model wrote LF: match with the file's line endings.
            var crlfOld = oldString.Replace("\n", "\r\n", StringComparison.Ordinal);
            var crlfCount = CountOccurrences(text, crlfOld);
            if (crlfCount > 0)
            {
                oldString = crlfOld;
                newString = newString.Replace("\r\n", "\n", StringComparison.Ordinal).Replace("\n", "\r\n", StringComparison.Ordinal);
                count = crlfCount;
            }
        }

        if (count == 0)
        {
            return ToolResult.Error($"old_string was not found in '{path.Subject}'. It must match the file exactly, including whitespace and indentation (and without Read's line-number prefix). Read the file again and copy the text exactly.");
        }

        if (count > 1 && !replaceAll)
        {
            return ToolResult.Error($"old_string occurs {count} times in '{path.Subject}'. Add more surrounding context (the lines before or after it) to old_string so it matches exactly one place, or set replace_all to true to replace all {count} occurrences.");
        }

        var updated = replaceAll
            ? text.Replace(oldString, newString, StringComparison.Ordinal)
            : ReplaceFirst(text, oldString, newString);
        var summary = replaceAll && count > 1
            ? $"Edited {path.Subject}: replaced {count} occurrences."
            : $"Edited {path.Subject}: replaced 1 occurrence.";
        return await WriteAsync(context, path, text, updated, summary, cancellationToken).ConfigureAwait(false);
    }

    private static async Task<ToolResult> WriteAsync(ToolContext context, ResolvedPath path, string? oldText, string newText, string summary, CancellationToken cancellationToken)
    {
        try
        {
            await context.Files.WriteTextAsync(path.FullPath, newText, cancellationToken).ConfigureAwait(false);
        }
        catch (UnauthorizedAccessException)
        {
            return ToolResult.Error($"Permission denied writing '{path.Subject}'.");
        }
        catch (IOException ex)
        {
            return ToolResult.Error($"Could not write '{path.Subject}': {ex.Message}");
        }

        var diff = UnifiedDiff.Create(oldText, newText, path.Subject);
        return ToolResult.Success(summary + "\n" + diff, new DiffDisplay(path.FullPath, oldText, newText, diff));
    }

    internal static int CountOccurrences(string text, string value)
    {
        var count = 0;
        var index = 0;
        while ((index = text.IndexOf(value, index, StringComparison.Ordinal)) >= 0)
        {
            count++;
            index += value.Length;
        }

        return count;
    }

    private static string ReplaceFirst(string text, string oldValue, string newValue)
    {
        var index = text.IndexOf(oldValue, StringComparison.Ordinal);
        return string.Concat(text.AsSpan(0, index), newValue, text.AsSpan(index + oldValue.Length));
    }
}
