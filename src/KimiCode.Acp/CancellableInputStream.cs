namespace KimiCode.Acp;

/// <summary>
/// A read-only view of an input stream whose reads give up when cancelled, even when the stream itself ignores the
/// token (the console's stdin blocks in read(2) until a line or EOF arrives): without it, SIGTERM could not end
/// <c>kimi acp</c> until the editor wrote another line. The abandoned read finishes, or not, on its own.
/// </summary>
internal sealed class CancellableInputStream : Stream
{
    private readonly Stream _inner;

    public CancellableInputStream(Stream inner)
    {
        _inner = inner ?? throw new ArgumentNullException(nameof(inner));
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position
    {
        get => throw new NotSupportedException();
        set => throw new NotSupportedException();
    }

    public override int Read(byte[] buffer, int offset, int count) => _inner.Read(buffer, offset, count);

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        cancellationToken.ThrowIfCancellationRequested();
        ValueTask<int> read = _inner.ReadAsync(buffer, cancellationToken);
        return read.IsCompleted || !cancellationToken.CanBeCanceled
            ? read
            : new ValueTask<int>(read.AsTask().WaitAsync(cancellationToken));
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
