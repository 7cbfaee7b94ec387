using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tools;

/// <summary>What a tool call returns: text for the model, plus an optional display for front ends.</summary>
public sealed record ToolResult(string Content, bool IsError)
{
    /// <summary>Rich display for front ends (a diff, terminal output, a plan).</summary>
    public ToolDisplay? Display { get; init; }

    /// <summary>Pictures the model sees with the text (<c>ReadMediaFile</c>); sent as <c>image_url</c> parts of the tool message.</summary>
    public IReadOnlyList<DataContent> Images { get; init; } = [];

    /// <summary>A successful result.</summary>
    public static ToolResult Success(string content, ToolDisplay? display = null) => new(content, false) { Display = display };

    /// <summary>An error the model sees and can act on.</summary>
    public static ToolResult Error(string message) => new(message, true);
}

/// <summary>Rich output of a tool call for front ends.</summary>
public abstract record ToolDisplay;

/// <summary>A file change: <paramref name="OldText"/> is null for a new file.</summary>
public sealed record DiffDisplay(string Path, string? OldText, string NewText, string UnifiedDiff) : ToolDisplay;

/// <summary>Shell output.</summary>
public sealed record TerminalDisplay(string Command, string Output, int? ExitCode, bool TimedOut) : ToolDisplay;

/// <summary>The current plan (TodoWrite).</summary>
public sealed record PlanDisplay(IReadOnlyList<TodoItem> Items) : ToolDisplay;

/// <summary>One plan entry. Status: <c>pending</c>, <c>in_progress</c> or <c>completed</c>.</summary>
public sealed record TodoItem(string Content, string Status, string? ActiveForm = null);

/// <summary>Progress while a call runs (e.g. shell output so far).</summary>
public sealed record ToolProgress(string Text);
