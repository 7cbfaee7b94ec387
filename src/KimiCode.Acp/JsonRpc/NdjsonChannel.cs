using System.Buffers;
using System.IO.Pipelines;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// Newline-delimited messages over a pair of streams. Reading hands over one line at a time: blank lines are
/// skipped, and a line longer than <see cref="MaxLineBytes"/> is reported once and dropped as it arrives (so a
/// runaway peer cannot grow the buffer). Writing appends the newline and goes through one lock, so lines never
/// interleave; a write that has started is never cancelled, since half a line would break the framing of every
/// later one.
/// </summary>
internal sealed class NdjsonChannel : IDisposable
{
    private readonly Stream _input;
    private readonly Stream _output;
    private readonly SemaphoreSlim _writeLock = new(1, 1);

    public NdjsonChannel(Stream input, Stream output, int maxLineBytes)
    {
        _input = input ?? throw new ArgumentNullException(nameof(input));
        _output = output ?? throw new ArgumentNullException(nameof(output));
        MaxLineBytes = maxLineBytes;
    }

    /// <summary>The longest line accepted (without its newline).</summary>
    public int MaxLineBytes { get; set; }

    /// <summary>
    /// Reads until the input ends (a last line without a newline counts). Each non-blank line goes to
    /// <paramref name="onLine"/>, each over-long line to <paramref name="onOverlong"/>, in arrival order; the next
    /// line is read only once the callback has finished (the line's memory is valid only until then).
    /// </summary>
    public async Task ReadAsync(Func<ReadOnlySequence<byte>, Task> onLine, Func<Task> onOverlong, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(onLine);
        ArgumentNullException.ThrowIfNull(onOverlong);
        PipeReader reader = PipeReader.Create(_input, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        bool discarding = false;
        try
        {
            while (true)
            {
                ReadResult read = await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
                ReadOnlySequence<byte> buffer = read.Buffer;
                while (buffer.PositionOf((byte)'\n') is { } newline)
                {
                    ReadOnlySequence<byte> line = buffer.Slice(0, newline);
                    buffer = buffer.Slice(buffer.GetPosition(1, newline));
                    if (discarding)
                    {
                        // The end of a line already answered as too long.
                        discarding = false;
                    }
                    else if (line.Length > MaxLineBytes)
                    {
                        await onOverlong().ConfigureAwait(false);
                    }
                    else if (!IsBlank(line))
                    {
                        await onLine(line).ConfigureAwait(false);
                    }
                }

                if (!discarding && buffer.Length > MaxLineBytes)
                {
                    // No newline yet and already too long: report now and drop the rest of the line as it arrives.
                    await onOverlong().ConfigureAwait(false);
                    discarding = true;
                }

                if (discarding)
                {
                    buffer = buffer.Slice(buffer.End);
                }

                if (read.IsCompleted)
                {
                    if (!discarding && !IsBlank(buffer))
                    {
                        await onLine(buffer).ConfigureAwait(false);
                    }

                    reader.AdvanceTo(buffer.End);
                    break;
                }

                reader.AdvanceTo(buffer.Start, buffer.End);
            }
        }
        finally
        {
            await reader.CompleteAsync().ConfigureAwait(false);
        }
    }

    /// <summary>
    /// Writes one line: <paramref name="writeMessage"/> fills the buffer (outside the lock), the newline is appended,
    /// and the whole line goes out under the lock. <paramref name="cancellationToken"/> only cancels waiting for the
    /// lock; once the line has started it is written and flushed whole.
    /// </summary>
    public async Task WriteLineAsync(Action<IBufferWriter<byte>> writeMessage, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(writeMessage);
        var buffer = new ArrayBufferWriter<byte>(256);
        writeMessage(buffer);
        buffer.Write("\n"u8);

        await _writeLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await _output.WriteAsync(buffer.WrittenMemory, CancellationToken.None).ConfigureAwait(false);
            await _output.FlushAsync(CancellationToken.None).ConfigureAwait(false);
        }
        finally
        {
            _writeLock.Release();
        }
    }

    public void Dispose() => _writeLock.Dispose();

    private static bool IsBlank(ReadOnlySequence<byte> line)
    {
        foreach (ReadOnlyMemory<byte> segment in line)
        {
            foreach (byte b in segment.Span)
            {
                if (b is not ((byte)' ' or (byte)'\t' or (byte)'\r'))
                {
                    return false;
                }
            }
        }

        return true;
    }
}
