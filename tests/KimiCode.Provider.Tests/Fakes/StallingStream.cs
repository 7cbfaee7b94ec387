namespace KimiCode.Provider.Tests.Fakes;

/// <summary>Returns <c>prefix</c>, then blocks every read until its cancellation token fires (a stalled connection).</summary>
internal sealed class StallingStream(string prefix) : Stream
{
    private readonly byte[] _prefix = System.Text.Encoding.UTF8.GetBytes(prefix);
    private int _position;
    private int _pendingReads;

    /// <summary>Reads that are blocked (the stall has begun).</summary>
    public int PendingReads => Volatile.Read(ref _pendingReads);

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
        if (_position < _prefix.Length)
        {
            int count = Math.Min(buffer.Length, _prefix.Length - _position);
            _prefix.AsMemory(_position, count).CopyTo(buffer);
            _position += count;
            return count;
        }

        Interlocked.Increment(ref _pendingReads);
        await Task.Delay(Timeout.Infinite, cancellationToken);
        return 0;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException("reads are async");

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
}
