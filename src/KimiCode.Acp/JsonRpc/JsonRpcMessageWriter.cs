using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// Writes the four JSON-RPC 2.0 envelopes (result, error, request, notification), each as one line of the
/// channel. Messages are never cancelled once queued: every caller has already decided to send.
/// </summary>
internal sealed class JsonRpcMessageWriter
{
    private static readonly JsonWriterOptions WriterOptions = new()
    {
        // Never HTML-escape: the peer is a program. Control characters (and so newlines) are still escaped.
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
    };

    private readonly NdjsonChannel _channel;

    public JsonRpcMessageWriter(NdjsonChannel channel)
    {
        _channel = channel ?? throw new ArgumentNullException(nameof(channel));
    }

    /// <summary><c>{"jsonrpc":"2.0","id":…,"result":…}</c>.</summary>
    public Task WriteResultAsync(JsonElement id, RpcResult result) => WriteAsync(writer =>
    {
        writer.WritePropertyName("id"u8);
        id.WriteTo(writer);
        writer.WritePropertyName("result"u8);
        result.WriteTo(writer);
    });

    /// <summary><c>{"jsonrpc":"2.0","id":…|null,"error":{code,message,data?}}</c>; a null id when the request's is unknown.</summary>
    public Task WriteErrorAsync(JsonElement? id, int code, string message, JsonElement? data = null) => WriteAsync(writer =>
    {
        writer.WritePropertyName("id"u8);
        if (id is { } value)
        {
            value.WriteTo(writer);
        }
        else
        {
            writer.WriteNullValue();
        }

        writer.WriteStartObject("error"u8);
        writer.WriteNumber("code"u8, code);
        writer.WriteString("message"u8, message);
        if (data is { } d)
        {
            writer.WritePropertyName("data"u8);
            d.WriteTo(writer);
        }

        writer.WriteEndObject();
    });

    /// <summary><c>{"jsonrpc":"2.0","id":…,"method":…,"params":…}</c>.</summary>
    public Task WriteRequestAsync<TParams>(long id, string method, TParams parameters, JsonTypeInfo<TParams> paramsType) => WriteAsync(writer =>
    {
        writer.WriteNumber("id"u8, id);
        WriteCall(writer, method, parameters, paramsType);
    });

    /// <summary><c>{"jsonrpc":"2.0","method":…,"params":…}</c>.</summary>
    public Task WriteNotificationAsync<TParams>(string method, TParams parameters, JsonTypeInfo<TParams> paramsType) =>
        WriteAsync(writer => WriteCall(writer, method, parameters, paramsType));

    private static void WriteCall<TParams>(Utf8JsonWriter writer, string method, TParams parameters, JsonTypeInfo<TParams> paramsType)
    {
        writer.WriteString("method"u8, method);
        writer.WritePropertyName("params"u8);
        JsonSerializer.Serialize(writer, parameters, paramsType);
    }

    private Task WriteAsync(Action<Utf8JsonWriter> writeMembers) => _channel.WriteLineAsync(
        buffer =>
        {
            using var writer = new Utf8JsonWriter(buffer, WriterOptions);
            writer.WriteStartObject();
            writer.WriteString("jsonrpc"u8, "2.0"u8);
            writeMembers(writer);
            writer.WriteEndObject();
        },
        CancellationToken.None);
}
