using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;

namespace KimiCode.Emulator;

/// <summary>Parses the script format <c>{"turns":[…]}</c> described in docs/emulator.md.</summary>
internal static class ScriptParser
{
    public static List<ModelTurn> Parse(string json)
    {
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(json);
        }
        catch (JsonException ex)
        {
            throw new FormatException($"Emulator script is not valid JSON: {ex.Message}", ex);
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("turns", out var turns) || turns.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("Emulator script must be an object with a \"turns\" array, e.g. {\"turns\":[{\"text\":\"hi\"}]}.");
            }

            var result = new List<ModelTurn>();
            var index = 0;
            foreach (var turn in turns.EnumerateArray())
            {
                result.Add(ParseTurn(turn, index));
                index++;
            }

            return result;
        }
    }

    private static ModelTurn ParseTurn(JsonElement turn, int index)
    {
        var where = $"script turn {index}";
        if (turn.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: must be a JSON object.");
        }

        if (turn.TryGetProperty("error", out var error))
        {
            return new ModelTurn { Error = ParseError(error, where) };
        }

        var toolCalls = new List<ModelToolCall>();
        if (turn.TryGetProperty("tool_calls", out var calls) && calls.ValueKind != JsonValueKind.Null)
        {
            if (calls.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException($"{where}: tool_calls must be an array.");
            }

            var callIndex = 0;
            foreach (var call in calls.EnumerateArray())
            {
                toolCalls.Add(ParseToolCall(call, $"{where}: tool_calls[{callIndex}]", index, callIndex));
                callIndex++;
            }
        }

        var chunkSize = OptionalInt(turn, "chunk_size", where);
        if (chunkSize < 1)
        {
            throw new FormatException($"{where}: chunk_size must be at least 1.");
        }

        var delay = OptionalInt(turn, "delay_ms", where) ?? 0;
        if (delay < 0)
        {
            throw new FormatException($"{where}: delay_ms must not be negative.");
        }

        return new ModelTurn
        {
            Thinking = OptionalString(turn, "thinking", where) ?? "",
            Text = OptionalString(turn, "text", where) ?? "",
            ToolCalls = toolCalls,
            FinishReason = OptionalString(turn, "finish_reason", where),
            Usage = ParseUsage(turn, where),
            ChunkSize = chunkSize,
            DelayMs = delay,
        };
    }

    private static ModelError ParseError(JsonElement error, string where)
    {
        if (error.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: error must be an object like {{\"status\":429}}.");
        }

        var status = OptionalInt(error, "status", where + ".error") ?? throw new FormatException($"{where}: error.status is required.");
        if (status < 400 || status > 599)
        {
            throw new FormatException($"{where}: error.status must be between 400 and 599.");
        }

        string? body = null;
        var isJson = false;
        if (error.TryGetProperty("body", out var bodyElement) && bodyElement.ValueKind != JsonValueKind.Null)
        {
            if (bodyElement.ValueKind == JsonValueKind.String)
            {
                body = bodyElement.GetString();
            }
            else
            {
                body = JsonNode.Parse(bodyElement.GetRawText())!.ToJsonString();
                isJson = true;
            }
        }

        var retryAfter = OptionalInt(error, "retry_after", where + ".error");
        return new ModelError(status, body, isJson, retryAfter);
    }

    private static ModelToolCall ParseToolCall(JsonElement call, string where, int turnIndex, int callIndex)
    {
        if (call.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: must be an object with a name.");
        }

        var name = OptionalString(call, "name", where);
        if (string.IsNullOrEmpty(name))
        {
            throw new FormatException($"{where}: name must be a non-empty string.");
        }

        var id = OptionalString(call, "id", where) ?? string.Create(CultureInfo.InvariantCulture, $"call_t{turnIndex}_{callIndex}_{Ids.Random(8)}");
        var arguments = "{}";
        if (call.TryGetProperty("arguments", out var args))
        {
            arguments = args.ValueKind switch
            {
                JsonValueKind.String => args.GetString()!,
                JsonValueKind.Null => "{}",
                _ => JsonNode.Parse(args.GetRawText())!.ToJsonString(),
            };
        }

        return new ModelToolCall(id, name, arguments);
    }

    private static Dictionary<string, long>? ParseUsage(JsonElement turn, string where)
    {
        if (!turn.TryGetProperty("usage", out var usage) || usage.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (usage.ValueKind != JsonValueKind.Object)
        {
            throw new FormatException($"{where}: usage must be an object.");
        }

        var result = new Dictionary<string, long>(StringComparer.Ordinal);
        foreach (var property in usage.EnumerateObject())
        {
            if (property.Value.ValueKind != JsonValueKind.Number || !property.Value.TryGetInt64(out var value))
            {
                throw new FormatException($"{where}: usage.{property.Name} must be an integer.");
            }

            result[property.Name] = value;
        }

        return result;
    }

    private static string? OptionalString(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.String
            ? value.GetString()
            : throw new FormatException($"{where}: {name} must be a string.");
    }

    private static int? OptionalInt(JsonElement element, string name, string where)
    {
        if (!element.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value.ValueKind == JsonValueKind.Number && value.TryGetInt32(out var number)
            ? number
            : throw new FormatException($"{where}: {name} must be an integer.");
    }
}
