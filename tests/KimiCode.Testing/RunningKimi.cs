using System.Diagnostics;
using System.Text;
using System.Threading.Channels;

namespace KimiCode.Testing;

/// <summary>A <c>kimi</c> child process whose stdout lines a test can await one by one.</summary>
public sealed class RunningKimi : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Channel<string> _lines = Channel.CreateUnbounded<string>();
    private readonly StringBuilder _stdout = new();
    private readonly Task _pump;
    private readonly Task<string> _stderr;

    internal RunningKimi(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        _pump = Task.Run(async () =>
        {
            while (await process.StandardOutput.ReadLineAsync() is { } line)
            {
                lock (_stdout)
                {
                    _stdout.AppendLine(line);
                }

                await _lines.Writer.WriteAsync(line);
            }

            _lines.Writer.Complete();
        });
    }

    public int Id => _process.Id;

    /// <summary>Waits for the next stdout line that satisfies <paramref name="match"/>.</summary>
    public async Task<string> WaitForLineAsync(Func<string, bool> match)
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await foreach (var line in _lines.Reader.ReadAllAsync(timeout.Token))
        {
            if (match(line))
            {
                return line;
            }
        }

        throw new InvalidOperationException($"kimi exited without printing the expected line. stderr: {await _stderr}");
    }

    public async Task<ProcessResult> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await _process.WaitForExitAsync(timeout.Token);
        await _pump;
        var stderr = await _stderr;
        lock (_stdout)
        {
            return new ProcessResult(_process.ExitCode, _stdout.ToString(), stderr);
        }
    }

    public void KillHard() => _process.Kill(entireProcessTree: true);

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            _process.Kill(entireProcessTree: true);
            await _process.WaitForExitAsync();
        }

        _process.Dispose();
    }
}
