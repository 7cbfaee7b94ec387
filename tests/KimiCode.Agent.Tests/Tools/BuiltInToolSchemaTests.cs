using System.Text.Json;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Tools;

/// <summary>
/// The schemas the built-in tools declare, as they were written by hand before the <see cref="ToolParameters"/>
/// descriptions replaced them (Grep's context lines now also state the maximum of 100 that validation always applied).
/// </summary>
public sealed class BuiltInToolSchemaTests
{
    public static TheoryData<string> ToolNames => new(Expected.Keys);

    private static readonly Dictionary<string, string> Expected = new(StringComparer.Ordinal)
    {
        ["Read"] = """
            {
              "type": "object",
              "properties": {
                "file_path": { "type": "string", "description": "The file to read: an absolute path, or one relative to the working directory." },
                "offset": { "type": "integer", "minimum": 1, "description": "The line number to start at (1-based). Only give it for files too long to read at once." },
                "limit": { "type": "integer", "minimum": 1, "description": "How many lines to read (default 2000)." }
              },
              "required": ["file_path"],
              "additionalProperties": false
            }
            """,
        ["Write"] = """
            {
              "type": "object",
              "properties": {
                "file_path": { "type": "string", "description": "The file to write: an absolute path, or one relative to the working directory." },
                "content": { "type": "string", "description": "The complete new content of the file." }
              },
              "required": ["file_path", "content"],
              "additionalProperties": false
            }
            """,
        ["Edit"] = """
            {
              "type": "object",
              "properties": {
                "file_path": { "type": "string", "description": "The file to change: an absolute path, or one relative to the working directory." },
                "old_string": { "type": "string", "description": "The exact text to replace, including whitespace and indentation. It must occur exactly once unless replace_all is true; add surrounding lines to make it unique. Empty only to create a new file." },
                "new_string": { "type": "string", "description": "The text to put in its place (must differ from old_string)." },
                "replace_all": { "type": "boolean", "default": false, "description": "Replace every occurrence of old_string (e.g. to rename a variable)." }
              },
              "required": ["file_path", "old_string", "new_string"],
              "additionalProperties": false
            }
            """,
        ["Glob"] = """
            {
              "type": "object",
              "properties": {
                "pattern": { "type": "string", "description": "The glob to match file paths against, relative to path, e.g. \"**/*.cs\" or \"src/**/*.{ts,tsx}\"." },
                "path": { "type": "string", "description": "The folder to search in (default: the working directory)." }
              },
              "required": ["pattern"],
              "additionalProperties": false
            }
            """,
        ["Grep"] = """
            {
              "type": "object",
              "properties": {
                "pattern": { "type": "string", "description": "The regular expression to search for in file contents, e.g. \"log.*Error\" or \"function\\\\s+\\\\w+\". Escape regex characters for a literal search." },
                "path": { "type": "string", "description": "The file or folder to search (default: the working directory)." },
                "glob": { "type": "string", "description": "Only search files matching this glob (gitignore syntax, relative to path), e.g. \"*.cs\" or \"src/**/*.{ts,tsx}\"; prefix with ! to exclude." },
                "output_mode": { "type": "string", "enum": ["content", "files_with_matches", "count"], "description": "\"files_with_matches\" (default) lists matching files, \"content\" shows matching lines, \"count\" gives matching-line counts per file." },
                "-i": { "type": "boolean", "description": "Case-insensitive search." },
                "-n": { "type": "boolean", "description": "Show line numbers (content mode; default true)." },
                "-A": { "type": "integer", "minimum": 0, "maximum": 100, "description": "Lines of context after each match (content mode)." },
                "-B": { "type": "integer", "minimum": 0, "maximum": 100, "description": "Lines of context before each match (content mode)." },
                "-C": { "type": "integer", "minimum": 0, "maximum": 100, "description": "Lines of context before and after each match (content mode)." },
                "head_limit": { "type": "integer", "minimum": 0, "description": "Only the first N output lines (content), files (files_with_matches) or entries (count); 0 means no limit." }
              },
              "required": ["pattern"],
              "additionalProperties": false
            }
            """,
        ["Bash"] = """
            {
              "type": "object",
              "properties": {
                "command": { "type": "string", "description": "The command to run with bash." },
                "timeout": { "type": "integer", "minimum": 1, "maximum": 600000, "description": "Timeout in milliseconds (default 60000, at most 600000)." },
                "description": { "type": "string", "description": "What the command does, in 5-10 words (shown to the user)." }
              },
              "required": ["command"],
              "additionalProperties": false
            }
            """,
        ["TodoWrite"] = """
            {
              "type": "object",
              "properties": {
                "todos": {
                  "type": "array",
                  "description": "The whole updated list (it replaces the previous one).",
                  "items": {
                    "type": "object",
                    "properties": {
                      "content": { "type": "string", "minLength": 1, "description": "The task, in the imperative (\"Run the tests\")." },
                      "status": { "type": "string", "enum": ["pending", "in_progress", "completed"] },
                      "activeForm": { "type": "string", "description": "The task in present continuous, shown while it runs (\"Running the tests\")." }
                    },
                    "required": ["content", "status"],
                    "additionalProperties": false
                  }
                }
              },
              "required": ["todos"],
              "additionalProperties": false
            }
            """,
    };

    [Theory]
    [MemberData(nameof(ToolNames))]
    public void ParametersSchema_BuiltInTool_EqualsTheHandWrittenSchema(string name)
    {
        Assert.True(ToolRegistry.CreateDefault(new TodoList()).TryGet(name, out var tool));
        using var expected = JsonDocument.Parse(Expected[name]);

        Assert.True(
            JsonElement.DeepEquals(expected.RootElement, tool.ParametersSchema),
            $"{name} schema differs:\n{tool.ParametersSchema.GetRawText()}");
    }
}
