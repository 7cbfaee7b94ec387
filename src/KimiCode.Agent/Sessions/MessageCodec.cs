using KimiCode.Agent.Loop;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Sessions;

/// <summary>Chat messages to and from their <c>context.jsonl</c> form.</summary>
internal static class MessageCodec
{
    public static MessageRecord ToRecord(ChatMessage message)
    {
        var contents = new List<ContentRecord>();
        foreach (AIContent content in message.Contents)
        {
            switch (content)
            {
                case TextContent text:
                    contents.Add(new ContentRecord { Type = ContentRecord.TextType, Text = text.Text });
                    break;
                case TextReasoningContent reasoning:
                    contents.Add(new ContentRecord { Type = ContentRecord.ThinkingType, Text = reasoning.Text });
                    break;
                case FunctionCallContent call:
                    (string title, ToolKind kind, IReadOnlyList<string> locations) = HistoryContent.GetCallInfo(call);
                    contents.Add(new ContentRecord
                    {
                        Type = ContentRecord.ToolCallType,
                        CallId = call.CallId,
                        Name = call.Name,
                        Arguments = call.Exception is null ? HistoryContent.ArgumentsElement(call) : null,
                        ArgumentsError = call.Exception?.Message,
                        Title = title,
                        Kind = kind.ToString(),
                        Locations = locations.Count > 0 ? [.. locations] : null,
                    });
                    break;
                case FunctionResultContent result:
                    ToolResult toolResult = HistoryContent.ResultOf(result);
                    contents.Add(new ContentRecord
                    {
                        Type = ContentRecord.ToolResultType,
                        CallId = result.CallId,
                        Content = toolResult.Content,
                        IsError = toolResult.IsError,
                        Display = ToRecord(toolResult.Display),
                    });
                    break;
                case DataContent data:
                    contents.Add(new ContentRecord { Type = ContentRecord.DataType, Uri = data.Uri, MediaType = data.MediaType, Name = data.Name });
                    break;
                case UriContent uri:
                    contents.Add(new ContentRecord { Type = ContentRecord.UriType, Uri = uri.Uri.ToString(), MediaType = uri.MediaType });
                    break;
            }
        }

        return new MessageRecord { Role = message.Role.Value, Contents = contents };
    }

    public static ChatMessage FromRecord(MessageRecord record)
    {
        var contents = new List<AIContent>();
        int lastResult = -1;
        foreach (ContentRecord content in record.Contents)
        {
            switch (content.Type)
            {
                case ContentRecord.TextType:
                    contents.Add(new TextContent(content.Text ?? ""));
                    break;
                case ContentRecord.ThinkingType:
                    contents.Add(new TextReasoningContent(content.Text ?? ""));
                    break;
                case ContentRecord.ToolCallType:
                    string name = content.Name ?? "";
                    FunctionCallContent call = content.ArgumentsError is { } error
                        ? new FunctionCallContent(content.CallId ?? "", name) { Exception = new InvalidDataException(error) }
                        : new FunctionCallContent(content.CallId ?? "", name, content.Arguments is { } args ? HistoryContent.ArgumentsFrom(args) : []);
                    HistoryContent.SetCallInfo(
                        call,
                        content.Title ?? name,
                        Enum.TryParse(content.Kind, ignoreCase: true, out ToolKind kind) ? kind : ToolKind.Other,
                        content.Locations ?? []);
                    contents.Add(call);
                    break;
                case ContentRecord.ToolResultType:
                    var result = new ToolResult(content.Content ?? "", content.IsError ?? false) { Display = FromRecord(content.Display) };
                    lastResult = contents.Count;
                    contents.Add(HistoryContent.ResultContent(content.CallId ?? "", result));
                    break;
                case ContentRecord.DataType when content.Uri is { } dataUri:
                    var data = new DataContent(dataUri, content.MediaType) { Name = content.Name };
                    if (lastResult >= 0 && contents[lastResult] is FunctionResultContent owner)
                    {
                        // An image after a tool result is that result's (HistoryContent.ResultMessage).
                        ToolResult previous = HistoryContent.ResultOf(owner);
                        contents[lastResult] = HistoryContent.ResultContent(owner.CallId, previous with { Images = [.. previous.Images, data] });
                    }

                    contents.Add(data);
                    break;
                case ContentRecord.UriType when content.Uri is { } uri && Uri.TryCreate(uri, UriKind.Absolute, out Uri? parsed):
                    contents.Add(new UriContent(parsed, content.MediaType ?? "application/octet-stream"));
                    break;
            }
        }

        return new ChatMessage(new ChatRole(record.Role), contents);
    }

    private static DisplayRecord? ToRecord(ToolDisplay? display) => display switch
    {
        DiffDisplay diff => new DisplayRecord { Type = "diff", Path = diff.Path, OldText = diff.OldText, NewText = diff.NewText, UnifiedDiff = diff.UnifiedDiff },
        TerminalDisplay terminal => new DisplayRecord { Type = "terminal", Command = terminal.Command, Output = terminal.Output, ExitCode = terminal.ExitCode, TimedOut = terminal.TimedOut },
        PlanDisplay plan => new DisplayRecord
        {
            Type = "plan",
            Items = [.. plan.Items.Select(i => new TodoRecord { Content = i.Content, Status = i.Status, ActiveForm = i.ActiveForm })],
        },
        _ => null,
    };

    private static ToolDisplay? FromRecord(DisplayRecord? display) => display?.Type switch
    {
        "diff" => new DiffDisplay(display.Path ?? "", display.OldText, display.NewText ?? "", display.UnifiedDiff ?? ""),
        "terminal" => new TerminalDisplay(display.Command ?? "", display.Output ?? "", display.ExitCode, display.TimedOut ?? false),
        "plan" => new PlanDisplay([.. (display.Items ?? []).Select(i => new TodoItem(i.Content, i.Status, i.ActiveForm))]),
        _ => null,
    };
}
