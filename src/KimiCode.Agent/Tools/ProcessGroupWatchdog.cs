using System.ComponentModel;
using System.Diagnostics;
using System.Globalization;
using KimiCode.Agent.Secrets;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Kills the process groups of tool commands when kimi ends, however it ends (exit, crash, <c>kill -9</c>). A small
/// <c>bash</c> loop in a session of its own reads group ids from a pipe whose write end only this process holds
/// (.NET opens it close-on-exec, so no command inherits it); when the pipe reaches end-of-file, because kimi exited
/// or was killed, it sends SIGKILL to every group still registered. Groups that ended are unregistered.
/// A command that leaves its group on purpose (<c>setsid</c>, a double-forking daemon) escapes it.
/// </summary>
public sealed class ProcessGroupWatchdog : IDisposable
{
    // Ignores the signals a terminal sends its foreground group; forgets groups that ended whenever one is added
    // (so a reused id is not killed); on EOF kills every registered group.
    private const string Script = """
        exec >/dev/null 2>&1
        trap '' INT QUIT HUP
        groups=' '
        while IFS= read -r line; do
          case $line in
            +[0-9]*)
              live=' '
              for group in $groups; do kill -0 -- "-$group" && live="$live$group "; done
              groups="$live${line#+} " ;;
            -[0-9]*) groups="${groups/ ${line#-} / }" ;;
          esac
        done
        for group in $groups; do kill -KILL -- "-$group"; done
        """;

    private static readonly Lazy<ProcessGroupWatchdog?> SharedInstance = new(() => TryStart(), LazyThreadSafetyMode.ExecutionAndPublication);

    private readonly Process _process;
    private readonly Lock _gate = new();
    private bool _broken;

    private ProcessGroupWatchdog(Process process)
    {
        _process = process;
    }

    /// <summary>The one watchdog of this process, started on first use; null where it cannot run (no bash, no setsid, Windows).</summary>
    public static ProcessGroupWatchdog? Shared => SharedInstance.Value;

    /// <summary>The watchdog's own pid (tests).</summary>
    public int ProcessId => _process.Id;

    /// <summary>Starts a watchdog; null when it cannot be started.</summary>
    public static ProcessGroupWatchdog? TryStart(string shell = "/bin/bash")
    {
        if (OperatingSystem.IsWindows() || !File.Exists(shell))
        {
            return null;
        }

        var setsid = new[] { "/usr/bin/setsid", "/bin/setsid" }.FirstOrDefault(File.Exists);
        var start = new ProcessStartInfo
        {
            FileName = setsid ?? shell,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (setsid is not null)
        {
            start.ArgumentList.Add(shell);
        }

        start.ArgumentList.Add("-c");
        start.ArgumentList.Add(Script);
        ChildEnvironment.Default.ApplyTo(start);
        var process = new Process { StartInfo = start };
        try
        {
            process.Start();
        }
        catch (Win32Exception)
        {
            process.Dispose();
            return null;
        }

        return new ProcessGroupWatchdog(process);
    }

    /// <summary>Kill group <paramref name="groupId"/> if this process ends before <see cref="Unregister"/>.</summary>
    public void Register(int groupId) => Send("+" + groupId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Group <paramref name="groupId"/> ended; forget it (its id may be reused).</summary>
    public void Unregister(int groupId) => Send("-" + groupId.ToString(CultureInfo.InvariantCulture));

    /// <summary>Closes the pipe, as the end of this process would: the watchdog kills every registered group and exits.</summary>
    public void Dispose()
    {
        lock (_gate)
        {
            _broken = true;
            try
            {
                _process.StandardInput.Close();
            }
            catch (IOException)
            {
                // The watchdog is already gone.
            }
        }

        _process.Dispose();
    }

    private void Send(string line)
    {
        lock (_gate)
        {
            if (_broken)
            {
                return;
            }

            try
            {
                _process.StandardInput.Write(line + "\n");
                _process.StandardInput.Flush();
            }
            catch (Exception ex) when (ex is IOException or ObjectDisposedException or InvalidOperationException)
            {
                // Someone killed the watchdog; commands still run, they just no longer die with us.
                _broken = true;
            }
        }
    }
}
