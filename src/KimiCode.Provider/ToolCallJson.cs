using System.Buffers;
using System.Text.Json;

namespace KimiCode.Provider;

/// <summary>
/// Tool-call arguments as the compact JSON text the API carries. One serializer for every layer (request bodies,
/// the agent's history and events, print mode's stream-json) so the same call always reads the same.
/// </summary>
public static class ToolCallJson
{
    /// <summary>
    /// <paramref name="arguments"/> (values as the provider produces them: <see cref="JsonElement"/>s, or plain .NET
    /// values) → a compact JSON object; <c>{}</c> when null or empty. <paramref name="sortKeys"/> orders properties
    /// ordinally, for comparing calls.
    /// </summary>
    public static string Arguments(IDictionary<string, object?>? arguments, bool sortKeys = false)
    {
        if (arguments is null || arguments.Count == 0)
        {
            return "{}";
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            IEnumerable<KeyValuePair<string, object?>> pairs = sortKeys ? arguments.OrderBy(p => p.Key, StringComparer.Ordinal) : arguments;
            foreach (KeyValuePair<string, object?> pair in pairs)
            {
                writer.WritePropertyName(pair.Key);
                ToolArguments.WriteValue(writer, pair.Value);
            }

            writer.WriteEndObject();
        }

        return System.Text.Encoding.UTF8.GetString(buffer.WrittenSpan);
    }
}
