using System.Diagnostics;
using KimiCode.Auth.Tests.Infrastructure;

namespace KimiCode.Auth.Tests;

/// <summary>
/// The refresh lock never lets a waiter take over a live holder of ours, reports locks that can never turn stale,
/// and says which chmod fixes a folder it may not use; the Node client's view (a bare folder, rmdir) is unchanged.
/// </summary>
public sealed class LockOwnerTests
{
    private static readonly RefreshLockOptions Defaults = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static Task<Exception?> CaptureDrivenAsync(SignallingTimeProvider time, Func<Task> action) => time.CaptureDrivenAsync(action, Ct);

    [Fact]
    public async Task AcquireAsync_LockFolderWithFutureMtime_FailsFastWithLockUnusable()
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(DateTimeOffset.UtcNow);
        var target = home.LockTarget();
        Directory.CreateDirectory(home.Home.OAuthDir);
        File.WriteAllBytes(target, []);
        Directory.CreateDirectory(target + ".lock");
        Directory.SetLastWriteTimeUtc(target + ".lock", time.GetUtcNow().UtcDateTime.AddHours(1));

        var error = await CaptureDrivenAsync(time, () => RefreshLock.AcquireAsync(target, Defaults, time, Ct));

        var unusable = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.LockUnusable, unusable.Code);
        Assert.False(unusable.IsRetryable);
        Assert.Contains(target + ".lock", unusable.Message, StringComparison.Ordinal);
        Assert.Contains("in the future", unusable.Message, StringComparison.Ordinal);
        Assert.EndsWith($"If no kimi or kimi-code is running, remove it: rm -rf '{target}.lock'", unusable.Message, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', unusable.Message);
        // One retry to rule out a clock in the very instant of the look, not the 60 s timeout.
        Assert.True(time.GetUtcNow() - time.Start < Defaults.StaleAfter, $"waited {time.GetUtcNow() - time.Start}");
    }

    [Fact]
    public async Task AcquireAsync_PlainFileAtLockPath_FailsAtOnceWithLockUnusable()
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(DateTimeOffset.UtcNow);
        var target = home.LockTarget();
        Directory.CreateDirectory(home.Home.OAuthDir);
        File.WriteAllText(target + ".lock", "not a folder");

        var error = await CaptureDrivenAsync(time, () => RefreshLock.AcquireAsync(target, Defaults, time, Ct));

        var unusable = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.LockUnusable, unusable.Code);
        Assert.Equal($"The refresh lock {target}.lock is a file, not a folder, so no one can ever take it. If no kimi or kimi-code is running, remove it: rm -rf '{target}.lock'", unusable.Message);
        Assert.Empty(time.RequestedDelays);
    }

    [Fact]
    public async Task AcquireAsync_StaleMtimeButLiveOwnerOfOurs_KeepsWaitingThenTimesOutClosed()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        // The holder is paused (SIGSTOP): its clock, and so its heartbeat, stands still at T0.
        var holderTime = new SignallingTimeProvider(DateTimeOffset.UtcNow.AddSeconds(-30));
        await using var holder = await RefreshLock.AcquireAsync(target, Defaults, holderTime, Ct);
        var waiterTime = new SignallingTimeProvider(DateTimeOffset.UtcNow);
        var options = new RefreshLockOptions { Timeout = TimeSpan.FromSeconds(12) };

        var error = await CaptureDrivenAsync(waiterTime, () => RefreshLock.AcquireAsync(target, options, waiterTime, Ct));

        var timeout = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.LockTimeout, timeout.Code);
        Assert.Contains($"pid {Environment.ProcessId}", timeout.Message, StringComparison.Ordinal);
        Assert.Contains(target + ".lock", timeout.Message, StringComparison.Ordinal);
        Assert.False(holder.IsLost); // never taken over
        Assert.True(waiterTime.GetUtcNow() - waiterTime.Start >= options.Timeout);
    }

    [Fact]
    public async Task AcquireAsync_StaleMtimeAndOwnerProcessDead_TakesOver()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        var holderTime = new SignallingTimeProvider(DateTimeOffset.UtcNow.AddSeconds(-30));
        var holder = await RefreshLock.AcquireAsync(target, Defaults, holderTime, Ct);
        // Rewrite the record as if a process that has since exited held the lock.
        var record = LockOwner.Read(holder.OwnerRecordPath)!;
        var dead = await DeadPidAsync();
        File.WriteAllText(holder.OwnerRecordPath, $"{dead} {record.StartTime} {record.Inode} {record.Nonce}\n");

        await using var taken = await RefreshLock.AcquireAsync(target, Defaults, TimeProvider.System, Ct);

        Assert.True(holder.IsLost);
        Assert.False(taken.IsLost);
        Assert.Equal(Environment.ProcessId, LockOwner.Read(taken.OwnerRecordPath)!.Pid);
    }

    [Fact]
    public async Task AcquireAsync_OwnerRecordOfReusedPid_TakesOver()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        var holderTime = new SignallingTimeProvider(DateTimeOffset.UtcNow.AddSeconds(-30));
        var holder = await RefreshLock.AcquireAsync(target, Defaults, holderTime, Ct);
        var record = LockOwner.Read(holder.OwnerRecordPath)!;
        // Same pid, another start time: the pid was reused by an unrelated process.
        File.WriteAllText(holder.OwnerRecordPath, $"{record.Pid} {record.StartTime + 1} {record.Inode} {record.Nonce}\n");

        await using var taken = await RefreshLock.AcquireAsync(target, Defaults, TimeProvider.System, Ct);

        Assert.True(holder.IsLost);
    }

    [Fact]
    public async Task AcquireAsync_RecordOfAnotherFolderBesideNodeLeftLock_MtimeRules()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        Directory.CreateDirectory(home.Home.OAuthDir);
        File.WriteAllBytes(target, []);
        // A Node client died holding the lock (no record of its own); a record of a live process of ours for an
        // earlier folder is still beside it.
        Directory.CreateDirectory(target + ".lock");
        var inode = LockOwner.InodeOf(target + ".lock")!.Value;
        var self = LockOwner.ForThisProcess(inode + 1)!;
        self.Write(LockOwner.PathFor(target + ".lock"));
        Directory.SetLastWriteTimeUtc(target + ".lock", DateTime.UtcNow.AddSeconds(-10));

        await using var taken = await RefreshLock.AcquireAsync(target, Defaults, TimeProvider.System, Ct);

        Assert.False(taken.IsLost);
    }

    [Fact]
    public async Task AcquireAsync_Held_RecordIsBesideTheFolderWhichStaysEmptyForNodesRmdir()
    {
        using var home = new TempHome();
        var target = home.LockTarget();

        var held = await RefreshLock.AcquireAsync(target, Defaults, TimeProvider.System, Ct);

        Assert.Empty(Directory.GetFileSystemEntries(target + ".lock"));
        Assert.Equal(target + ".lock-owner", held.OwnerRecordPath);
        var record = LockOwner.Read(held.OwnerRecordPath)!;
        Assert.Equal(Environment.ProcessId, record.Pid);
        Assert.Equal(LockOwner.InodeOf(target + ".lock"), record.Inode);
        Assert.True(record.IsAlive);
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(held.OwnerRecordPath));

        await held.DisposeAsync();
        Assert.Equal([target], Directory.GetFileSystemEntries(home.Home.OAuthDir));
    }

    [Fact]
    public async Task AcquireAsync_OAuthFolderNotWritable_OneLinePermissionDeniedNamingTheFix()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        Directory.CreateDirectory(home.Home.OAuthDir);
        File.WriteAllBytes(target, []);
        using var denied = WriteDenial.Apply(home.Home.OAuthDir);

        var error = await Record.ExceptionAsync(() => RefreshLock.AcquireAsync(target, Defaults, TimeProvider.System, Ct));

        if (denied.Enforced)
        {
            var failed = Assert.IsType<AuthException>(error);
            Assert.Equal(AuthErrorCodes.PermissionDenied, failed.Code);
            Assert.Equal($"Cannot create the refresh lock in {home.Home.OAuthDir} (permission denied). Give yourself access, then retry: chmod u+rwx '{home.Home.OAuthDir}'", failed.Message);
            Assert.DoesNotContain('\n', failed.Message);
        }
        else
        {
            Assert.Null(error);
        }
    }

    private static async Task<int> DeadPidAsync()
    {
        using var process = Process.Start(new ProcessStartInfo("true") { UseShellExecute = false })!;
        await process.WaitForExitAsync(Ct);
        return process.Id;
    }
}

/// <summary>
/// Makes a folder refuse new entries: chmod for an ordinary user; for root (whom chmod does not bind) the immutable
/// attribute where the file system supports it. <see cref="Enforced"/> says whether the refusal really holds.
/// </summary>
internal sealed class WriteDenial : IDisposable
{
    private readonly string _folder;
    private readonly bool _immutable;

    private WriteDenial(string folder, bool immutable, bool enforced)
    {
        _folder = folder;
        _immutable = immutable;
        Enforced = enforced;
    }

    public bool Enforced { get; }

    public static WriteDenial Apply(string folder)
    {
        var immutable = Environment.UserName == "root" && Run("chattr", "+i", folder);
        if (!immutable)
        {
            File.SetUnixFileMode(folder, UnixFileMode.UserRead | UnixFileMode.UserExecute);
        }

        return new WriteDenial(folder, immutable, !FolderProbe.CanCreateFileIn(folder));
    }

    public void Dispose()
    {
        if (_immutable)
        {
            Run("chattr", "-i", _folder);
        }

        File.SetUnixFileMode(_folder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
    }

    private static bool Run(string file, params string[] args)
    {
        try
        {
            var info = new ProcessStartInfo(file) { UseShellExecute = false, RedirectStandardError = true, RedirectStandardOutput = true };
            foreach (var arg in args)
            {
                info.ArgumentList.Add(arg);
            }

            using var process = Process.Start(info)!;
            process.WaitForExit(TestTimeouts.Default);
            return process.ExitCode == 0;
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return false;
        }
    }
}
