using System.Text.Json;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Loop;

/// <summary>
/// How the agent keeps tool calls and results inside M.E.AI messages: a call carries its title, kind and
/// locations in <see cref="AIContent.AdditionalProperties"/> (the provider never sends them); a result's
/// <see cref="FunctionResultContent.Result"/> is the text the model reads and its
/// <see cref="AIContent.RawRepresentation"/> the full <see cref="ToolResult"/> (for displays and replay); the result's
/// images follow it in the same tool message as <see cref="DataContent"/> items (the provider sends them as parts of
/// that tool message, the session file keeps them in that order).
/// </summary>
internal static class HistoryContent
{
    private const string TitleKey = "kimi.title";
    private const string KindKey = "kimi.kind";
    private const string LocationsKey = "kimi.locations";
    private const string SummaryKey = "kimi.summary";

    /// <summary>The prefix of the user message that replaces compacted history.</summary>
    public const string SummaryPrefix = "Summary of the conversation so far: ";

    public static void SetCallInfo(FunctionCallContent call, string title, ToolKind kind, IReadOnlyList<string> locations)
    {
        call.AdditionalProperties ??= [];
        call.AdditionalProperties[TitleKey] = title;
        call.AdditionalProperties[KindKey] = kind;
        call.AdditionalProperties[LocationsKey] = locations;
    }

    public static (string Title, ToolKind Kind, IReadOnlyList<string> Locations) GetCallInfo(FunctionCallContent call)
    {
        string title = call.AdditionalProperties?.TryGetValue(TitleKey, out object? t) == true && t is string s ? s : call.Name;
        ToolKind kind = call.AdditionalProperties?.TryGetValue(KindKey, out object? k) == true && k is ToolKind tk ? tk : ToolKind.Other;
        IReadOnlyList<string> locations = call.AdditionalProperties?.TryGetValue(LocationsKey, out object? l) == true && l is IReadOnlyList<string> list ? list : [];
        return (title, kind, locations);
    }

    public static FunctionResultContent ResultContent(string callId, ToolResult result) =>
        new(callId, ModelText(result)) { RawRepresentation = result };

    public static ChatMessage ResultMessage(string callId, ToolResult result) =>
        new(ChatRole.Tool, [ResultContent(callId, result), .. result.Images]);

    /// <summary>The <see cref="ToolResult"/> behind a result (rebuilt from the text when there is none).</summary>
    public static ToolResult ResultOf(FunctionResultContent content)
    {
        if (content.RawRepresentation is ToolResult result)
        {
            return result;
        }

        string text = content.Result as string ?? content.Result?.ToString() ?? content.Exception?.Message ?? "";
        return new ToolResult(text, content.Exception is not null);
    }

    /// <summary>What the model reads: errors are marked so it does not mistake them for output.</summary>
    public static string ModelText(ToolResult result) =>
        result.IsError ? "Error: " + result.Content : result.Content;

    public static ChatMessage SummaryMessage(string summary) =>
        new(ChatRole.User, SummaryPrefix + summary) { AdditionalProperties = new() { [SummaryKey] = true } };

    public static bool IsSummary(ChatMessage message) =>
        message.AdditionalProperties?.ContainsKey(SummaryKey) == true;

    /// <summary>A user prompt (not a tool-result message).</summary>
    public static bool IsUserPrompt(ChatMessage message) =>
        message.Role == ChatRole.User && !message.Contents.Any(c => c is FunctionResultContent);

    /// <summary>The call's arguments as compact JSON (<c>{}</c> when absent or unparsed).</summary>
    public static string ArgumentsJson(FunctionCallContent call, bool sortKeys = false) =>
        KimiCode.Provider.ToolCallJson.Arguments(call.Arguments, sortKeys);

    /// <summary>The call's arguments as one JSON object, for <see cref="IAgentTool.Prepare"/>.</summary>
    public static JsonElement ArgumentsElement(FunctionCallContent call)
    {
        using JsonDocument document = JsonDocument.Parse(ArgumentsJson(call));
        return document.RootElement.Clone();
    }

    /// <summary>Arguments parsed from stored JSON, in the shape the provider produces (values are <see cref="JsonElement"/>s).</summary>
    public static Dictionary<string, object?> ArgumentsFrom(JsonElement element)
    {
        var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
        if (element.ValueKind == JsonValueKind.Object)
        {
            foreach (JsonProperty property in element.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }
        }

        return arguments;
    }

    /// <summary>Characters of a message as the model would read them (for token estimates).</summary>
    public static long CharacterCount(ChatMessage message)
    {
        long count = 0;
        foreach (AIContent content in message.Contents)
        {
            count += content switch
            {
                TextContent t => t.Text.Length,
                TextReasoningContent r => r.Text.Length,
                FunctionCallContent c => c.Name.Length + ArgumentsJson(c).Length + 16,
                FunctionResultContent r => (r.Result as string ?? r.Result?.ToString() ?? "").Length + 16,
                DataContent d => 4_000,
                _ => 0,
            };
        }

        return count + 8;
    }
}
