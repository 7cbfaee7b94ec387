namespace KimiCode.Provider;

/// <summary>
/// A read-only response body whose every read is bounded by an idle timeout: when no byte arrives for
/// <c>idle</c>, the read fails with <paramref name="onTimeout"/>'s error (never a cancellation, unless the caller
/// cancelled). Optionally checks the first bytes so an HTML page is reported as such instead of as a broken stream.
/// </summary>
internal sealed class IdleTimeoutStream(Stream inner, TimeSpan idle, TimeProvider time, Func<ProviderException> onTimeout, Func<ReadOnlyMemory<byte>, ProviderException?>? checkFirstBytes = null) : Stream
{
    private Func<ReadOnlyMemory<byte>, ProviderException?>? _checkFirstBytes = checkFirstBytes;

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read;
        if (idle == Timeout.InfiniteTimeSpan)
        {
            read = await inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        }
        else
        {
            using var timer = new CancellationTokenSource(idle, time);
            using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timer.Token);
            try
            {
                read = await inner.ReadAsync(buffer, linked.Token).ConfigureAwait(false);
            }
            catch (Exception ex) when (timer.IsCancellationRequested && !cancellationToken.IsCancellationRequested && ex is OperationCanceledException or IOException or HttpRequestException)
            {
                throw onTimeout();
            }
        }

        CheckFirstBytes(buffer.Span[..read]);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    /// <summary>Synchronous reads are not bounded (every caller here reads asynchronously).</summary>
    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = inner.Read(buffer, offset, count);
        CheckFirstBytes(buffer.AsSpan(offset, read));
        return read;
    }

    private void CheckFirstBytes(ReadOnlySpan<byte> data)
    {
        if (_checkFirstBytes is { } check && !data.Trim(" \r\n\t"u8).IsEmpty)
        {
            _checkFirstBytes = null;
            if (check(data.ToArray()) is { } error)
            {
                throw error;
            }
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }

        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync().ConfigureAwait(false);
        await base.DisposeAsync().ConfigureAwait(false);
    }
}
