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

        return ToolPreparation.Ok(new FileChangeCall(context, path, before => Change(before, path, oldString, newString, replaceAll))
        {
            Title = $"Edit {path.Subject}",
            Kind = ToolKind.Edit,
            Action = PermissionAction.Edit,
            Subject = path.Subject,
            Locations = [path.FullPath],
        });
    }

    /// <summary>
    /// The edited text. old_string written with LF matches a CRLF file (and the reverse); new_string gets the line
    /// ending of the text it replaces (the file's usual one when that has no line break), so the lines the edit does
    /// not touch keep theirs.
    /// </summary>
    private static FileChangeIntent Change(FileSnapshot existing, ResolvedPath path, string oldString, string newString, bool replaceAll)
    {
        if (!existing.Exists)
        {
            if (oldString.Length != 0)
            {
                return FileChangeIntent.Fail($"File does not exist: '{path.Subject}'. Check the path (Glob finds files by name), or create the file with Write.");
            }

            return new FileChangeIntent(newString, $"Created {path.Subject}.", null, DiffInResult: true);
        }

        if (existing.Text is null)
        {
            return FileChangeIntent.Fail($"Cannot edit '{path.Subject}': {existing.Unreadable}. Edit works on text files up to {FileProbe.FormatSize(FileProbe.MaxReadableBytes)}.");
        }

        var text = existing.Text;
        var fileEnding = LineEndings.Dominant(text);
        if (oldString.Length == 0)
        {
            if (text.Length != 0)
            {
                return FileChangeIntent.Fail($"old_string is empty but '{path.Subject}' already exists and is not empty. Give the exact text to replace, or use Write to replace the whole file.");
            }

            return new FileChangeIntent(newString, $"Wrote {path.Subject}.", null, DiffInResult: true);
        }

        var count = CountOccurrences(text, oldString);
        if (count == 0 && oldString.Contains('\n', StringComparison.Ordinal))
        {
            // The model wrote other line endings than the file has: match with the file's.
            foreach (var candidate in (string[])["\r\n", "\n"])
            {
                var converted = LineEndings.Apply(oldString, candidate);
                if (converted != oldString && CountOccurrences(text, converted) is > 0 and var found)
                {
                    oldString = converted;
                    count = found;
                    break;
                }
            }
        }

        if (count == 0)
        {
            return FileChangeIntent.Fail($"old_string was not found in '{path.Subject}'. It must match the file exactly, including whitespace and indentation (and without Read's line-number prefix). Read the file again and copy the text exactly.");
        }

        if (count > 1 && !replaceAll)
        {
            return FileChangeIntent.Fail($"old_string occurs {count} times in '{path.Subject}'. Add more surrounding context (the lines before or after it) to old_string so it matches exactly one place, or set replace_all to true to replace all {count} occurrences.");
        }

        var ending = LineEndings.Dominant(oldString) ?? fileEnding;
        newString = LineEndings.Apply(newString, ending);
        var updated = replaceAll
            ? text.Replace(oldString, newString, StringComparison.Ordinal)
            : ReplaceFirst(text, oldString, newString);
        var summary = replaceAll && count > 1
            ? $"Edited {path.Subject}: replaced {count} occurrences."
            : $"Edited {path.Subject}: replaced 1 occurrence.";
        return new FileChangeIntent(updated, summary, null, DiffInResult: true);
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
