using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KimiCode.Acp.JsonRpc;

/// <summary>An incoming request (with <see cref="Id"/>) or notification (without).</summary>
public sealed class JsonRpcRequest
{
    public JsonRpcRequest(string method, JsonElement? parameters, JsonElement? id)
    {
        Method = method;
        Params = parameters;
        Id = id;
    }

    public string Method { get; }

    /// <summary>The params (an object or array), or null when absent.</summary>
    public JsonElement? Params { get; }

    /// <summary>The request id (a string or a number); null for a notification.</summary>
    public JsonElement? Id { get; }

    public bool IsNotification => Id is null;

    /// <summary>Reads the params as <typeparamref name="T"/>; absent params read as <c>{}</c>. Throws -32602 when they do not fit.</summary>
    public T ReadParams<T>(JsonTypeInfo<T> typeInfo)
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        if (Params is { ValueKind: not JsonValueKind.Object } other && other.ValueKind != JsonValueKind.Undefined)
        {
            throw AcpException.InvalidParams($"Invalid params for {Method}: expected an object, got {Describe(other.ValueKind)}.");
        }

        try
        {
            T? value = Params is { } element ? element.Deserialize(typeInfo) : JsonSerializer.Deserialize("{}"u8, typeInfo);
            return value ?? throw AcpException.InvalidParams($"Invalid params for {Method}: expected an object.");
        }
        catch (Exception ex) when (ex is JsonException or NotSupportedException or FormatException or InvalidOperationException)
        {
            // System.Text.Json's messages name .NET types: say what is wrong in protocol terms instead.
            JsonElement parameters = Params ?? EmptyObject();
            string problem = ParamsProblem.Find(parameters, typeInfo)
                ?? "the params do not match what the method takes; check them against the ACP schema";
            throw AcpException.InvalidParams($"Invalid params for {Method}: {problem}.");
        }
    }

    private static JsonElement EmptyObject()
    {
        using JsonDocument document = JsonDocument.Parse("{}");
        return document.RootElement.Clone();
    }

    internal static string Describe(JsonValueKind kind) => kind switch
    {
        JsonValueKind.Array => "an array",
        JsonValueKind.String => "a string",
        JsonValueKind.Number => "a number",
        JsonValueKind.True or JsonValueKind.False => "a boolean",
        JsonValueKind.Null => "null",
        _ => "an object",
    };
}
