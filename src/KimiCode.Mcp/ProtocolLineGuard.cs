namespace KimiCode.Mcp;

/// <summary>
/// Passes a stdio server's stdout through unchanged and reports the first line that cannot be a JSON-RPC message (it
/// does not start with <c>{</c>): a server that prints banners or logs to stdout would otherwise only be noticed when
/// its startup timeout ran out.
/// </summary>
internal sealed class ProtocolLineGuard : Stream
{
    private const int SampleLength = 80;
    private readonly Stream _inner;
    private readonly Action<string> _onGarbage;
    private readonly List<byte> _sample = [];
    private bool _atLineStart = true;
    private bool _inGarbage;
    private bool _reported;

    public ProtocolLineGuard(Stream inner, Action<string> onGarbage)
    {
        _inner = inner;
        _onGarbage = onGarbage;
    }

    public override bool CanRead => true;

    public override bool CanSeek => false;

    public override bool CanWrite => false;

    public override long Length => throw new NotSupportedException();

    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override int Read(byte[] buffer, int offset, int count)
    {
        int read = _inner.Read(buffer, offset, count);
        Inspect(buffer.AsSpan(offset, read));
        return read;
    }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        int read = await _inner.ReadAsync(buffer, cancellationToken).ConfigureAwait(false);
        Inspect(buffer.Span[..read]);
        if (read == 0)
        {
            Flush();
        }

        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken)
        => ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override void Flush()
    {
        if (_inGarbage)
        {
            Report();
        }
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

    public override void SetLength(long value) => throw new NotSupportedException();

    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            _inner.Dispose();
        }

        base.Dispose(disposing);
    }

    private void Inspect(ReadOnlySpan<byte> bytes)
    {
        if (_reported)
        {
            return;
        }

        foreach (byte b in bytes)
        {
            if (b == (byte)'\n')
            {
                if (_inGarbage)
                {
                    Report();
                    return;
                }

                _atLineStart = true;
                continue;
            }

            if (_atLineStart)
            {
                if (b is (byte)' ' or (byte)'\t' or (byte)'\r')
                {
                    continue;
                }

                _atLineStart = false;
                _inGarbage = b != (byte)'{';
            }

            if (_inGarbage && _sample.Count < SampleLength)
            {
                _sample.Add(b);
            }
        }
    }

    private void Report()
    {
        _reported = true;
        string text = System.Text.Encoding.UTF8.GetString(_sample.ToArray()).Trim();
        _onGarbage(text.Length >= SampleLength ? text + "…" : text);
    }
}
