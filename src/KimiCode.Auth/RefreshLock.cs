using System.Runtime.InteropServices;
using KimiCode.Protocol;

namespace KimiCode.Auth;

/// <summary>
/// The Node client's cross-process refresh lock, so that we and the official client never refresh the same
/// single-use refresh token at once. Holding the lock means having created the folder <c>{target}.lock</c>
/// with an atomic mkdir; the holder touches its mtime every <see cref="RefreshLockOptions.HeartbeatInterval"/>,
/// and a folder older than <see cref="RefreshLockOptions.StaleAfter"/> is a dead holder's and may be taken.
/// Times (mtime writes and staleness) come from the injected <see cref="TimeProvider"/>.
/// </summary>
public sealed class RefreshLock : IAsyncDisposable
{
    private readonly string _lockDir;
    private readonly TimeProvider _timeProvider;
    private readonly Lock _gate = new();
    private ITimer? _heartbeat;
    private DateTime _lastTouchUtc;
    private bool _lost;
    private bool _disposed;

    private RefreshLock(string lockDir, TimeProvider timeProvider, DateTime createdUtc)
    {
        _lockDir = lockDir;
        _timeProvider = timeProvider;
        _lastTouchUtc = createdUtc;
    }

    /// <summary>The lock folder, <c>{target}.lock</c>.</summary>
    public string LockDirectory => _lockDir;

    /// <summary>True if our folder was replaced by someone else (we stalled past <see cref="RefreshLockOptions.StaleAfter"/>).</summary>
    public bool IsLost
    {
        get
        {
            lock (_gate)
            {
                return _lost || !IsStillOurs();
            }
        }
    }

    public static async Task<RefreshLock> AcquireAsync(string targetPath, RefreshLockOptions options, TimeProvider timeProvider, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(targetPath);
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(timeProvider);

        var target = Path.GetFullPath(targetPath);
        var lockDir = target + ".lock";
        EnsureTarget(target);

        var started = timeProvider.GetTimestamp();
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryCreateDirectory(lockDir))
            {
                // Stamp the mtime ourselves so "is it still ours" compares against a value we chose.
                var now = timeProvider.GetUtcNow().UtcDateTime;
                TrySetMtime(lockDir, now);
                var held = new RefreshLock(lockDir, timeProvider, ReadMtime(lockDir) ?? now);
                held.StartHeartbeat(options.HeartbeatInterval);
                return held;
            }

            if (IsStale(lockDir, options.StaleAfter, timeProvider))
            {
                RemoveStale(lockDir, options.StaleAfter, timeProvider);
                continue;
            }

            if (timeProvider.GetElapsedTime(started) >= options.Timeout)
            {
                throw new AuthException(
                    AuthErrorCodes.LockTimeout,
                    $"Timed out after {options.Timeout.TotalSeconds:0} s: another kimi process holds {lockDir} (refreshing the login); if no other kimi or kimi-code is running, delete that folder and retry.");
            }

            var minMs = options.RetryMin.TotalMilliseconds;
            var maxMs = Math.Max(minMs, options.RetryMax.TotalMilliseconds);
            var delay = TimeSpan.FromMilliseconds(minMs + (Random.Shared.NextDouble() * (maxMs - minMs)));
            var remaining = options.Timeout - timeProvider.GetElapsedTime(started);
            if (remaining < delay)
            {
                delay = remaining > TimeSpan.Zero ? remaining : TimeSpan.Zero;
            }

            await Task.Delay(delay, timeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    public ValueTask DisposeAsync()
    {
        lock (_gate)
        {
            if (_disposed)
            {
                return ValueTask.CompletedTask;
            }

            _disposed = true;
            _heartbeat?.Dispose();
            _heartbeat = null;

            // Remove the folder only if it is still the one we created: a peer that judged us stale owns it now.
            if (!_lost && IsStillOurs())
            {
                try
                {
                    Directory.Delete(_lockDir, recursive: true);
                }
                catch (DirectoryNotFoundException)
                {
                }
            }
        }

        return ValueTask.CompletedTask;
    }

    private void StartHeartbeat(TimeSpan interval)
        => _heartbeat = _timeProvider.CreateTimer(static state => ((RefreshLock)state!).Beat(), this, interval, interval);

    private void Beat()
    {
        lock (_gate)
        {
            if (_disposed || _lost)
            {
                return;
            }

            if (!IsStillOurs())
            {
                _lost = true;
                return;
            }

            var now = _timeProvider.GetUtcNow().UtcDateTime;
            if (TrySetMtime(_lockDir, now))
            {
                _lastTouchUtc = ReadMtime(_lockDir) ?? now;
            }
        }
    }

    private bool IsStillOurs() => ReadMtime(_lockDir) is { } mtime && mtime == _lastTouchUtc;

    private static void EnsureTarget(string target)
    {
        var directory = Path.GetDirectoryName(target)!;
        KimiCode.Config.KimiHome.EnsureSecretDirectory(directory);
        try
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write, Share = FileShare.ReadWrite };
            if (!OperatingSystem.IsWindows())
            {
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            }

            using var _ = new FileStream(target, options);
        }
        catch (IOException) when (File.Exists(target))
        {
            // Already there: the usual case.
        }
    }

    private static bool TryCreateDirectory(string path)
    {
        if (OperatingSystem.IsWindows())
        {
            // Not a supported platform for sharing with the Node client; keep a best-effort check-then-create.
            if (Directory.Exists(path))
            {
                return false;
            }

            Directory.CreateDirectory(path);
            return true;
        }

        if (NativeMethods.Mkdir(path, Convert.ToUInt32("700", 8)) == 0)
        {
            return true;
        }

        var errno = Marshal.GetLastPInvokeError();
        if (errno == NativeMethods.EEXIST)
        {
            return false;
        }

        throw new IOException($"Could not create the refresh lock folder {path} (errno {errno}).");
    }

    private static bool IsStale(string lockDir, TimeSpan staleAfter, TimeProvider timeProvider)
        => ReadMtime(lockDir) is { } mtime && timeProvider.GetUtcNow().UtcDateTime - mtime > staleAfter;

    /// <summary>
    /// Rename the stale folder away before deleting it: rename is atomic, so of two processes that both saw it
    /// stale only one moves it. If what we moved turns out to be fresh (a peer re-created the lock in between),
    /// put it back.
    /// </summary>
    private static void RemoveStale(string lockDir, TimeSpan staleAfter, TimeProvider timeProvider)
    {
        var graveyard = $"{lockDir}.stale-{Guid.NewGuid():N}";
        try
        {
            Directory.Move(lockDir, graveyard);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or IOException)
        {
            return; // someone else got there first
        }

        if (!IsStale(graveyard, staleAfter, timeProvider))
        {
            try
            {
                Directory.Move(graveyard, lockDir);
                return;
            }
            catch (IOException)
            {
                // A third process already holds a new lock; the folder we moved is nobody's any more.
            }
        }

        try
        {
            Directory.Delete(graveyard, recursive: true);
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or IOException)
        {
        }
    }

    private static DateTime? ReadMtime(string path)
    {
        var info = new DirectoryInfo(path);
        return info.Exists ? info.LastWriteTimeUtc : null;
    }

    private static bool TrySetMtime(string path, DateTime utc)
    {
        try
        {
            Directory.SetLastWriteTimeUtc(path, utc);
            return true;
        }
        catch (Exception ex) when (ex is DirectoryNotFoundException or FileNotFoundException or IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }
}
