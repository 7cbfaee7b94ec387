using System.Threading.Channels;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Auth.Tests.Infrastructure;

/// <summary>
/// A FakeTimeProvider that reports every one-shot timer (Task.Delay) it creates, so a test can advance time
/// exactly when the code under test starts waiting, with no real sleeps.
/// </summary>
internal sealed class SignallingTimeProvider : FakeTimeProvider
{
    private readonly Channel<TimeSpan> _delays = Channel.CreateUnbounded<TimeSpan>();

    public SignallingTimeProvider(DateTimeOffset start)
        : base(start)
    {
    }

    /// <summary>Every one-shot wait requested so far, in order.</summary>
    public List<TimeSpan> RequestedDelays { get; } = [];

    public override ITimer CreateTimer(TimerCallback callback, object? state, TimeSpan dueTime, TimeSpan period)
    {
        var timer = base.CreateTimer(callback, state, dueTime, period);
        if (period == Timeout.InfiniteTimeSpan && dueTime != Timeout.InfiniteTimeSpan)
        {
            lock (RequestedDelays)
            {
                RequestedDelays.Add(dueTime);
            }

            _delays.Writer.TryWrite(dueTime);
        }

        return timer;
    }

    /// <summary>Waits until the code under test starts its next delay and returns its length.</summary>
    public async Task<TimeSpan> NextDelayAsync(CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestTimeouts.Default);
        try
        {
            return await _delays.Reader.ReadAsync(timeout.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The code under test requested no delay within {TestTimeouts.Default.TotalSeconds} s.");
        }
    }

    /// <summary>Lets every requested delay elapse as soon as it is requested, until cancelled.</summary>
    public async Task DriveAsync(CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                var delay = await _delays.Reader.ReadAsync(cancellationToken);
                Advance(delay);
            }
        }
        catch (OperationCanceledException)
        {
        }
    }

    /// <summary>
    /// Runs <paramref name="action"/> while every delay it asks for elapses at once, and returns what it threw (null when
    /// it succeeded); bounded by <see cref="TestTimeouts.Default"/>.
    /// </summary>
    public async Task<Exception?> CaptureDrivenAsync(Func<Task> action, CancellationToken cancellationToken)
    {
        using var driving = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var driver = DriveAsync(driving.Token);
        try
        {
            return await Record.ExceptionAsync(() => action().WaitAsync(TestTimeouts.Default, cancellationToken));
        }
        finally
        {
            await driving.CancelAsync();
            await driver;
        }
    }
}
