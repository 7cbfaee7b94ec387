using System.Buffers;
using System.Globalization;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider;

/// <summary>Tool-call arguments and results between M.E.AI objects and the JSON text the API carries.</summary>
internal static class ToolArguments
{
    /// <summary>A tool result as the text the model reads.</summary>
    public static string ResultText(FunctionResultContent result)
    {
        if (result.Result is null)
        {
            return result.Exception is { } ex ? "Error: " + ex.Message : string.Empty;
        }

        if (result.Result is string s)
        {
            return s;
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            WriteValue(writer, result.Result);
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>
    /// Parses streamed argument text. Broken JSON does not throw: the call carries the exception
    /// so the agent can hand the model a tool error it can correct.
    /// </summary>
    public static FunctionCallContent ToFunctionCall(string callId, string name, string argumentsJson)
    {
        if (string.IsNullOrWhiteSpace(argumentsJson))
        {
            return new FunctionCallContent(callId, name, new Dictionary<string, object?>());
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(argumentsJson);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new FunctionCallContent(callId, name)
                {
                    Exception = new InvalidDataException($"The tool-call arguments for '{name}' are not a JSON object: {Snippet.Of(argumentsJson)}"),
                };
            }

            var arguments = new Dictionary<string, object?>(StringComparer.Ordinal);
            foreach (JsonProperty property in document.RootElement.EnumerateObject())
            {
                arguments[property.Name] = property.Value.Clone();
            }

            return new FunctionCallContent(callId, name, arguments);
        }
        catch (JsonException ex)
        {
            return new FunctionCallContent(callId, name)
            {
                Exception = new InvalidDataException($"The tool-call arguments for '{name}' are not valid JSON ({ex.Message}): {Snippet.Of(argumentsJson)}", ex),
            };
        }
    }

    /// <summary>True when the accumulated text is already one complete JSON value.</summary>
    public static bool IsCompleteJson(string text)
    {
        if (string.IsNullOrWhiteSpace(text))
        {
            return false;
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }

    internal static void WriteValue(Utf8JsonWriter writer, object? value)
    {
        switch (value)
        {
            case null:
                writer.WriteNullValue();
                break;
            case JsonElement element:
                element.WriteTo(writer);
                break;
            case JsonNode node:
                node.WriteTo(writer);
                break;
            case JsonDocument document:
                document.RootElement.WriteTo(writer);
                break;
            case string s:
                writer.WriteStringValue(s);
                break;
            case bool b:
                writer.WriteBooleanValue(b);
                break;
            case int i:
                writer.WriteNumberValue(i);
                break;
            case long l:
                writer.WriteNumberValue(l);
                break;
            case double d:
                writer.WriteNumberValue(d);
                break;
            case float f:
                writer.WriteNumberValue(f);
                break;
            case decimal m:
                writer.WriteNumberValue(m);
                break;
            case IDictionary<string, object?> dictionary:
                writer.WriteStartObject();
                foreach (KeyValuePair<string, object?> pair in dictionary)
                {
                    writer.WritePropertyName(pair.Key);
                    WriteValue(writer, pair.Value);
                }

                writer.WriteEndObject();
                break;
            case System.Collections.IEnumerable sequence:
                writer.WriteStartArray();
                foreach (object? item in sequence)
                {
                    WriteValue(writer, item);
                }

                writer.WriteEndArray();
                break;
            default:
                // Anything else through the M.E.AI source-generated options (no reflection fallback needed
                // for the types tools normally return); last resort is its invariant string form.
                if (AIJsonUtilities.DefaultOptions.TryGetTypeInfo(value.GetType(), out var info))
                {
                    JsonSerializer.Serialize(writer, value, info);
                }
                else
                {
                    writer.WriteStringValue(Convert.ToString(value, CultureInfo.InvariantCulture));
                }

                break;
        }
    }
}
