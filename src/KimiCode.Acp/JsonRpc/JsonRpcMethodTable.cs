using System.Text.Json.Serialization.Metadata;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// The requests a server answers: each method name with the type its params are read as and its handler.
/// An unknown method answers -32601; params that do not fit the type answer -32602 (<see cref="JsonRpcRequest.ReadParams{T}"/>).
/// </summary>
internal sealed class JsonRpcMethodTable
{
    private readonly Dictionary<string, Func<JsonRpcRequest, CancellationToken, Task<RpcResult>>> _handlers = new(StringComparer.Ordinal);

    /// <summary>Adds a method whose params are read as <typeparamref name="TParams"/> (absent params read as <c>{}</c>).</summary>
    public JsonRpcMethodTable Add<TParams>(string method, JsonTypeInfo<TParams> paramsType, Func<TParams, CancellationToken, Task<RpcResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(paramsType);
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(method, (request, cancellationToken) => handler(request.ReadParams(paramsType), cancellationToken));
        return this;
    }

    /// <summary>Adds a method that takes no params (whatever is sent is ignored).</summary>
    public JsonRpcMethodTable Add(string method, Func<CancellationToken, Task<RpcResult>> handler)
    {
        ArgumentNullException.ThrowIfNull(handler);
        _handlers.Add(method, (_, cancellationToken) => handler(cancellationToken));
        return this;
    }

    public bool Contains(string method) => _handlers.ContainsKey(method);

    /// <summary>Reads the params and runs the handler of <paramref name="request"/>'s method.</summary>
    /// <exception cref="AcpException">-32601 for an unknown method, -32602 for params that do not fit, or whatever the handler throws.</exception>
    public Task<RpcResult> InvokeAsync(JsonRpcRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return _handlers.TryGetValue(request.Method, out Func<JsonRpcRequest, CancellationToken, Task<RpcResult>>? handler)
            ? handler(request, cancellationToken)
            : throw MethodNotFound(request.Method);
    }

    public static AcpException MethodNotFound(string method) => new(JsonRpcErrorCodes.MethodNotFound, $"Method not found: {method}");
}
