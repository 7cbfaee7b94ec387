using System.Text.Json;
using System.Text.Json.Serialization.Metadata;
using KimiCode.Acp.Schema;

namespace KimiCode.Acp.JsonRpc;

/// <summary>A handler's successful answer, plus work to do once it has been written (e.g. notifications about a new session).</summary>
public sealed class RpcResult
{
    private readonly object? _value;
    private readonly JsonTypeInfo _typeInfo;

    private RpcResult(object? value, JsonTypeInfo typeInfo, Func<Task>? afterSent)
    {
        _value = value;
        _typeInfo = typeInfo;
        AfterSent = afterSent;
    }

    /// <summary>Runs after the response is on the wire (its failures are logged, never answered).</summary>
    public Func<Task>? AfterSent { get; }

    /// <summary>The result <c>{}</c>.</summary>
    public static RpcResult Empty { get; } = new(EmptyObject.Instance, AcpJsonContext.Default.EmptyObject, null);

    public static RpcResult Of<T>(T value, JsonTypeInfo<T> typeInfo, Func<Task>? afterSent = null) => new(value, typeInfo, afterSent);

    internal void WriteTo(Utf8JsonWriter writer) => JsonSerializer.Serialize(writer, _value, _typeInfo);
}
