using System.ComponentModel;
using System.Diagnostics;
using System.Runtime.InteropServices;
using System.Text;
using KimiCode.Agent.Secrets;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Hooks;

/// <summary>How one hook command ended. <see cref="ExitCode"/> is null when it timed out, was cancelled or could not start.</summary>
public sealed record HookProcessResult(int? ExitCode, string Stdout, string Stderr, bool TimedOut);

/// <summary>
/// Runs one hook command: <c>bash -c</c> in a process group of its own (through <c>setsid</c>), the event JSON on
/// standard input, standard output and error read apart (each capped). It ends when the shell has exited and both
/// pipes are closed; at the timeout (or when the caller cancels) the whole group gets SIGTERM, then SIGKILL a moment
/// later, so nothing it started outlives it. The environment is ours minus the credentials (<see cref="ChildEnvironment"/>).
/// </summary>
internal static class HookProcess
{
    private const int SigTerm = 15;
    private const int SigKill = 9;
    private const int OutputLimitChars = 64 * 1024;
    private static readonly TimeSpan KillGrace = TimeSpan.FromMilliseconds(200);
    private static readonly string? Setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);

    public static async Task<HookProcessResult> RunAsync(
        string command, string workingDirectory, string stdin, TimeSpan timeout, ChildEnvironment environment, TimeProvider time, CancellationToken cancellationToken)
    {
        using var deadline = new CancellationTokenSource(timeout, time);
        var start = new ProcessStartInfo
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory,
            StandardOutputEncoding = new UTF8Encoding(false),
            StandardErrorEncoding = new UTF8Encoding(false),
        };
        if (Setsid is not null && !OperatingSystem.IsWindows())
        {
            start.FileName = Setsid;
            start.ArgumentList.Add("/bin/bash");
        }
        else
        {
            start.FileName = "/bin/bash";
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(command);
        environment.ApplyTo(start);
        var watchdog = Setsid is not null && !OperatingSystem.IsWindows() ? ProcessGroupWatchdog.Shared : null;

        using var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Exception ex) when (ex is Win32Exception or InvalidOperationException)
        {
            return new HookProcessResult(null, "", $"could not start /bin/bash: {ex.Message}", false);
        }

        var groupId = process.Id;
        watchdog?.Register(groupId);
        var stdout = ReadCappedAsync(process.StandardOutput);
        var stderr = ReadCappedAsync(process.StandardError);
        using var linked = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, deadline.Token);
        var finished = false;
        try
        {
            await WriteInputAsync(process, stdin, linked.Token).ConfigureAwait(false);
            await Task.WhenAll(process.WaitForExitAsync(linked.Token), stdout.WaitAsync(linked.Token), stderr.WaitAsync(linked.Token)).ConfigureAwait(false);
            finished = true;
        }
        catch (OperationCanceledException)
        {
            await KillGroupAsync(process, groupId, time).ConfigureAwait(false);
        }

        if (watchdog is not null && (!finished || Kill(-groupId, 0) != 0))
        {
            watchdog.Unregister(groupId);
        }

        if (!finished)
        {
            // The pipes close with the group; what was written so far is kept for the log.
            return new HookProcessResult(null, await PartialAsync(stdout).ConfigureAwait(false), await PartialAsync(stderr).ConfigureAwait(false), deadline.IsCancellationRequested);
        }

        return new HookProcessResult(process.ExitCode, await stdout.ConfigureAwait(false), await stderr.ConfigureAwait(false), false);
    }

    private static async Task WriteInputAsync(Process process, string stdin, CancellationToken cancellationToken)
    {
        try
        {
            await process.StandardInput.WriteAsync(stdin.AsMemory(), cancellationToken).ConfigureAwait(false);
            await process.StandardInput.FlushAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
            // The hook does not read its input (it exited, or closed stdin): that is its choice.
        }
        finally
        {
            try
            {
                process.StandardInput.Close();
            }
            catch (IOException)
            {
                // Same as above.
            }
        }
    }

    private static async Task KillGroupAsync(Process process, int groupId, TimeProvider time)
    {
        if (Setsid is null || OperatingSystem.IsWindows())
        {
            TryKillTree(process);
            return;
        }

        _ = Kill(-groupId, SigTerm);
        try
        {
            await process.WaitForExitAsync(CancellationToken.None).WaitAsync(KillGrace, time).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            // It ignored SIGTERM.
        }

        // Whatever is left of the group (the shell's children too) goes now.
        _ = Kill(-groupId, SigKill);
        TryKillTree(process);
    }

    private static void TryKillTree(Process process)
    {
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (Exception ex) when (ex is InvalidOperationException or Win32Exception)
        {
            // Already gone.
        }
    }

    private static async Task<string> PartialAsync(Task<string> reader)
    {
        try
        {
            return await reader.WaitAsync(KillGrace).ConfigureAwait(false);
        }
        catch (TimeoutException)
        {
            return "";
        }
    }

    private static async Task<string> ReadCappedAsync(StreamReader reader)
    {
        var text = new StringBuilder();
        var buffer = new char[4096];
        try
        {
            int read;
            while ((read = await reader.ReadAsync(buffer).ConfigureAwait(false)) > 0)
            {
                if (text.Length < OutputLimitChars)
                {
                    text.Append(buffer, 0, Math.Min(read, OutputLimitChars - text.Length));
                }
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException)
        {
            // The pipe broke; keep what came.
        }

        return text.ToString();
    }

    [DllImport("libc", EntryPoint = "kill", SetLastError = true)]
    [DefaultDllImportSearchPaths(DllImportSearchPath.SafeDirectories)]
    private static extern int Kill(int pid, int signal);
}
