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
    private readonly ulong? _inode;
    private ITimer? _heartbeat;
    private DateTime _lastTouchUtc;
    private LockOwner? _owner;
    private bool _lost;
    private bool _disposed;

    private RefreshLock(string lockDir, TimeProvider timeProvider, DateTime createdUtc, ulong? inode)
    {
        _lockDir = lockDir;
        _timeProvider = timeProvider;
        _lastTouchUtc = createdUtc;
        _inode = inode;
    }

    /// <summary>The lock folder, <c>{target}.lock</c>.</summary>
    public string LockDirectory => _lockDir;

    /// <summary>The owner record beside the lock folder, <c>{target}.lock-owner</c> (see <see cref="LockOwner"/>).</summary>
    public string OwnerRecordPath => LockOwner.PathFor(_lockDir);

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
        DateTime? futureSeen = null;
        LockOwner? liveOwner = null;
        while (true)
        {
            cancellationToken.ThrowIfCancellationRequested();
            if (TryCreateDirectory(lockDir))
            {
                if (Claim(lockDir, options, timeProvider) is { } held)
                {
                    return held;
                }

                continue; // taken from us before we could even write our record: try again
            }

            liveOwner = null;
            var state = Inspect(lockDir);
            if (state.IsFile)
            {
                throw Unusable(lockDir, "is a file, not a folder, so no one can ever take it");
            }

            if (state.Mtime is { } mtime)
            {
                var now = timeProvider.GetUtcNow().UtcDateTime;
                if (mtime - now > options.FutureTolerance)
                {
                    // Seen twice with the same stamp (one retry apart), so a holder stamping with another clock in the
                    // very instant of our look cannot trip it.
                    if (futureSeen == mtime)
                    {
                        throw Unusable(lockDir, $"has a modification time in the future ({mtime:yyyy-MM-dd HH:mm:ss} UTC), so it can never be judged stale");
                    }

                    futureSeen = mtime;
                }
                else if (now - mtime > options.StaleAfter)
                {
                    // Stale by mtime; but a holder of ours that is merely paused left a record of a live process.
                    liveOwner = LiveOwnerOf(lockDir, state.Inode);
                    if (liveOwner is null)
                    {
                        RemoveStale(lockDir, options.StaleAfter, timeProvider);
                        continue;
                    }
                }
            }
            else
            {
                continue; // released between our mkdir and our look
            }

            if (timeProvider.GetElapsedTime(started) >= options.Timeout)
            {
                var holder = liveOwner is null ? "another kimi process" : $"another kimi process (pid {liveOwner.Pid}, still running but not heartbeating: stopped or frozen?)";
                throw new AuthException(
                    AuthErrorCodes.LockTimeout,
                    $"Timed out after {options.Timeout.TotalSeconds:0} s: {holder} holds {lockDir} (refreshing the login); if no other kimi or kimi-code is running, delete that folder and retry.");
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

    /// <summary>
    /// We just created the folder: stamp its mtime, write our owner record beside it, and make sure it is still ours
    /// (a peer may have judged it stale if we were paused in between). Null when it was taken from us.
    /// </summary>
    private static RefreshLock? Claim(string lockDir, RefreshLockOptions options, TimeProvider timeProvider)
    {
        // Stamp the mtime ourselves so "is it still ours" compares against a value we chose.
        var now = timeProvider.GetUtcNow().UtcDateTime;
        TrySetMtime(lockDir, now);
        var held = new RefreshLock(lockDir, timeProvider, ReadMtime(lockDir) ?? now, LockOwner.InodeOf(lockDir));
        var owner = LockOwner.ForThisProcess(held._inode);
        if (owner is not null)
        {
            try
            {
                owner.Write(held.OwnerRecordPath);
                held._owner = owner;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // No record: waiters fall back to the mtime rule, as with the Node client.
            }
        }

        lock (held._gate)
        {
            if (!held.IsStillOurs())
            {
                held._lost = true;
                held._disposed = true;
                held._owner?.DeleteIfOurs(held.OwnerRecordPath);
                return null;
            }
        }

        held.StartHeartbeat(options.HeartbeatInterval);
        return held;
    }

    /// <summary>The recorded owner of the folder with <paramref name="inode"/> when it is a process that still runs.</summary>
    private static LockOwner? LiveOwnerOf(string lockDir, ulong? inode)
        => inode is { } ino && LockOwner.Read(LockOwner.PathFor(lockDir)) is { } owner && owner.Inode == ino && owner.IsAlive ? owner : null;

    private static AuthException Unusable(string lockDir, string what, Exception? inner = null)
        => new(
            AuthErrorCodes.LockUnusable,
            $"The refresh lock {lockDir} {what}. If no kimi or kimi-code is running, remove it: rm -rf '{lockDir}'",
            inner);

    private readonly record struct LockState(bool IsFile, DateTime? Mtime, ulong? Inode);

    /// <summary>What is at the lock path now: nothing, a folder (mtime, inode), or something that is not a folder.</summary>
    private static LockState Inspect(string lockDir)
    {
        var info = new FileInfo(lockDir);
        if (!info.Exists)
        {
            var folder = new DirectoryInfo(lockDir);
            return folder.Exists ? new LockState(false, folder.LastWriteTimeUtc, LockOwner.InodeOf(lockDir)) : default;
        }

        return new LockState(true, null, null);
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
            // Our record goes first, so a crash in between leaves a folder without a record (mtime rules), never a
            // record naming a live process beside a folder that is not ours.
            if (!_lost && IsStillOurs())
            {
                _owner?.DeleteIfOurs(OwnerRecordPath);
                try
                {
                    Directory.Delete(_lockDir, recursive: true);
                }
                catch (Exception ex) when (ex is DirectoryNotFoundException or IOException or UnauthorizedAccessException)
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

    /// <summary>Same mtime as we last stamped and, where known, the same folder (inode) as we created.</summary>
    private bool IsStillOurs()
        => ReadMtime(_lockDir) is { } mtime && mtime == _lastTouchUtc && (_inode is null || LockOwner.InodeOf(_lockDir) == _inode);

    private static void EnsureTarget(string target)
    {
        var directory = Path.GetDirectoryName(target)!;
        try
        {
            KimiCode.Config.KimiHome.EnsureSecretDirectory(directory);
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
        catch (UnauthorizedAccessException ex)
        {
            throw PermissionDenied(directory, ex);
        }
        catch (IOException ex) when (Directory.Exists(target))
        {
            throw Unusable(target, "(the lock target) is a folder where an empty file belongs", ex);
        }
        catch (IOException ex)
        {
            throw new AuthException(
                AuthErrorCodes.PermissionDenied,
                $"Could not prepare the refresh lock {target} ({FirstLine(ex.Message)}). Make sure {directory} is a folder you can write (chmod u+rwx '{directory}').",
                ex);
        }
    }

    /// <summary>One line naming the folder that refuses us and the command that fixes it.</summary>
    internal static AuthException PermissionDenied(string directory, Exception? inner = null)
        => new(
            AuthErrorCodes.PermissionDenied,
            $"Cannot create the refresh lock in {directory} (permission denied). Give yourself access, then retry: chmod u+rwx '{directory}'",
            inner);

    private static string FirstLine(string text)
    {
        var end = text.IndexOfAny(['\r', '\n']);
        return (end < 0 ? text : text[..end]).Trim();
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

        var directory = Path.GetDirectoryName(path)!;
        if (errno is NativeMethods.EACCES or NativeMethods.EPERM)
        {
            throw PermissionDenied(directory);
        }

        var reason = errno switch
        {
            NativeMethods.EROFS => "read-only file system",
            NativeMethods.ENOTDIR => "a part of the path is a file",
            _ => $"errno {errno}",
        };
        throw new AuthException(
            AuthErrorCodes.PermissionDenied,
            $"Could not create the refresh lock folder {path} ({reason}). Make sure {directory} is a folder you can write (chmod u+rwx '{directory}').");
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
