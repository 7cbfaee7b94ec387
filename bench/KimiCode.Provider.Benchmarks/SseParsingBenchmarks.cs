using System.Net;
using BenchmarkDotNet.Attributes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Benchmarks;

/// <summary>Streaming parse of a ~10 MB answer through <see cref="KimiChatClient"/> (HTTP handler in memory).</summary>
[MemoryDiagnoser]
public class SseParsingBenchmarks : IDisposable
{
    /// <summary>About 10 MB of SSE text.</summary>
    public const int TargetBytes = 10 * 1024 * 1024;

    private KimiChatClient? _client;
    private List<ChatMessage> _prompt = [];
    private byte[] _payload = [];

    public int PayloadBytes { get; private set; }

    public int Chunks { get; private set; }

    [GlobalSetup]
    public void Setup()
    {
        (byte[] payload, int chunks) = SseStreamGenerator.Generate(TargetBytes);
        _payload = payload;
        PayloadBytes = payload.Length;
        Chunks = chunks;
        _client = new KimiChatClient(
            new KimiProviderOptions { BaseUrl = new Uri("http://bench.local/v1"), Model = "kimi-for-coding", Tokens = new StaticTokenSource("bench") },
            new PayloadHandler(payload));
        _prompt = [new ChatMessage(ChatRole.User, "go")];
    }

    [Benchmark]
    public async Task<int> StreamTenMegabytes()
    {
        int updates = 0;
        await foreach (ChatResponseUpdate update in _client!.GetStreamingResponseAsync(_prompt))
        {
            updates += update.Contents.Count;
        }

        return updates;
    }

    /// <summary>The SSE reader alone (no HTTP client, request building or retry loop).</summary>
    [Benchmark]
    public async Task<int> ReaderOnly()
    {
        int updates = 0;
        await foreach (ChatResponseUpdate update in new ChatStreamReader(new MemoryStream(_payload, writable: false), "trace", "http://127.0.0.1/coding/v1").ReadAsync(CancellationToken.None))
        {
            updates += update.Contents.Count;
        }

        return updates;
    }

    public void Dispose()
    {
        _client?.Dispose();
        GC.SuppressFinalize(this);
    }

    private sealed class PayloadHandler(byte[] payload) : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new MemoryStream(payload, writable: false)) });
    }
}
