using System.Text.Json;

namespace KimiCode.Agent.Tests.Support;

/// <summary>Reading recorded chat-request bodies.</summary>
internal static class Wire
{
    public static string Role(JsonElement message) => message.GetProperty("role").GetString()!;

    public static string Content(JsonElement message) =>
        message.TryGetProperty("content", out JsonElement content) && content.ValueKind == JsonValueKind.String ? content.GetString()! : "";

    public static string? ToolCallId(JsonElement message) =>
        message.TryGetProperty("tool_call_id", out JsonElement id) ? id.GetString() : null;

    public static List<string> ToolCallIds(JsonElement message) =>
        message.TryGetProperty("tool_calls", out JsonElement calls) ? [.. calls.EnumerateArray().Select(c => c.GetProperty("id").GetString()!)] : [];

    /// <summary>"role" or "role:tool_call_id" per message, a compact picture of the request.</summary>
    public static List<string> Shape(JsonElement request) =>
        [.. AgentHarness.Messages(request).Select(m => ToolCallId(m) is { } id ? Role(m) + ":" + id : Role(m))];

    public static List<string> ToolNames(JsonElement request) =>
        request.TryGetProperty("tools", out JsonElement tools)
            ? [.. tools.EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()!)]
            : [];
}
