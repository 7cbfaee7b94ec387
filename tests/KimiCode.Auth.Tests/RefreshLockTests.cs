using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Protocol;

namespace KimiCode.Auth.Tests;

public sealed class RefreshLockTests
{
    private static readonly RefreshLockOptions Defaults = new();

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task AcquireAsync_FreeLock_CreatesTargetAndOwnerOnlyLockFolderThenDisposeRemovesIt()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        var held = await RefreshLock.AcquireAsync(target, Defaults, TimeProvider.System, Ct);
        Assert.True(File.Exists(target));
        Assert.Equal(0, new FileInfo(target).Length);
        Assert.True(Directory.Exists(target + ".lock"));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(target + ".lock"));
        Assert.False(held.IsLost);
        await held.DisposeAsync();
        Assert.False(Directory.Exists(target + ".lock"));
        Assert.True(File.Exists(target));
    }

    [Fact]
    public async Task AcquireAsync_HeldByAnother_WaitsUntilFirstDisposes()
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(DateTimeOffset.UtcNow);
        var target = home.LockTarget();
        var first = await RefreshLock.AcquireAsync(target, Defaults, time, Ct);

        var second = RefreshLock.AcquireAsync(target, Defaults, time, Ct);
        var wait = await time.NextDelayAsync(Ct); // the second tried, failed, and is waiting
        Assert.InRange(wait, Defaults.RetryMin, Defaults.RetryMax);
        Assert.False(second.IsCompleted);

        time.Advance(wait);
        wait = await time.NextDelayAsync(Ct); // tried again, still excluded
        Assert.False(second.IsCompleted);

        await first.DisposeAsync();
        time.Advance(wait);
        await using var acquired = await second;
        Assert.True(Directory.Exists(target + ".lock"));
        Assert.False(acquired.IsLost);
    }

    [Fact]
    public async Task AcquireAsync_StaleLockFolder_IsTakenOver()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        Directory.CreateDirectory(target + ".lock");
        Directory.SetLastWriteTimeUtc(target + ".lock", DateTime.UtcNow.AddSeconds(-10));

        await using var held = await RefreshLock.AcquireAsync(target, Defaults, TimeProvider.System, Ct);
        Assert.False(held.IsLost);
        Assert.True(DateTime.UtcNow - Directory.GetLastWriteTimeUtc(target + ".lock") < TimeSpan.FromSeconds(5));
        Assert.Empty(Directory.GetDirectories(home.Home.OAuthDir, "*.stale-*"));
    }

    [Fact]
    public async Task AcquireAsync_LiveHolderWithHeartbeat_IsNotStolen()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        var options = new RefreshLockOptions
        {
            HeartbeatInterval = TimeSpan.FromMilliseconds(100),
            StaleAfter = TimeSpan.FromMilliseconds(500),
            RetryMin = TimeSpan.FromMilliseconds(20),
            RetryMax = TimeSpan.FromMilliseconds(50),
            Timeout = TimeSpan.FromSeconds(20),
        };
        var first = await RefreshLock.AcquireAsync(target, options, TimeProvider.System, Ct);
        var second = RefreshLock.AcquireAsync(target, options, TimeProvider.System, Ct);

        // Held three times longer than StaleAfter: only the heartbeat keeps the waiter out.
        await Task.Delay(TimeSpan.FromMilliseconds(1500), Ct);
        Assert.False(second.IsCompleted);
        Assert.False(first.IsLost);

        await first.DisposeAsync();
        await using var acquired = await second;
        Assert.False(acquired.IsLost);
    }

    [Fact]
    public async Task AcquireAsync_HeldPastTimeout_ThrowsLockTimeoutNamingTheFolder()
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(DateTimeOffset.UtcNow);
        var target = home.LockTarget();
        await using var first = await RefreshLock.AcquireAsync(target, Defaults, time, Ct);

        using var driving = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var driver = time.DriveAsync(driving.Token);
        var error = await Assert.ThrowsAsync<AuthException>(() => RefreshLock.AcquireAsync(target, Defaults, time, Ct));
        await driving.CancelAsync();
        await driver;

        Assert.Equal(AuthErrorCodes.LockTimeout, error.Code);
        Assert.Contains(target + ".lock", error.Message, StringComparison.Ordinal);
        Assert.Contains("delete that folder", error.Message, StringComparison.Ordinal);
        // 60 s of fake time passed; the holder's heartbeat kept its lock fresh throughout.
        Assert.True(time.GetUtcNow() - time.Start >= Defaults.Timeout);
        Assert.False(first.IsLost);
        Assert.True(Directory.Exists(target + ".lock"));
    }

    [Fact]
    public async Task DisposeAsync_LockReplacedByPeer_LeavesPeersFolder()
    {
        using var home = new TempHome();
        var target = home.LockTarget();
        var held = await RefreshLock.AcquireAsync(target, Defaults, TimeProvider.System, Ct);

        // A peer judged us stale, removed our folder and created its own.
        Directory.Delete(target + ".lock");
        Directory.CreateDirectory(target + ".lock");
        Directory.SetLastWriteTimeUtc(target + ".lock", DateTime.UtcNow.AddSeconds(1));

        Assert.True(held.IsLost);
        await held.DisposeAsync();
        Assert.True(Directory.Exists(target + ".lock"));
    }

    [Fact]
    public async Task AcquireAsync_Cancelled_ThrowsOperationCanceled()
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(DateTimeOffset.UtcNow);
        var target = home.LockTarget();
        await using var first = await RefreshLock.AcquireAsync(target, Defaults, time, Ct);
        using var cts = new CancellationTokenSource();
        var second = RefreshLock.AcquireAsync(target, Defaults, time, cts.Token);
        await time.NextDelayAsync(Ct);
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => second);
    }
}
