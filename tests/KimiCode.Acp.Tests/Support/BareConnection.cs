using System.IO.Pipelines;
using System.Text.Json;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;

namespace KimiCode.Acp.Tests.Support;

/// <summary>A bare connection whose handler echoes params back, wired to a test client.</summary>
internal sealed class BareConnection : IAsyncDisposable
{
    private readonly Pipe _toServer = new();
    private readonly Pipe _fromServer = new();

    public BareConnection(Func<JsonRpcRequest, CancellationToken, Task<RpcResult>>? handler = null, int maxMessageBytes = 4096)
    {
        Log = new StringWriter();
        Connection = new JsonRpcConnection(_toServer.Reader.AsStream(), _fromServer.Writer.AsStream(), TextWriter.Synchronized(Log))
        {
            MaxMessageBytes = maxMessageBytes,
            OnRequest = handler ?? ((request, _) => Task.FromResult(RpcResult.Of(request.Params ?? default, AcpJsonContext.Default.JsonElement))),
            OnNotification = n => Notifications.Add(n.Method),
        };
        Run = Task.Run(async () =>
        {
            await Connection.RunAsync(CancellationToken.None);
            await _fromServer.Writer.CompleteAsync();
        });
        Client = new AcpTestClient(_fromServer.Reader.AsStream(), _toServer.Writer.AsStream());
    }

    public JsonRpcConnection Connection { get; }

    public AcpTestClient Client { get; }

    public Task Run { get; }

    public StringWriter Log { get; }

    public List<string> Notifications { get; } = [];

    public async ValueTask DisposeAsync()
    {
        await Client.DisposeAsync();
        await Run.WaitAsync(TestTimeouts.Default);
        Connection.Dispose();
    }
}
