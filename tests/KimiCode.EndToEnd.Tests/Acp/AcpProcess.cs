using KimiCode.Acp.Tests.Support;
using System.Diagnostics;

namespace KimiCode.EndToEnd.Tests.Acp;

/// <summary>
/// The real <c>kimi acp</c> as a child process, with an <see cref="AcpTestClient"/> on its stdin/stdout (the way an
/// editor runs it). Disposing closes stdin, which must make the agent exit on its own.
/// </summary>
internal sealed class AcpProcess : IAsyncDisposable
{
    private readonly Process _process;
    private readonly Task<string> _stderr;

    private AcpProcess(Process process)
    {
        _process = process;
        _stderr = process.StandardError.ReadToEndAsync();
        Client = new AcpTestClient(process.StandardOutput.BaseStream, process.StandardInput.BaseStream);
    }

    public AcpTestClient Client { get; }

    public int Id => _process.Id;

    /// <summary>Waits (stdin left open) for the agent to exit; returns its exit code and stderr.</summary>
    public async Task<(int ExitCode, string Stderr)> WaitForExitAsync()
    {
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await _process.WaitForExitAsync(timeout.Token);
        return (_process.ExitCode, await _stderr);
    }

    public static AcpProcess Start(TestHome home) => Start(KimiProcess.StartInfo(home.Root, home.Environment, "acp"));

    /// <summary>Any ACP agent (e.g. the official client's `kimi acp`), every stream redirected.</summary>
    public static AcpProcess Start(ProcessStartInfo start)
    {
        var process = Process.Start(start) ?? throw new InvalidOperationException("could not start " + start.FileName);
        return new AcpProcess(process);
    }

    /// <summary>Closes stdin and waits for the agent to exit by itself; returns its exit code and stderr.</summary>
    public async Task<(int ExitCode, string Stderr)> StopAsync()
    {
        await Client.DisposeAsync();
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        await _process.WaitForExitAsync(timeout.Token);
        return (_process.ExitCode, await _stderr);
    }

    public async ValueTask DisposeAsync()
    {
        if (!_process.HasExited)
        {
            try
            {
                await StopAsync();
            }
            catch (OperationCanceledException)
            {
                _process.Kill(entireProcessTree: true);
                await _process.WaitForExitAsync();
            }
        }

        _process.Dispose();
    }
}
