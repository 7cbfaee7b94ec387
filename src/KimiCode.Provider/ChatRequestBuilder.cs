using System.Text;
using System.Text.Json;
using KimiCode.Provider.Wire;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider;

/// <summary>Maps Microsoft.Extensions.AI messages and options onto the chat-completions request body.</summary>
internal static class ChatRequestBuilder
{
    private static readonly JsonElement EmptyObjectSchema = JsonDocument.Parse("""{"type":"object","properties":{}}""").RootElement.Clone();

    public static WireChatRequest Build(KimiProviderOptions options, IEnumerable<ChatMessage> messages, ChatOptions? chatOptions, bool stream)
    {
        bool kimi = options.Kind == ProviderKind.Kimi;
        var wire = new List<WireMessage>();
        if (!string.IsNullOrEmpty(chatOptions?.Instructions))
        {
            wire.Add(new WireMessage { Role = "system", Content = StringElement(chatOptions.Instructions) });
        }

        foreach (ChatMessage message in messages)
        {
            AddMessage(wire, message, kimi);
        }

        List<WireTool>? tools = null;
        if (chatOptions?.Tools is { Count: > 0 } declared)
        {
            tools = [];
            foreach (AITool tool in declared)
            {
                if (tool is AIFunctionDeclaration function)
                {
                    tools.Add(new WireTool
                    {
                        Function = new WireFunctionDefinition
                        {
                            Name = function.Name,
                            Description = string.IsNullOrEmpty(function.Description) ? null : function.Description,
                            Parameters = function.JsonSchema.ValueKind == JsonValueKind.Object ? function.JsonSchema : EmptyObjectSchema,
                        },
                    });
                }
            }

            if (tools.Count == 0)
            {
                tools = null;
            }
        }

        string? cacheKey = null;
        if (kimi)
        {
            cacheKey = chatOptions?.ConversationId;
            if (cacheKey is null && chatOptions?.AdditionalProperties?.TryGetValue("prompt_cache_key", out object? key) == true)
            {
                cacheKey = key?.ToString();
            }
        }

        return new WireChatRequest
        {
            Model = chatOptions?.ModelId ?? options.Model,
            Messages = wire,
            Tools = tools,
            Stream = stream,
            StreamOptions = stream ? new WireStreamOptions { IncludeUsage = true } : null,
            PromptCacheKey = cacheKey,
            MaxCompletionTokens = chatOptions?.MaxOutputTokens ?? options.MaxCompletionTokens,
            Thinking = kimi ? WireThinkingFor(chatOptions, options) : null,
            Temperature = chatOptions?.Temperature ?? options.Temperature,
            TopP = chatOptions?.TopP ?? options.TopP,
        };
    }

    private static void AddMessage(List<WireMessage> wire, ChatMessage message, bool kimi)
    {
        string role = message.Role.Value.ToLowerInvariant();
        switch (role)
        {
            // The server has no "developer" role (400 unsupported role ROLE_UNSPECIFIED).
            case "system" or "developer":
                wire.Add(new WireMessage { Role = "system", Content = StringElement(JoinText(message.Contents)) });
                break;
            case "assistant":
                AddAssistant(wire, message, kimi);
                break;
            default:
                AddUserOrTool(wire, message, role);
                break;
        }
    }

    private static void AddAssistant(List<WireMessage> wire, ChatMessage message, bool kimi)
    {
        var text = new StringBuilder();
        var reasoning = new StringBuilder();
        List<WireToolCall>? calls = null;
        foreach (AIContent content in message.Contents)
        {
            switch (content)
            {
                case TextContent t:
                    text.Append(t.Text);
                    break;
                case TextReasoningContent r:
                    reasoning.Append(r.Text);
                    break;
                case FunctionCallContent call:
                    (calls ??= []).Add(new WireToolCall
                    {
                        Id = call.CallId,
                        Type = "function",
                        Function = new WireFunctionCall { Name = call.Name, Arguments = ToolCallJson.Arguments(call.Arguments) },
                    });
                    break;
            }
        }

        // The server rejects an assistant message with empty text ("text content is empty"):
        // omit content when there are tool calls, and drop a message that would carry nothing.
        if (text.Length == 0 && calls is null)
        {
            return;
        }

        wire.Add(new WireMessage
        {
            Role = "assistant",
            Content = text.Length > 0 ? StringElement(text.ToString()) : null,
            ReasoningContent = kimi && reasoning.Length > 0 ? reasoning.ToString() : null,
            ToolCalls = calls,
        });

        AddToolResults(wire, message);
    }

    private static void AddUserOrTool(List<WireMessage> wire, ChatMessage message, string role)
    {
        AddToolResults(wire, message);
        if (role == "tool")
        {
            return;
        }

        var parts = new List<WireContentPart>();
        bool hasImage = false;
        bool afterResult = false;
        foreach (AIContent content in message.Contents)
        {
            if (content is FunctionResultContent)
            {
                afterResult = true;
            }
            else if (content is TextContent t)
            {
                afterResult = false;
                parts.Add(new WireContentPart { Type = "text", Text = t.Text });
            }
            else if (!afterResult && ImagePart(content) is { } image)
            {
                // Images right after a tool result are that result's (AddToolResults sends them).
                parts.Add(image);
                hasImage = true;
            }
        }

        if (parts.Count == 0)
        {
            return;
        }

        wire.Add(new WireMessage { Role = "user", Content = hasImage ? PartsElement(parts) : StringElement(string.Concat(parts.Select(p => p.Text))) });
    }

    /// <summary>
    /// One tool message per result. Images that follow a result in the message are that result's and go with its
    /// text as content parts (<c>[{type:"text"},{type:"image_url"}…]</c>), the shape the official client sends.
    /// </summary>
    private static void AddToolResults(List<WireMessage> wire, ChatMessage message)
    {
        IList<AIContent> contents = message.Contents;
        for (int i = 0; i < contents.Count; i++)
        {
            if (contents[i] is not FunctionResultContent result)
            {
                continue;
            }

            string text = ToolArguments.ResultText(result);
            List<WireContentPart>? parts = null;
            while (i + 1 < contents.Count && ImagePart(contents[i + 1]) is { } image)
            {
                (parts ??= [new WireContentPart { Type = "text", Text = text }]).Add(image);
                i++;
            }

            wire.Add(new WireMessage
            {
                Role = "tool",
                ToolCallId = result.CallId,
                Content = parts is null ? StringElement(text) : PartsElement(parts),
            });
        }
    }

    private static WireContentPart? ImagePart(AIContent content) => content switch
    {
        DataContent data when data.HasTopLevelMediaType("image") => new WireContentPart { Type = "image_url", ImageUrl = new WireImageUrl { Url = data.Uri } },
        UriContent uri when uri.HasTopLevelMediaType("image") => new WireContentPart { Type = "image_url", ImageUrl = new WireImageUrl { Url = uri.Uri.ToString() } },
        _ => null,
    };

    private static JsonElement PartsElement(List<WireContentPart> parts) =>
        JsonSerializer.SerializeToElement(parts, ProviderJsonContext.Default.ListWireContentPart);

    private static string JoinText(IList<AIContent> contents) =>
        string.Concat(contents.OfType<TextContent>().Select(t => t.Text));

    private static JsonElement StringElement(string value) =>
        JsonSerializer.SerializeToElement(value, ProviderJsonContext.Default.String);

    /// <summary>
    /// A per-request <see cref="ChatOptions.Reasoning"/> (the agent's session switch) beats the provider default:
    /// effort <see cref="ReasoningEffort.None"/> turns thinking off, any other effort turns it on.
    /// </summary>
    private static bool? ThinkingFor(ChatOptions? chatOptions, KimiProviderOptions options)
        => chatOptions?.Reasoning is { Effort: { } effort } ? effort != ReasoningEffort.None : options.Thinking ?? (options.ThinkingEffort is null ? null : true);

    /// <summary>The <c>thinking</c> object: off is just <c>{type: disabled}</c>; on carries the effort and keep when set.</summary>
    private static WireThinking? WireThinkingFor(ChatOptions? chatOptions, KimiProviderOptions options)
        => ThinkingFor(chatOptions, options) switch
        {
            null => null,
            false => new WireThinking { Type = "disabled" },
            true => new WireThinking { Type = "enabled", Effort = options.ThinkingEffort, Keep = options.ThinkingKeep },
        };
}
