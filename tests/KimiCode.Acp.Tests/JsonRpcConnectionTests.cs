using System.Text;
using System.Text.Json;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Schema;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

public sealed class JsonRpcConnectionTests
{
    [Theory]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":", -32700, null)]
    [InlineData("not json at all", -32700, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"x\"}}", -32700, null)]
    [InlineData("[{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\"}]", -32600, null)]
    [InlineData("42", -32600, null)]
    [InlineData("\"hello\"", -32600, null)]
    [InlineData("null", -32600, null)]
    [InlineData("{\"id\":7,\"method\":\"echo\"}", -32600, "7")]
    [InlineData("{\"jsonrpc\":\"1.0\",\"id\":\"a\",\"method\":\"echo\"}", -32600, "\"a\"")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":{\"x\":1},\"method\":\"echo\"}", -32600, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":true,\"method\":\"echo\"}", -32600, null)]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":3,\"method\":5}", -32600, "3")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":4,\"method\":\"echo\",\"params\":\"text\"}", -32600, "4")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":5}", -32600, "5")]
    [InlineData("{\"jsonrpc\":\"2.0\",\"id\":6,\"result\":{},\"error\":{\"code\":1,\"message\":\"m\"}}", -32600, "6")]
    public async Task Connection_MalformedLine_AnswersStandardErrorAndCarriesOn(string line, int code, string? id)
    {
        await using var bare = new BareConnection();

        await bare.Client.SendLineAsync(line);
        JsonElement response = await bare.Client.NextUnmatchedResponseAsync();

        Assert.Equal(code, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal(id ?? "null", response.GetProperty("id").GetRawText());
        Assert.Equal("2.0", response.Text("jsonrpc"));
        JsonElement echoed = await bare.Client.ResultAsync("echo", """{"still":"alive"}""");
        Assert.Equal("alive", echoed.Text("still"));
    }

    [Fact]
    public async Task Connection_InvalidUtf8_AnswersParseError()
    {
        await using var bare = new BareConnection();

        byte[] line = [.. "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"ec"u8, 0xC3, 0x28, .. "ho\"}\n"u8];
        await bare.Client.SendBytesAsync(line);
        JsonElement response = await bare.Client.NextUnmatchedResponseAsync();

        Assert.Equal(-32700, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Equal("alive", (await bare.Client.ResultAsync("echo", """{"still":"alive"}""")).Text("still"));
    }

    [Fact]
    public async Task Connection_BlankLinesAndCrLf_AreTolerated()
    {
        await using var bare = new BareConnection();

        await bare.Client.SendLineAsync("");
        await bare.Client.SendLineAsync("   \r");
        await bare.Client.SendBytesAsync("{\"jsonrpc\":\"2.0\",\"id\":\"crlf\",\"method\":\"echo\",\"params\":{\"a\":1}}\r\n"u8.ToArray());
        JsonElement response = await bare.Client.NextUnmatchedResponseAsync();

        Assert.Equal("\"crlf\"", response.GetProperty("id").GetRawText());
        Assert.Equal(1, response.GetProperty("result").GetProperty("a").GetInt32());
    }

    [Fact]
    public async Task Connection_OversizedLine_ParseErrorThenCarriesOn()
    {
        await using var bare = new BareConnection(maxMessageBytes: 1024);

        string huge = "{\"jsonrpc\":\"2.0\",\"id\":1,\"method\":\"echo\",\"params\":{\"x\":\"" + new string('a', 20_000) + "\"}}";
        await bare.Client.SendLineAsync(huge);
        JsonElement response = await bare.Client.NextUnmatchedResponseAsync();

        Assert.Equal(-32700, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.Contains("longer than 1024 bytes", response.GetProperty("error").Text("message"), StringComparison.Ordinal);
        Assert.Equal("alive", (await bare.Client.ResultAsync("echo", """{"still":"alive"}""")).Text("still"));
        Assert.False(bare.Client.HasUnmatchedResponse);
    }

    [Fact]
    public async Task Connection_HandlerThrowsAcpException_AnswersItsCodeAndData()
    {
        await using var bare = new BareConnection((request, _) => throw new AcpException(-32002, "gone", Json.Parse("""{"sessionId":"s1"}""")));

        JsonElement error = await bare.Client.ErrorAsync("anything", "{}");

        Assert.Equal(-32002, error.GetProperty("code").GetInt32());
        Assert.Equal("gone", error.Text("message"));
        Assert.Equal("s1", error.GetProperty("data").Text("sessionId"));
    }

    [Fact]
    public async Task Connection_HandlerFails_AnswersInternalErrorAndCarriesOn()
    {
        int calls = 0;
        await using var bare = new BareConnection((request, _) => Interlocked.Increment(ref calls) == 1
            ? throw new InvalidOperationException("boom")
            : Task.FromResult(RpcResult.Empty));

        JsonElement error = await bare.Client.ErrorAsync("first", "{}");
        JsonElement result = await bare.Client.ResultAsync("second", "{}");

        Assert.Equal(-32603, error.GetProperty("code").GetInt32());
        Assert.Contains("boom", error.Text("message"), StringComparison.Ordinal);
        Assert.Equal(JsonValueKind.Object, result.ValueKind);
    }

    [Fact]
    public async Task Connection_CancelRequestFromPeer_AnswersRequestCancelled()
    {
        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var bare = new BareConnection(async (request, cancellationToken) =>
        {
            started.TrySetResult();
            await Task.Delay(Timeout.Infinite, cancellationToken);
            return RpcResult.Empty;
        });

        await bare.Client.SendLineAsync("""{"jsonrpc":"2.0","id":"slow-1","method":"slow","params":{}}""");
        await started.Task.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        await bare.Client.NotifyAsync("$/cancel_request", """{"requestId":"slow-1"}""");
        JsonElement response = await bare.Client.NextUnmatchedResponseAsync();

        Assert.Equal("\"slow-1\"", response.GetProperty("id").GetRawText());
        Assert.Equal(-32800, response.GetProperty("error").GetProperty("code").GetInt32());
        Assert.DoesNotContain("$/cancel_request", bare.Notifications);
    }

    [Fact]
    public async Task Connection_Notifications_ReachHandlerWithoutAnswer()
    {
        await using var bare = new BareConnection();

        await bare.Client.NotifyAsync("session/cancel", """{"sessionId":"x"}""");
        await bare.Client.NotifyAsync("_vendor/ping", "{}");
        await bare.Client.ResultAsync("echo", "{}");

        Assert.Equal(["session/cancel", "_vendor/ping"], bare.Notifications);
        Assert.False(bare.Client.HasUnmatchedResponse);
    }

    [Fact]
    public async Task Connection_RequestToPeer_ReturnsResultOrThrowsPeerError()
    {
        await using var bare = new BareConnection();
        bare.Client.OnRequest = (method, parameters) => Task.FromResult(parameters.Text("path") == "/ok"
            ? ClientReply.Result("""{"content":"file text"}""")
            : ClientReply.Error(-32002, "no such file"));

        ReadTextFileResponse ok = await bare.Connection.RequestAsync("fs/read_text_file", new ReadTextFileRequest { SessionId = "s", Path = "/ok" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, CancellationToken.None);
        AcpException failed = await Assert.ThrowsAsync<AcpException>(() => bare.Connection.RequestAsync("fs/read_text_file", new ReadTextFileRequest { SessionId = "s", Path = "/missing" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, CancellationToken.None));

        Assert.Equal("file text", ok.Content);
        Assert.Equal(-32002, failed.Code);
        Assert.Equal("no such file", failed.Message);
    }

    [Fact]
    public async Task Connection_CancelledRequestToPeer_SendsCancelRequestAndThrows()
    {
        await using var bare = new BareConnection();
        var never = new TaskCompletionSource<ClientReply>();
        bare.Client.OnRequest = (_, _) => never.Task;
        using var cancellation = new CancellationTokenSource();

        Task<ReadTextFileResponse> request = bare.Connection.RequestAsync("fs/read_text_file", new ReadTextFileRequest { SessionId = "s", Path = "/slow" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, cancellation.Token);
        JsonElement sent = await bare.Client.NextAgentRequestAsync();
        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request);
        JsonElement cancel = await bare.Client.NextNotificationAsync("$/cancel_request");
        Assert.Equal(sent.GetProperty("id").GetInt64(), cancel.GetProperty("params").GetProperty("requestId").GetInt64());
    }

    [Fact]
    public async Task Connection_InputEnds_PendingRequestToPeerIsCancelled()
    {
        var bare = new BareConnection();
        var never = new TaskCompletionSource<ClientReply>();
        bare.Client.OnRequest = (_, _) => never.Task;
        Task<ReadTextFileResponse> request = bare.Connection.RequestAsync("fs/read_text_file", new ReadTextFileRequest { SessionId = "s", Path = "/slow" },
            AcpJsonContext.Default.ReadTextFileRequest, AcpJsonContext.Default.ReadTextFileResponse, CancellationToken.None);
        await bare.Client.NextAgentRequestAsync();

        await bare.DisposeAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => request.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.True(bare.Connection.Closed.IsCancellationRequested);
    }

    [Fact]
    public async Task Connection_ConcurrentWrites_EachMessageIsOneWholeLine()
    {
        await using var bare = new BareConnection();
        string big = new('x', 50_000);

        await Task.WhenAll(Enumerable.Range(0, 64).Select(i => Task.Run(() => bare.Connection.NotifyAsync(
            "session/update", new SessionNotification { SessionId = "s" + i, Update = new AgentMessageChunk { Content = new TextBlock { Text = big + "\nline two" } } },
            AcpJsonContext.Default.SessionNotification))));
        await bare.Client.ResultAsync("echo", "{}");

        List<string> lines = [.. bare.Client.Lines.Where(l => l.Contains("session/update", StringComparison.Ordinal))];
        Assert.Equal(64, lines.Count);
        Assert.All(lines, line =>
        {
            JsonElement message = Json.Parse(line);
            Assert.Equal(big + "\nline two", message.GetProperty("params").GetProperty("update").GetProperty("content").Text("text"));
        });
        Assert.Equal(64, lines.Select(l => Json.Parse(l).GetProperty("params").Text("sessionId")).Distinct().Count());
    }

    [Fact]
    public async Task Connection_NonAsciiText_WrittenAsUtf8WithoutEscapes()
    {
        await using var bare = new BareConnection();

        JsonElement result = await bare.Client.ResultAsync("echo", """{"text":"héllo → 世界 <b>"}""");

        Assert.Equal("héllo → 世界 <b>", result.Text("text"));
        Assert.Contains(bare.Client.Lines, l => l.Contains("héllo → 世界 <b>", StringComparison.Ordinal));
    }
}
