using System.Text.Json;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// A JSON-RPC error: thrown by a handler to answer a request with <see cref="Code"/>, and thrown to the caller
/// of <see cref="JsonRpcConnection.RequestAsync{TParams, TResult}"/> when the peer answered with an error.
/// </summary>
public sealed class AcpException : Exception
{
    public AcpException(int code, string message, JsonElement? data = null)
        : base(message)
    {
        Code = code;
        ErrorData = data;
    }

    public AcpException()
        : this(JsonRpcErrorCodes.InternalError, "Internal error.")
    {
    }

    public AcpException(string message)
        : this(JsonRpcErrorCodes.InternalError, message)
    {
    }

    public AcpException(string message, Exception innerException)
        : base(message, innerException)
    {
        Code = JsonRpcErrorCodes.InternalError;
    }

    /// <summary>The JSON-RPC error code (see <see cref="JsonRpcErrorCodes"/>).</summary>
    public int Code { get; }

    /// <summary>The error's <c>data</c>, when any.</summary>
    public JsonElement? ErrorData { get; }

    public static AcpException InvalidParams(string message) => new(JsonRpcErrorCodes.InvalidParams, message);

    public static AcpException InvalidRequest(string message) => new(JsonRpcErrorCodes.InvalidRequest, message);
}
