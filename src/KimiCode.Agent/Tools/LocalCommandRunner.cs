using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Runs commands with <c>/bin/bash -c</c> in a process group of their own (started through <c>setsid</c>), so a
/// timeout or cancellation kills the command and everything it started (<c>kill -KILL -pgid</c>). Standard input
/// is closed; standard error is merged into standard output in the order it was written; the output kept is
/// capped at <see cref="CommandRequest.OutputLimitBytes"/> (its start and its end, with a note in between).
/// The environment is ours minus <see cref="CommandRequest.Environment"/>'s credentials. Each group is registered
/// with the <see cref="ProcessGroupWatchdog"/>, so it is killed when kimi ends, even by <c>kill -9</c>; a group
/// that still has members when the command returns (a background job) lives until then.
/// </summary>
public sealed class LocalCommandRunner : ICommandRunner
{
    private const int SigKill = 9;

    /// <summary>How long to wait for the output pipes to close once the shell has exited (a background child may hold them open).</summary>
    private static readonly TimeSpan DrainGrace = TimeSpan.FromMilliseconds(500);

    private static readonly string[] SetsidCandidates = ["/usr/bin/setsid", "/bin/setsid"];

    private readonly TimeProvider _time;
    private readonly string _shell;
    private readonly string? _setsid;
    private readonly Func<ProcessGroupWatchdog?> _watchdog;

    /// <summary>A runner using <c>/bin/bash</c>.</summary>
    public LocalCommandRunner()
        : this(TimeProvider.System)
    {
    }

    /// <summary>A runner whose timeouts use <paramref name="time"/>.</summary>
    public LocalCommandRunner(TimeProvider time, string shell = "/bin/bash")
        : this(time, shell, static () => ProcessGroupWatchdog.Shared)
    {
    }

    /// <summary>A runner whose groups are watched by <paramref name="watchdog"/> (null: none; tests pass their own).</summary>
    public LocalCommandRunner(TimeProvider time, string shell, Func<ProcessGroupWatchdog?> watchdog)
    {
        _time = time ?? throw new ArgumentNullException(nameof(time));
        _shell = shell;
        _setsid = SetsidCandidates.FirstOrDefault(File.Exists);
        _watchdog = watchdog ?? throw new ArgumentNullException(nameof(watchdog));
    }

    /// <inheritdoc />
    public async Task<CommandResult> RunAsync(CommandRequest request, IProgress<string>? output, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        cancellationToken.ThrowIfCancellationRequested();

        // The timeout starts before the process does.
        using var timeout = new CancellationTokenSource(request.Timeout, _time);
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = request.WorkingDirectory,
        };

        // "exec 2>&1" first: stderr joins stdout inside the shell, so the two keep their relative order.
        var script = "exec 2>&1\n" + request.Command;
        if (_setsid is not null)
        {
            start.FileName = _setsid;
            start.ArgumentList.Add(_shell);
        }
        else
        {
            start.FileName = _shell;
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(script);

        // Pagers and credential prompts would wait for a terminal that is not there.
        start.Environment["PAGER"] = "cat";
        start.Environment["GIT_PAGER"] = "cat";
        start.Environment["GIT_TERMINAL_PROMPT"] = "0";
        request.Environment.ApplyTo(start);

        // Started before the command, so the command can never see it start (and inherit nothing of it).
        var watchdog = _setsid is not null && !OperatingSystem.IsWindows() ? _watchdog() : null;
        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception ex)
        {
            return new CommandResult($"Could not start {_shell}: {ex.Message}", 127, false, false);
        }

        // The child called setsid() before exec'ing the shell: its pid is the process group id.
        var groupId = process.Id;
        watchdog?.Register(groupId);
        process.StandardInput.Close();

        var buffer = new OutputBuffer(Math.Max(request.OutputLimitBytes, 64), output);
        using var readersStop = new CancellationTokenSource();
        var readers = Task.WhenAll(
            PumpAsync(process.StandardOutput.BaseStream, buffer, readersStop.Token),
            PumpAsync(process.StandardError.BaseStream, buffer, readersStop.Token));

        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, timeout.Token);
        var killed = false;
        try
        {
            await process.WaitForExitAsync(linked.Token).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            KillGroup(process, groupId);
            killed = true;
            await process.WaitForExitAsync(CancellationToken.None).ConfigureAwait(false);
        }

        // Once the shell is gone, the pipes close when the last process holding them ends; a background child
        // that outlives the shell may keep them open, so wait only briefly.
        using (var grace = new CancellationTokenSource(DrainGrace, _time))
        {
            try
            {
                await readers.WaitAsync(grace.Token).ConfigureAwait(false);
            }
            catch (OperationCanceledException)
            {
                await readersStop.CancelAsync().ConfigureAwait(false);
            }
        }

        if (killed && cancellationToken.IsCancellationRequested && !timeout.IsCancellationRequested)
        {
            UnregisterIfEmpty(watchdog, groupId);
            throw new OperationCanceledException("The command was cancelled and its process group killed.", cancellationToken);
        }

        UnregisterIfEmpty(watchdog, groupId);
        var timedOut = killed && timeout.IsCancellationRequested;
        return new CommandResult(buffer.GetText(), killed ? null : process.ExitCode, timedOut, buffer.Truncated);
    }

    /// <summary>A group with no process left is forgotten; one with a background job stays watched until kimi ends.</summary>
    private static void UnregisterIfEmpty(ProcessGroupWatchdog? watchdog, int groupId)
    {
        if (watchdog is not null && NativeMethods.Kill(-groupId, 0) != 0)
        {
            watchdog.Unregister(groupId);
        }
    }

    private void KillGroup(Process process, int groupId)
    {
        if (_setsid is not null && !OperatingSystem.IsWindows())
        {
            _ = NativeMethods.Kill(-groupId, SigKill);
        }

        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
    }

    private static async Task PumpAsync(Stream stream, OutputBuffer buffer, CancellationToken cancellationToken)
    {
        var chunk = new byte[8192];
        try
        {
            int read;
            while ((read = await stream.ReadAsync(chunk, cancellationToken).ConfigureAwait(false)) > 0)
            {
                buffer.Append(chunk.AsSpan(0, read));
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or IOException or ObjectDisposedException)
        {
            // Stopped waiting for a pipe a background process keeps open, or the pipe broke.
        }
    }

    /// <summary>Keeps the first and the last half of the output when it is longer than the limit.</summary>
    private sealed class OutputBuffer(int limit, IProgress<string>? progress)
    {
        private readonly Lock _gate = new();
        private readonly byte[] _head = new byte[limit / 2];
        private int _headLength;
        private readonly byte[] _tail = new byte[limit - (limit / 2)];
        private readonly Decoder _progressDecoder = new UTF8Encoding(false).GetDecoder();
        private long _tailWritten;
        private long _total;

        public bool Truncated { get; private set; }

        public void Append(ReadOnlySpan<byte> data)
        {
            string? text = null;
            lock (_gate)
            {
                if (progress is not null)
                {
                    // Progress shows everything as it arrives; the cap only applies to what is kept.
                    var chars = new char[_progressDecoder.GetCharCount(data, flush: false)];
                    var count = _progressDecoder.GetChars(data, chars, flush: false);
                    text = new string(chars, 0, count);
                }

                _total += data.Length;
                var toHead = Math.Min(data.Length, _head.Length - _headLength);
                if (toHead > 0)
                {
                    data[..toHead].CopyTo(_head.AsSpan(_headLength));
                    _headLength += toHead;
                    data = data[toHead..];
                }

                while (data.Length > 0)
                {
                    var position = (int)(_tailWritten % _tail.Length);
                    var count = Math.Min(_tail.Length - position, data.Length);
                    data[..count].CopyTo(_tail.AsSpan(position));
                    data = data[count..];
                    _tailWritten += count;
                }

                Truncated = _tailWritten > _tail.Length;
            }

            if (!string.IsNullOrEmpty(text))
            {
                progress!.Report(text);
            }
        }

        public string GetText()
        {
            lock (_gate)
            {
                var encoding = new UTF8Encoding(false);
                var head = _head.AsSpan(0, _headLength);
                if (!Truncated)
                {
                    var tailLength = (int)_tailWritten;
                    var joined = new byte[head.Length + tailLength];
                    head.CopyTo(joined);
                    _tail.AsSpan(0, tailLength).CopyTo(joined.AsSpan(head.Length));
                    return encoding.GetString(joined);
                }

                // Unroll the ring buffer, then drop partial UTF-8 sequences at the cut points.
                var start = (int)(_tailWritten % _tail.Length);
                var tail = new byte[_tail.Length];
                _tail.AsSpan(start).CopyTo(tail);
                _tail.AsSpan(0, start).CopyTo(tail.AsSpan(_tail.Length - start));
                var tailStart = 0;
                while (tailStart < tail.Length && (tail[tailStart] & 0xC0) == 0x80)
                {
                    tailStart++;
                }

                var headEnd = TrimIncompleteEnd(head);
                var omitted = _total - headEnd - (tail.Length - tailStart);
                return encoding.GetString(head[..headEnd])
                    + $"\n\n[... {omitted} bytes of output omitted ...]\n\n"
                    + encoding.GetString(tail.AsSpan(tailStart));
            }
        }

        private static int TrimIncompleteEnd(ReadOnlySpan<byte> bytes)
        {
            // Walk back over continuation bytes to the lead byte; drop the sequence if it is incomplete.
            var end = bytes.Length;
            var i = end - 1;
            var continuation = 0;
            while (i >= 0 && (bytes[i] & 0xC0) == 0x80 && continuation < 3)
            {
                i--;
                continuation++;
            }

            if (i < 0)
            {
                return end;
            }

            var lead = bytes[i];
            var expected = lead >= 0xF0 ? 4 : lead >= 0xE0 ? 3 : lead >= 0xC0 ? 2 : 1;
            return expected > continuation + 1 ? i : end;
        }
    }

    private static class NativeMethods
    {
        [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
        [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
        public static extern int Kill(int pid, int signal);
    }
}
