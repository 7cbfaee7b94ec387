namespace KimiCode.Acp.JsonRpc;

/// <summary>The JSON-RPC 2.0 and ACP error codes this server sends.</summary>
public static class JsonRpcErrorCodes
{
    /// <summary>The line is not JSON (or not UTF-8).</summary>
    public const int ParseError = -32700;

    /// <summary>JSON, but not a valid request: not an object, a batch, a wrong <c>jsonrpc</c>, a bad <c>id</c>, or sent before <c>initialize</c>.</summary>
    public const int InvalidRequest = -32600;

    /// <summary>No such method (also every unknown <c>_</c>-prefixed extension method).</summary>
    public const int MethodNotFound = -32601;

    /// <summary>The params do not match the method.</summary>
    public const int InvalidParams = -32602;

    /// <summary>Something failed inside the agent.</summary>
    public const int InternalError = -32603;

    /// <summary>The request was cancelled with <c>$/cancel_request</c>.</summary>
    public const int RequestCancelled = -32800;

    /// <summary>ACP: authentication required; <c>data.authMethods</c> lists the ways.</summary>
    public const int AuthRequired = -32000;

    /// <summary>ACP: a file or a session (<c>data.sessionId</c>) does not exist.</summary>
    public const int ResourceNotFound = -32002;
}
