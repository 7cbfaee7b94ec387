using System.Text.Json;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests.JsonRpc;

public sealed class JsonRpcMethodTableTests
{
    private static readonly JsonRpcMethodTable Table = new JsonRpcMethodTable()
        .Add(AcpMethods.SessionClose, AcpJsonContext.Default.SessionIdParams, (p, _) => Task.FromResult(RpcResult.Of(p, AcpJsonContext.Default.SessionIdParams)))
        .Add(AcpMethods.Logout, _ => Task.FromResult(RpcResult.Empty));

    [Fact]
    public async Task Invoke_UnknownMethod_MethodNotFound()
    {
        Assert.False(Table.Contains("session/nope"));

        AcpException error = await Assert.ThrowsAsync<AcpException>(() => Table.InvokeAsync(Request("session/nope", "{}"), CancellationToken.None));

        Assert.Equal(JsonRpcErrorCodes.MethodNotFound, error.Code);
        Assert.Equal("Method not found: session/nope", error.Message);
    }

    [Theory]
    [InlineData("{}")]
    [InlineData("""{"sessionId":7}""")]
    [InlineData("[1]")]
    public async Task Invoke_ParamsDoNotFit_InvalidParams(string parameters)
    {
        AcpException error = await Assert.ThrowsAsync<AcpException>(() => Table.InvokeAsync(Request(AcpMethods.SessionClose, parameters), CancellationToken.None));

        Assert.Equal(JsonRpcErrorCodes.InvalidParams, error.Code);
        Assert.StartsWith("Invalid params for session/close", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Invoke_KnownMethod_HandlerGetsTypedParams()
    {
        RpcResult result = await Table.InvokeAsync(Request(AcpMethods.SessionClose, """{"sessionId":"s1"}"""), CancellationToken.None);

        Assert.Equal("""{"sessionId":"s1"}""", Write(result));
    }

    [Fact]
    public async Task Invoke_MethodWithoutParams_IgnoresWhateverIsSent()
    {
        RpcResult result = await Table.InvokeAsync(Request(AcpMethods.Logout, "[1,2]"), CancellationToken.None);

        Assert.Equal("{}", Write(result));
    }

    private static JsonRpcRequest Request(string method, string parameters) => new(method, Json.Parse(parameters), Json.Parse("1"));

    private static string Write(RpcResult result)
    {
        using var stream = new MemoryStream();
        using (var writer = new Utf8JsonWriter(stream))
        {
            result.WriteTo(writer);
        }

        return System.Text.Encoding.UTF8.GetString(stream.ToArray());
    }
}
