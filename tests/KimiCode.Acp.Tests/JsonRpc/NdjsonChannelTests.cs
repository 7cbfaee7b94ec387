using System.Buffers;
using System.Text;
using KimiCode.Acp.JsonRpc;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests.JsonRpc;

public sealed class NdjsonChannelTests
{
    [Theory]
    [InlineData(100)]
    [InlineData(200_000)]
    public async Task Read_OverlongLine_ReportedOnceAndSkipped(int length)
    {
        string input = new string('x', length) + "\n{\"a\":1}\n   \r\n\ntail";
        using var channel = new NdjsonChannel(new MemoryStream(Encoding.UTF8.GetBytes(input)), Stream.Null, maxLineBytes: 16);
        var lines = new List<string>();
        int overlong = 0;

        await channel.ReadAsync(
            line =>
            {
                lines.Add(Encoding.UTF8.GetString(line.ToArray()));
                return Task.CompletedTask;
            },
            () =>
            {
                overlong++;
                lines.Add("(too long)");
                return Task.CompletedTask;
            },
            TestContext.Current.CancellationToken);

        Assert.Equal(1, overlong);
        Assert.Equal(["(too long)", "{\"a\":1}", "tail"], lines);
    }

    [Fact]
    public async Task Write_CancelledWhileWaitingForTheLock_WritesNothingAndLaterLinesStayWhole()
    {
        var output = new GatedStream();
        using var channel = new NdjsonChannel(Stream.Null, output, 1024);
        using var cancellation = new CancellationTokenSource();

        Task first = channel.WriteLineAsync(Bytes("first"), CancellationToken.None);
        await output.Started.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        Task second = channel.WriteLineAsync(Bytes("second"), cancellation.Token);
        await cancellation.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
        output.Release();
        await first;
        await channel.WriteLineAsync(Bytes("third"), CancellationToken.None);

        Assert.Equal("first\nthird\n", output.Text);
    }

    [Fact]
    public async Task Write_CancelledAfterItStarted_FinishesTheWholeLine()
    {
        var output = new GatedStream();
        using var channel = new NdjsonChannel(Stream.Null, output, 1024);
        using var cancellation = new CancellationTokenSource();

        Task write = channel.WriteLineAsync(Bytes("{\"jsonrpc\":\"2.0\",\"method\":\"m\"}"), cancellation.Token);
        await output.Started.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        await cancellation.CancelAsync();
        output.Release();
        await write;

        Assert.Equal("{\"jsonrpc\":\"2.0\",\"method\":\"m\"}\n", output.Text);
    }

    private static Action<IBufferWriter<byte>> Bytes(string text) => buffer => buffer.Write(Encoding.UTF8.GetBytes(text));

    /// <summary>Writes the first half of the first write, then waits for <see cref="Release"/> (honouring the write's token) before the rest.</summary>
    private sealed class GatedStream : Stream
    {
        private readonly MemoryStream _written = new();
        private readonly TaskCompletionSource _started = new(TaskCreationOptions.RunContinuationsAsynchronously);
        private readonly TaskCompletionSource _gate = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public Task Started => _started.Task;

        public string Text => Encoding.UTF8.GetString(_written.ToArray());

        public override bool CanRead => false;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public void Release() => _gate.TrySetResult();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_started.TrySetResult())
            {
                int half = buffer.Length / 2;
                _written.Write(buffer.Span[..half]);
                await _gate.Task.WaitAsync(cancellationToken);
                _written.Write(buffer.Span[half..]);
                return;
            }

            _written.Write(buffer.Span);
        }

        public override Task FlushAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public override void Flush()
        {
        }

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
