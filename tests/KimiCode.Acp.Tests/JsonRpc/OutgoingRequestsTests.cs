using System.Text;
using System.Text.Json;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests.JsonRpc;

public sealed class OutgoingRequestsTests
{
    [Fact]
    public async Task Complete_AnswersOutOfOrder_EachCompletesItsOwnRequest()
    {
        using var peer = new Peer();

        Task<ReadTextFileResponse> one = peer.Requests.SendAsync(AcpMethods.FsReadTextFile, new ReadTextFileRequest { SessionId = "s", Path = "/one" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, CancellationToken.None);
        Task<ReadTextFileResponse> two = peer.Requests.SendAsync(AcpMethods.FsReadTextFile, new ReadTextFileRequest { SessionId = "s", Path = "/two" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, CancellationToken.None);
        Dictionary<string, JsonElement> ids = peer.SentRequests().ToDictionary(r => r.GetProperty("params").Text("path"), r => r.GetProperty("id"));

        Assert.True(peer.Requests.Complete(ids["/two"], Json.Parse("""{"content":"second"}"""), null));
        Assert.True(peer.Requests.Complete(ids["/one"], Json.Parse("""{"content":"first"}"""), null));

        Assert.Equal("first", (await one.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken)).Content);
        Assert.Equal("second", (await two.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken)).Content);
        Assert.Equal(0, peer.Requests.PendingCount);
    }

    [Fact]
    public async Task Complete_ErrorAnswer_ThrowsAcpExceptionWithCodeMessageAndData()
    {
        using var peer = new Peer();

        Task<ReadTextFileResponse> request = peer.Requests.SendAsync(AcpMethods.FsReadTextFile, new ReadTextFileRequest { SessionId = "s", Path = "/missing" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, CancellationToken.None);
        peer.Requests.Complete(peer.SentRequests().Single().GetProperty("id"), null, Json.Parse("""{"code":-32002,"message":"no such file","data":{"path":"/missing"}}"""));

        AcpException error = await Assert.ThrowsAsync<AcpException>(() => request.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.Equal(-32002, error.Code);
        Assert.Equal("no such file", error.Message);
        Assert.Equal("/missing", error.ErrorData!.Value.Text("path"));
    }

    [Theory]
    [InlineData("99")]
    [InlineData("\"1\"")]
    public async Task Complete_UnknownId_IgnoredAndLogged(string id)
    {
        using var peer = new Peer();
        Task<ReadTextFileResponse> request = peer.Requests.SendAsync(AcpMethods.FsReadTextFile, new ReadTextFileRequest { SessionId = "s", Path = "/p" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, CancellationToken.None);

        bool matched = peer.Requests.Complete(Json.Parse(id), Json.Parse("""{"content":"stray"}"""), null);

        Assert.False(matched);
        Assert.Contains("ignored a response to unknown request id " + id, peer.Log.ToString(), StringComparison.Ordinal);
        Assert.False(request.IsCompleted);
        Assert.Equal(1, peer.Requests.PendingCount);
        peer.Requests.Complete(peer.SentRequests().Single().GetProperty("id"), Json.Parse("""{"content":"real"}"""), null);
        Assert.Equal("real", (await request.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken)).Content);
    }

    [Fact]
    public async Task SendAsync_Cancelled_ForgetsTheIdAndSendsCancelRequest()
    {
        using var peer = new Peer();
        using var cancellation = new CancellationTokenSource();
        Task<ReadTextFileResponse> request = peer.Requests.SendAsync(AcpMethods.FsReadTextFile, new ReadTextFileRequest { SessionId = "s", Path = "/slow" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, cancellation.Token);
        JsonElement id = peer.SentRequests().Single().GetProperty("id");

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.Equal(0, peer.Requests.PendingCount);
        Assert.False(peer.Requests.Complete(id, Json.Parse("""{"content":"late"}"""), null));
        JsonElement cancel = peer.Sent().Single(m => m.TryGetProperty("method", out JsonElement method) && method.GetString() == AcpMethods.CancelRequest);
        Assert.Equal(id.GetInt64(), cancel.GetProperty("params").GetProperty("requestId").GetInt64());
    }

    /// <summary>Outgoing requests written to memory (writes complete at once, so a sent request is visible on return).</summary>
    private sealed class Peer : IDisposable
    {
        private readonly MemoryStream _output = new();
        private readonly NdjsonChannel _channel;
        private readonly CancellationTokenSource _closed = new();

        public Peer()
        {
            _channel = new NdjsonChannel(Stream.Null, _output, 1024);
            Requests = new OutgoingRequests(new JsonRpcMessageWriter(_channel), message => Log.AppendLine(message), _closed.Token);
        }

        public OutgoingRequests Requests { get; }

        public StringBuilder Log { get; } = new();

        public List<JsonElement> Sent()
        {
            lock (_output)
            {
                return [.. Encoding.UTF8.GetString(_output.ToArray()).Split('\n', StringSplitOptions.RemoveEmptyEntries).Select(Json.Parse)];
            }
        }

        public List<JsonElement> SentRequests() => [.. Sent().Where(m => m.TryGetProperty("id", out _))];

        public void Dispose()
        {
            _closed.Dispose();
            _channel.Dispose();
        }
    }
}
