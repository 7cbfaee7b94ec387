using System.Net;
using System.Net.Sockets;
using System.Text;
using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

/// <summary>The client's own SocketsHttpHandler against a real loopback socket (no injected handler).</summary>
public sealed class LoopbackTests
{
    [Fact]
    public async Task DefaultHandler_LoopbackSseServer_StreamsAnswerChunkByChunk()
    {
        int port = FreePort();
        using var listener = new HttpListener();
        listener.Prefixes.Add($"http://127.0.0.1:{port}/");
        listener.Start();
        CancellationToken ct = TestContext.Current.CancellationToken;
        Task server = Task.Run(async () =>
        {
            HttpListenerContext context = await listener.GetContextAsync();
            context.Response.StatusCode = 200;
            context.Response.ContentType = "text/event-stream";
            context.Response.SendChunked = true;
            context.Response.Headers["x-trace-id"] = "loop-1";
            string body = new SseBuilder().Content("Hello").Content(", loopback").Finish("stop").Usage(3, 2).Done().Build();
            foreach (string part in body.Split("\n\n", StringSplitOptions.RemoveEmptyEntries))
            {
                byte[] bytes = Encoding.UTF8.GetBytes(part + "\n\n");
                await context.Response.OutputStream.WriteAsync(bytes, ct);
                await context.Response.OutputStream.FlushAsync(ct);
            }

            context.Response.Close();
        }, ct);

        using var client = new KimiChatClient(new KimiProviderOptions
        {
            BaseUrl = new Uri($"http://127.0.0.1:{port}/coding/v1"),
            Model = "kimi-for-coding",
            Tokens = new StaticTokenSource("sk-test"),
        });
        var updates = new List<ChatResponseUpdate>();
        await foreach (ChatResponseUpdate update in client.GetStreamingResponseAsync(Harness.Prompt(), cancellationToken: ct))
        {
            updates.Add(update);
        }

        await server;
        Assert.Equal("Hello, loopback", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates.Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(5, updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details.TotalTokenCount);
        Assert.All(updates, u => Assert.Equal("loop-1", u.AdditionalProperties?["trace_id"]));
    }

    [Fact]
    public async Task DefaultHandler_NothingListening_ThrowsNetworkError()
    {
        int port = FreePort();
        using var client = new KimiChatClient(new KimiProviderOptions
        {
            BaseUrl = new Uri($"http://127.0.0.1:{port}/coding/v1"),
            Model = "kimi-for-coding",
            Tokens = new StaticTokenSource("sk-test"),
            Retry = new RetryOptions { MaxAttempts = 1 },
        });

        var error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(ProviderErrorCodes.Network, error.Code);
        Assert.StartsWith("Could not reach 127.0.0.1: Connection refused", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(". Check your connection or KIMI_CODE_BASE_URL.", error.Message, StringComparison.Ordinal);
    }

    private static int FreePort()
    {
        using var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        return ((IPEndPoint)probe.LocalEndpoint).Port;
    }
}
