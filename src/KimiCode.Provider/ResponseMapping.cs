using KimiCode.Provider.Wire;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider;

/// <summary>Wire → M.E.AI mappings shared by streaming and non-streaming calls.</summary>
internal static class ResponseMapping
{
    public static ChatFinishReason FinishReason(string value) => value switch
    {
        "stop" => ChatFinishReason.Stop,
        "length" => ChatFinishReason.Length,
        "tool_calls" or "function_call" => ChatFinishReason.ToolCalls,
        "content_filter" => ChatFinishReason.ContentFilter,
        // Unknown reasons are kept as they are: a new server value must not break the client.
        _ => new ChatFinishReason(value),
    };

    public static UsageDetails Usage(WireUsage usage) => new()
    {
        InputTokenCount = usage.PromptTokens,
        OutputTokenCount = usage.CompletionTokens,
        TotalTokenCount = usage.TotalTokens ?? (usage.PromptTokens + usage.CompletionTokens),
        CachedInputTokenCount = usage.CachedTokens ?? usage.PromptTokensDetails?.CachedTokens,
    };

    public static ChatResponse ToChatResponse(WireChatChunk completion, string? traceId)
    {
        var message = new ChatMessage(ChatRole.Assistant, (IList<AIContent>)[]) { MessageId = completion.Id };
        WireChoice? choice = completion.Choices is { Count: > 0 } choices ? choices[0] : null;
        if (choice?.Message is { } wire)
        {
            if (!string.IsNullOrEmpty(wire.ReasoningContent))
            {
                message.Contents.Add(new TextReasoningContent(wire.ReasoningContent));
            }

            if (!string.IsNullOrEmpty(wire.Content))
            {
                message.Contents.Add(new TextContent(wire.Content));
            }

            foreach (WireToolCall call in wire.ToolCalls ?? [])
            {
                message.Contents.Add(ToolArguments.ToFunctionCall(call.Id ?? string.Empty, call.Function?.Name ?? string.Empty, call.Function?.Arguments ?? string.Empty));
            }
        }

        var response = new ChatResponse(message)
        {
            ResponseId = completion.Id,
            ModelId = completion.Model,
            CreatedAt = completion.Created is { } created ? DateTimeOffset.FromUnixTimeSeconds(created) : null,
            FinishReason = choice?.FinishReason is { } reason ? FinishReason(reason) : null,
            Usage = (completion.Usage ?? choice?.Usage) is { } usage ? Usage(usage) : null,
            RawRepresentation = completion,
        };
        if (traceId is not null)
        {
            response.AdditionalProperties = new AdditionalPropertiesDictionary { ["trace_id"] = traceId };
        }

        return response;
    }
}
