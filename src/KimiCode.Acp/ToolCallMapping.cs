using System.Text;
using System.Text.Json;
using KimiCode.Acp.Schema;
using KimiCode.Agent;
using KimiCode.Agent.Tools;

namespace KimiCode.Acp;

/// <summary>How agent tool calls look in ACP: kinds, locations, raw input, and the content a result shows.</summary>
internal static class ToolCallMapping
{
    /// <summary>Text shown in a tool call is capped; the model still sees the whole result.</summary>
    public const int MaxShownChars = 64 * 1024;

    public static ToolCallKind Kind(ToolKind kind) => kind switch
    {
        ToolKind.Read => ToolCallKind.Read,
        ToolKind.Edit => ToolCallKind.Edit,
        ToolKind.Delete => ToolCallKind.Delete,
        ToolKind.Move => ToolCallKind.Move,
        ToolKind.Search => ToolCallKind.Search,
        ToolKind.Execute => ToolCallKind.Execute,
        ToolKind.Think => ToolCallKind.Think,
        ToolKind.Fetch => ToolCallKind.Fetch,
        _ => ToolCallKind.Other,
    };

    public static IReadOnlyList<ToolCallLocation>? Locations(IReadOnlyList<string> paths) =>
        paths.Count == 0 ? null : [.. paths.Select(p => new ToolCallLocation { Path = p })];

    /// <summary>The call's arguments as a JSON value (null when they are not JSON).</summary>
    public static JsonElement? RawInput(string argumentsJson)
    {
        if (string.IsNullOrEmpty(argumentsJson))
        {
            return null;
        }

        try
        {
            using var document = JsonDocument.Parse(argumentsJson);
            return document.RootElement.Clone();
        }
        catch (JsonException)
        {
            return null;
        }
    }

    public static ToolCallStart Start(ToolCallStarted started) => new()
    {
        ToolCallId = started.CallId,
        Title = started.Title,
        Kind = Kind(started.Kind),
        Status = ToolCallStatus.Pending,
        Locations = Locations(started.Locations),
        RawInput = RawInput(started.ArgumentsJson),
    };

    /// <summary>The content that shows what a call will change before it runs (Edit and Write: their diff); null when nothing.</summary>
    public static IReadOnlyList<ToolCallContent>? Preview(ToolDisplay? preview) => preview switch
    {
        DiffDisplay diff => [new ToolCallDiff { Path = diff.Path, OldText = diff.OldText, NewText = diff.NewText }],
        _ => null,
    };

    public static ToolCallProgress Finish(ToolCallFinished finished, string? terminalId)
    {
        ToolResult result = finished.Result;
        var content = new List<ToolCallContent>(2);
        switch (result.Display)
        {
            case DiffDisplay diff:
                content.Add(new ToolCallDiff { Path = diff.Path, OldText = diff.OldText, NewText = diff.NewText });
                break;
            case TerminalDisplay when terminalId is not null:
                content.Add(new ToolCallTerminal { TerminalId = terminalId });
                break;
            case TerminalDisplay terminal:
                content.Add(Text(Fence(terminal.Output.TrimEnd('\n'))));
                break;
        }

        if (result.IsError || result.Display is null or PlanDisplay)
        {
            content.Add(Text(result.Display is null && !result.IsError ? Fence(result.Content) : Cap(result.Content)));
        }

        // What the model was shown (ReadMediaFile), as pictures the editor can show, live and in replays.
        content.AddRange(result.Images.Select(image => new ToolCallContentBlock
        {
            Content = new ImageBlock { Data = Convert.ToBase64String(image.Data.Span), MimeType = image.MediaType },
        }));

        return new ToolCallProgress
        {
            ToolCallId = finished.CallId,
            Status = result.IsError ? ToolCallStatus.Failed : ToolCallStatus.Completed,
            Content = content,
        };
    }

    /// <summary>Running output of a call whose runner is local (the editor's terminals show themselves).</summary>
    public static ToolCallProgress Output(string callId, string output) => new()
    {
        ToolCallId = callId,
        Status = ToolCallStatus.InProgress,
        Content = [Text(Fence(output))],
    };

    public static PlanUpdate Plan(IReadOnlyList<TodoItem> items) => new()
    {
        Entries = [.. items.Select(i => new PlanEntry
        {
            Content = i.Content,
            Priority = PlanEntryPriority.Medium,
            Status = i.Status switch
            {
                "in_progress" => PlanEntryStatus.InProgress,
                "completed" => PlanEntryStatus.Completed,
                _ => PlanEntryStatus.Pending,
            },
        })],
    };

    public static ToolCallContentBlock Text(string text) => new() { Content = new TextBlock { Text = text } };

    private static string Cap(string text) =>
        text.Length <= MaxShownChars ? text : string.Concat(text.AsSpan(0, MaxShownChars), "\n… (", (text.Length - MaxShownChars).ToString(System.Globalization.CultureInfo.InvariantCulture), " more characters not shown)");

    /// <summary>A Markdown code block that the text cannot break out of.</summary>
    private static string Fence(string text)
    {
        if (text.Length == 0)
        {
            return "(no output)";
        }

        text = Cap(text);

        int longest = 0;
        int run = 0;
        foreach (char c in text)
        {
            run = c == '`' ? run + 1 : 0;
            longest = Math.Max(longest, run);
        }

        string fence = new('`', Math.Max(3, longest + 1));
        return new StringBuilder(text.Length + 16).Append(fence).Append('\n').Append(text).Append('\n').Append(fence).ToString();
    }
}
