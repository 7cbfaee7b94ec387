using System.Diagnostics;
using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using System.Text.RegularExpressions;

namespace KimiCode.Config;

/// <summary>
/// Every temporary file kimi writes (atomic writes of config, credentials, device id, shell history, and Edit/Write in
/// the working tree) lives beside its target, so the final rename stays on one file system, and is named
/// <c>.&lt;name&gt;.kimi-&lt;pid&gt;-&lt;random&gt;.tmp</c> (<see cref="IsTempName"/>). Before one is created its full
/// path is recorded in this process's list under the data folder (<see cref="TempFileRegistry"/>), and the start-up
/// sweep (<see cref="OpenHome"/>) deletes what a killed process left: nothing stays in the user's working tree.
/// </summary>
public static partial class TempFiles
{
    private static readonly Lock Gate = new();
    private static readonly HashSet<string> Swept = new(StringComparer.Ordinal);
    private static TempFileRegistry? _registry;

    /// <summary>Where temp files are recorded (the home opened last by <see cref="OpenHome"/>), or null: not recorded.</summary>
    public static TempFileRegistry? Registry => Volatile.Read(ref _registry);

    /// <summary>
    /// Called by every front end when it opens the data folder: records this process's temp files under
    /// <paramref name="home"/> from now on, and (once per process and home) deletes the temp files of processes that
    /// died without removing theirs. Cheap: reads a few small files, never walks the working tree; never throws.
    /// </summary>
    public static TempSweepResult OpenHome(KimiHome home)
    {
        ArgumentNullException.ThrowIfNull(home);
        var registry = new TempFileRegistry(home.InflightTempDir);
        Volatile.Write(ref _registry, registry);
        lock (Gate)
        {
            if (!Swept.Add(home.Root))
            {
                return new TempSweepResult([], []);
            }
        }

        var result = registry.SweepDead();
        var legacy = SweepLegacy(home);
        return legacy.Count == 0 ? result : new TempSweepResult([.. result.DeletedFiles, .. legacy], result.DeletedLists);
    }

    /// <summary>
    /// A new temp file path beside <paramref name="target"/> (not created), recorded in <see cref="Registry"/> until
    /// the returned <see cref="TempFile"/> is disposed (which also deletes the file if it is still there).
    /// </summary>
    public static TempFile Beside(string target)
    {
        var full = Path.GetFullPath(target);
        var name = $".{Path.GetFileName(full)}.kimi-{Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}-{Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(6))}.tmp";
        return new TempFile(Path.Combine(Path.GetDirectoryName(full)!, name), Registry);
    }

    /// <summary>True when <paramref name="fileName"/> has the shape of a kimi temp file; the sweep deletes nothing else.</summary>
    public static bool IsTempName(string fileName) => TempName().IsMatch(fileName);

    /// <summary>Temp files of older kimi versions in the data folder (<c>.&lt;name&gt;.&lt;pid&gt;.&lt;guid&gt;.tmp</c>, <c>shell_history.tmp</c>).</summary>
    private static List<string> SweepLegacy(KimiHome home)
    {
        var deleted = new List<string>();
        foreach (var folder in new[] { home.Root, home.CredentialsDir })
        {
            string[] candidates;
            try
            {
                candidates = Directory.Exists(folder) ? Directory.GetFiles(folder, ".*.tmp") : [];
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var file in candidates)
            {
                var match = LegacyTempName().Match(Path.GetFileName(file));
                if (match.Success && int.TryParse(match.Groups[1].ValueSpan, NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                    && ProcessStart.Of(pid) is null && TryDelete(file))
                {
                    deleted.Add(file);
                }
            }
        }

        // The shell history's old fixed temp name: a rewrite takes milliseconds, so one older than a minute is litter.
        var history = Path.Combine(home.Root, "shell_history.tmp");
        try
        {
            if (File.Exists(history) && File.GetLastWriteTimeUtc(history) < DateTime.UtcNow.AddMinutes(-1) && TryDelete(history))
            {
                deleted.Add(history);
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
        }

        return deleted;
    }

    internal static bool TryDelete(string path)
    {
        try
        {
            if (!File.Exists(path))
            {
                return false;
            }

            File.Delete(path);
            return true;
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    [GeneratedRegex(@"^\..+\.kimi-[0-9]+-[0-9a-f]{12}\.tmp$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex TempName();

    [GeneratedRegex(@"^\..+\.([0-9]+)\.[0-9a-f]{32}\.tmp$", RegexOptions.CultureInvariant | RegexOptions.Singleline)]
    private static partial Regex LegacyTempName();
}

/// <summary>What a sweep deleted.</summary>
public sealed record TempSweepResult(IReadOnlyList<string> DeletedFiles, IReadOnlyList<string> DeletedLists);

/// <summary>A temp file path from <see cref="TempFiles.Beside"/>; dispose it when done (renamed away or failed).</summary>
public sealed class TempFile : IDisposable
{
    private readonly TempFileRegistry? _registry;
    private bool _disposed;

    internal TempFile(string path, TempFileRegistry? registry)
    {
        Path = path;
        _registry = registry;
        _registry?.Add(path);
    }

    /// <summary>The full path, beside the target.</summary>
    public string Path { get; }

    /// <summary>Deletes the file if it is still there (the write failed) and drops it from the registry.</summary>
    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        TempFiles.TryDelete(Path);
        _registry?.Remove(Path);
    }
}

/// <summary>
/// The in-flight temp files of this process: <c>{folder}/&lt;pid&gt;-&lt;start time&gt;.list</c>, one full path per line,
/// appended before each temp file is created and deleted when none is in flight. <see cref="SweepDead"/> handles the
/// lists of processes that are gone (no such pid, or the pid now belongs to a process with another start time).
/// Best effort: a list that cannot be written never fails the write it records.
/// </summary>
public sealed class TempFileRegistry
{
    private readonly Lock _gate = new();
    private int _inFlight;

    /// <summary>The registry of this process in <paramref name="folder"/> (e.g. <see cref="KimiHome.InflightTempDir"/>).</summary>
    public TempFileRegistry(string folder)
    {
        ArgumentException.ThrowIfNullOrEmpty(folder);
        Folder = Path.GetFullPath(folder);
        ListFile = Path.Combine(Folder, ListName(Environment.ProcessId, ProcessStart.Of(Environment.ProcessId) ?? 0));
    }

    /// <summary>The folder holding every process's list.</summary>
    public string Folder { get; }

    /// <summary>This process's list.</summary>
    public string ListFile { get; }

    /// <summary>The list file name for process <paramref name="pid"/> started at <paramref name="startTime"/> (see <see cref="ProcessStart.Of"/>).</summary>
    public static string ListName(int pid, long startTime)
        => string.Create(CultureInfo.InvariantCulture, $"{pid}-{startTime}.list");

    internal void Add(string path)
    {
        if (path.Contains('\n', StringComparison.Ordinal))
        {
            return;
        }

        lock (_gate)
        {
            _inFlight++;
            try
            {
                // Never resurrect a data folder that is gone (e.g. deleted under a running test).
                var home = Path.GetDirectoryName(Path.GetDirectoryName(Folder));
                if (home is null || !Directory.Exists(home))
                {
                    return;
                }

                KimiHome.EnsureSecretDirectory(Folder);
                var options = new FileStreamOptions { Mode = FileMode.Append, Access = FileAccess.Write, Share = FileShare.ReadWrite };
                if (!OperatingSystem.IsWindows())
                {
                    options.UnixCreateMode = AtomicFile.OwnerOnly;
                }

                using var stream = new FileStream(ListFile, options);
                stream.Write(Encoding.UTF8.GetBytes(path + "\n"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
            }
        }
    }

    internal void Remove(string path)
    {
        if (path.Contains('\n', StringComparison.Ordinal))
        {
            return;
        }

        lock (_gate)
        {
            if (--_inFlight == 0)
            {
                TempFiles.TryDelete(ListFile);
            }
        }
    }

    /// <summary>
    /// For every list in <see cref="Folder"/> whose process is dead: deletes each listed file whose name still has the
    /// temp shape (<see cref="TempFiles.IsTempName"/>; a list naming anything else deletes nothing), then the list.
    /// Lists of live processes and names it cannot parse are left alone. Never throws.
    /// </summary>
    public TempSweepResult SweepDead()
    {
        var files = new List<string>();
        var lists = new List<string>();
        string[] candidates;
        try
        {
            candidates = Directory.Exists(Folder) ? Directory.GetFiles(Folder, "*.list") : [];
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return new TempSweepResult(files, lists);
        }

        foreach (var list in candidates)
        {
            if (string.Equals(list, ListFile, StringComparison.Ordinal) || !IsDead(Path.GetFileNameWithoutExtension(list)))
            {
                continue;
            }

            string[] lines;
            try
            {
                lines = File.ReadAllLines(list);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                continue;
            }

            foreach (var line in lines.Distinct(StringComparer.Ordinal))
            {
                if (Path.IsPathFullyQualified(line) && TempFiles.IsTempName(Path.GetFileName(line)) && TempFiles.TryDelete(line))
                {
                    files.Add(line);
                }
            }

            if (TempFiles.TryDelete(list))
            {
                lists.Add(list);
            }
        }

        return new TempSweepResult(files, lists);
    }

    private static bool IsDead(string name)
    {
        var dash = name.IndexOf('-', StringComparison.Ordinal);
        if (dash <= 0
            || !int.TryParse(name.AsSpan(0, dash), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
            || !long.TryParse(name.AsSpan(dash + 1), NumberStyles.None, CultureInfo.InvariantCulture, out var start))
        {
            return false; // not ours to judge
        }

        return ProcessStart.Of(pid) is not { } actual || (actual != ProcessStart.Unknown && actual != start);
    }
}

/// <summary>When a process started, as a number that differs when its pid is reused.</summary>
public static class ProcessStart
{
    /// <summary>The process exists but its start time cannot be read (it is never judged dead).</summary>
    public const long Unknown = -1;

    /// <summary>
    /// On Linux field 22 of <c>/proc/&lt;pid&gt;/stat</c> (clock ticks since boot); elsewhere the start time's UTC
    /// ticks; <see cref="Unknown"/> when it cannot be read. Null when there is no such process.
    /// </summary>
    public static long? Of(int pid)
    {
        if (pid <= 0)
        {
            return null;
        }

        if (OperatingSystem.IsLinux())
        {
            string stat;
            try
            {
                stat = File.ReadAllText(string.Create(CultureInfo.InvariantCulture, $"/proc/{pid}/stat"));
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null;
            }

            // comm (field 2) is in parentheses and may hold spaces; fields 3… follow the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 1)..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
            return fields.Length > 19 && long.TryParse(fields[19], NumberStyles.None, CultureInfo.InvariantCulture, out var ticks) ? ticks : null;
        }

        try
        {
            using var process = Process.GetProcessById(pid);
            return process.StartTime.ToUniversalTime().Ticks;
        }
        catch (ArgumentException)
        {
            return null;
        }
        catch (Exception ex) when (ex is InvalidOperationException or System.ComponentModel.Win32Exception or NotSupportedException)
        {
            return Unknown; // alive but unreadable: never judged dead
        }
    }
}
