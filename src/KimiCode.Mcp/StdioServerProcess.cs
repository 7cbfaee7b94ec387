using System.ComponentModel;
using System.Diagnostics;
using System.Text;
using KimiCode.Agent.Secrets;
using KimiCode.Agent.Tools;

namespace KimiCode.Mcp;

/// <summary>
/// The child process of a stdio server. Started in a process group of its own (through <c>setsid</c>) that the
/// <see cref="ProcessGroupWatchdog"/> kills when kimi ends however it ends (<c>kill -9</c> too); stopping it closes its
/// stdin (most servers exit on end-of-file), then kills the group. The environment is kimi's minus credentials
/// (<see cref="ChildEnvironment"/>) plus the entry's <c>env</c>. The last lines of stderr are kept to say why it failed.
/// </summary>
internal sealed class StdioServerProcess : IAsyncDisposable
{
    private const int StderrLinesKept = 8;

    /// <summary>How long a server may take to exit after its stdin closed before its process group is killed.</summary>
    private static readonly TimeSpan StopGrace = TimeSpan.FromSeconds(1);
    private static readonly string[] SetsidCandidates = ["/usr/bin/setsid", "/bin/setsid"];
    private readonly Process _process;
    private readonly ProcessGroupWatchdog? _watchdog;
    private readonly Queue<string> _stderr = new();
    private readonly Lock _gate = new();
    private readonly Task _stderrPump;
    private int _stopped;

    private StdioServerProcess(Process process, ProcessGroupWatchdog? watchdog, bool ownGroup)
    {
        _process = process;
        _watchdog = watchdog;
        OwnGroup = ownGroup;
        if (ownGroup)
        {
            _watchdog?.Register(process.Id);
        }

        _stderrPump = PumpStderrAsync();
    }

    public int ProcessId => _process.Id;

    /// <summary>True when the server leads a process group of its own (killed as a group).</summary>
    public bool OwnGroup { get; }

    /// <summary>What the server writes to (its stdin).</summary>
    public Stream Input => _process.StandardInput.BaseStream;

    /// <summary>What the server says (its stdout).</summary>
    public Stream Output => _process.StandardOutput.BaseStream;

    public bool HasExited
    {
        get
        {
            try
            {
                return _process.HasExited;
            }
            catch (InvalidOperationException)
            {
                return true;
            }
        }
    }

    /// <summary>The exit code, once it exited.</summary>
    public int? ExitCode => HasExited ? _process.ExitCode : null;

    /// <summary>The last lines the server wrote to stderr, joined by " | ".</summary>
    public string StderrTail
    {
        get
        {
            lock (_gate)
            {
                return string.Join(" | ", _stderr);
            }
        }
    }

    /// <summary>Starts <paramref name="server"/>; throws <see cref="McpConnectionException"/> when the program cannot be started.</summary>
    public static StdioServerProcess Start(McpServerConfig server, string workingDirectory, ChildEnvironment environment, Func<ProcessGroupWatchdog?> watchdog)
    {
        string cwd = server.Cwd is { Length: > 0 } dir ? Path.GetFullPath(dir, workingDirectory) : workingDirectory;
        if (!Directory.Exists(cwd))
        {
            throw new McpConnectionException($"its cwd {cwd} does not exist");
        }

        string? setsid = OperatingSystem.IsWindows() ? null : SetsidCandidates.FirstOrDefault(File.Exists);
        var start = new ProcessStartInfo
        {
            FileName = setsid ?? server.Command!,
            WorkingDirectory = cwd,
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            StandardInputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = Encoding.UTF8,
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add(server.Command!);
        }

        foreach (string arg in server.Args)
        {
            start.ArgumentList.Add(arg);
        }

        environment.ApplyTo(start);
        foreach (var (name, value) in server.Env)
        {
            start.Environment[name] = value;
        }

        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            process.Dispose();
            throw new McpConnectionException($"could not start {server.Command}: {ex.Message}");
        }

        return new StdioServerProcess(process, setsid is null ? null : watchdog(), setsid is not null);
    }

    /// <summary>Waits for the process to exit.</summary>
    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    /// <summary>Closes stdin, gives the server a moment to exit, then kills its group.</summary>
    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _stopped, 1) != 0)
        {
            return;
        }

        try
        {
            _process.StandardInput.Close();
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // Already gone.
        }

        try
        {
            using var grace = new CancellationTokenSource(StopGrace);
            await _process.WaitForExitAsync(grace.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            // It ignores end-of-file: killed below.
        }

        Kill();
        try
        {
            await _stderrPump.ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The pipe broke as the process died.
        }

        _process.Dispose();
    }

    private void Kill()
    {
        if (OwnGroup)
        {
            // The whole group: a server started through npx or a shell leaves its real process as a grandchild.
            _ = NativeKill.KillGroup(_process.Id);
            _watchdog?.Unregister(_process.Id);
        }

        try
        {
            if (!_process.HasExited)
            {
                _process.Kill(entireProcessTree: true);
            }
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Exited meanwhile.
        }
    }

    private async Task PumpStderrAsync()
    {
        try
        {
            while (await _process.StandardError.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                lock (_gate)
                {
                    _stderr.Enqueue(line.Length > 300 ? line[..300] + "…" : line);
                    while (_stderr.Count > StderrLinesKept)
                    {
                        _stderr.Dequeue();
                    }
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
        {
            // The process is being torn down.
        }
    }
}
