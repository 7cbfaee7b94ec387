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
        catch (JsonException ex)
        {
            throw AcpException.InvalidParams($"Invalid params for {Method}: {Explain(ex)}");
        }
        catch (NotSupportedException ex)
        {
            // An abstract union (a content block) without a known discriminator.
            throw AcpException.InvalidParams($"Invalid params for {Method}: {ex.Message}");
        }
        catch (FormatException ex)
        {
            throw AcpException.InvalidParams($"Invalid params for {Method}: {ex.Message}");
        }
        catch (InvalidOperationException ex)
        {
            throw AcpException.InvalidParams($"Invalid params for {Method}: {ex.Message}");
        }
    }

    private static string Explain(JsonException ex)
    {
        // System.Text.Json names the member and the JSON path; keep that, drop the type-system noise.
        string message = ex.Message;
        int cut = message.IndexOf(" Path:", StringComparison.Ordinal);
        string head = cut > 0 ? message[..cut] : message;
        return ex.Path is { Length: > 0 } path && !head.Contains(path, StringComparison.Ordinal) ? $"{head} (at {path})" : head;
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
