namespace KimiCode.Emulator;

/// <summary>The request checks the real service makes, with its wording, so clients meet the same 400s offline.</summary>
internal static class ChatValidator
{
    public const int ContextLimitTokens = 262144;

    /// <summary>Returns the error message for an invalid request, or null when it is acceptable.</summary>
    public static string? Validate(ChatRequest request)
    {
        var known = new Dictionary<string, string>(StringComparer.Ordinal);
        var unanswered = new List<string>();
        foreach (var message in request.Messages)
        {
            if (message.ImageError is { } imageError)
            {
                return imageError;
            }

            switch (message.Role)
            {
                case "system":
                    break;
                case "user":
                    if (unanswered.Count > 0)
                    {
                        return $"Invalid request: tool_call_id {unanswered[0]} has no tool result before the next user message";
                    }

                    break;
                case "assistant":
                    if (unanswered.Count > 0)
                    {
                        return $"Invalid request: tool_call_id {unanswered[0]} has no tool result before the next assistant message";
                    }

                    if (message.ContentIsEmptyString)
                    {
                        return "text content is empty";
                    }

                    foreach (var (id, name) in message.ToolCalls)
                    {
                        if (id.Length == 0)
                        {
                            return "Invalid request: every tool call needs an id";
                        }

                        known[id] = name;
                        unanswered.Add(id);
                    }

                    break;
                case "tool":
                    var toolCallId = message.ToolCallId ?? "";
                    if (!known.ContainsKey(toolCallId))
                    {
                        return $"Invalid request: tool_call_id {toolCallId} is not found in any earlier assistant tool call";
                    }

                    unanswered.Remove(toolCallId);
                    break;
                default:
                    return "unsupported role ROLE_UNSPECIFIED";
            }
        }

        if ((long)request.TotalChars > 4L * ContextLimitTokens)
        {
            return $"Invalid request: Your request exceeded model token limit: {ContextLimitTokens}";
        }

        return null;
    }
}
