using System.Text.Json;

namespace KimiCode.Acp.JsonRpc;

/// <summary>What one parsed line is: a call (request or notification), a response to one of ours, or invalid.</summary>
internal abstract record IncomingMessage
{
    /// <summary>Sorts a parsed line by the JSON-RPC 2.0 rules (batches are refused).</summary>
    /// <exception cref="InvalidOperationException">A string in the message is not valid UTF-8.</exception>
    public static IncomingMessage Classify(JsonElement root)
    {
        if (root.ValueKind == JsonValueKind.Array)
        {
            return new Invalid(null, "batches are not supported; send one JSON-RPC object per line.");
        }

        if (root.ValueKind != JsonValueKind.Object)
        {
            return new Invalid(null, $"a message must be a JSON object, not {JsonRpcRequest.Describe(root.ValueKind)}.");
        }

        JsonElement? id = null;
        if (root.TryGetProperty("id"u8, out JsonElement idElement))
        {
            if (idElement.ValueKind is not (JsonValueKind.String or JsonValueKind.Number))
            {
                return new Invalid(null, $"\"id\" must be a string or a number, not {JsonRpcRequest.Describe(idElement.ValueKind)}.");
            }

            id = idElement.Clone();
        }

        if (!root.TryGetProperty("jsonrpc"u8, out JsonElement version) || version.ValueKind != JsonValueKind.String || !version.ValueEquals("2.0"u8))
        {
            return new Invalid(id, "\"jsonrpc\" must be \"2.0\".");
        }

        if (root.TryGetProperty("method"u8, out JsonElement method))
        {
            if (method.ValueKind != JsonValueKind.String)
            {
                return new Invalid(id, $"\"method\" must be a string, not {JsonRpcRequest.Describe(method.ValueKind)}.");
            }

            JsonElement? parameters = null;
            if (root.TryGetProperty("params"u8, out JsonElement paramsElement))
            {
                if (paramsElement.ValueKind is not (JsonValueKind.Object or JsonValueKind.Array))
                {
                    return new Invalid(id, $"\"params\" must be an object or an array, not {JsonRpcRequest.Describe(paramsElement.ValueKind)}.");
                }

                parameters = paramsElement.Clone();
            }

            return new Call(new JsonRpcRequest(method.GetString()!, parameters, id));
        }

        bool hasResult = root.TryGetProperty("result"u8, out JsonElement result);
        bool hasError = root.TryGetProperty("error"u8, out JsonElement error);
        if (id is not null && hasResult != hasError)
        {
            if (hasError && (error.ValueKind != JsonValueKind.Object || !error.TryGetProperty("code"u8, out JsonElement code) || !code.TryGetInt32(out _)))
            {
                return new Invalid(null, "\"error\" must be an object with an integer \"code\".");
            }

            return new Response(id.Value, hasResult ? result.Clone() : null, hasError ? error.Clone() : null);
        }

        return new Invalid(id, "a message needs a \"method\" (request or notification) or an \"id\" with exactly one of \"result\" and \"error\" (response).");
    }

    /// <summary>Answered with -32600 (and <see cref="Id"/> when it could be read).</summary>
    public sealed record Invalid(JsonElement? Id, string Reason) : IncomingMessage;

    /// <summary>The peer's answer to one of our requests: exactly one of <see cref="Result"/> and <see cref="Error"/>.</summary>
    public sealed record Response(JsonElement Id, JsonElement? Result, JsonElement? Error) : IncomingMessage;

    /// <summary>A request (with an id) or a notification.</summary>
    public sealed record Call(JsonRpcRequest Request) : IncomingMessage;
}
