using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Protocol;
using Microsoft.Extensions.Time.Testing;
using static KimiCode.Auth.Tests.Emulator.EmulatorAuthHarness;

namespace KimiCode.Auth.Tests.Emulator;

/// <summary>The refresh lock around real refreshes: dead holders are taken over, live ones are never bypassed.</summary>
public sealed class RefreshLockAgainstEmulatorTests
{
    /// <summary>Timeout longer than StaleAfter, so only the holder's heartbeat keeps its lock from looking dead.</summary>
    private static readonly RefreshLockOptions ShortTimeout = new()
    {
        HeartbeatInterval = TimeSpan.FromSeconds(2.5),
        StaleAfter = TimeSpan.FromSeconds(5),
        RetryMin = TimeSpan.FromSeconds(0.5),
        RetryMax = TimeSpan.FromSeconds(1),
        Timeout = TimeSpan.FromSeconds(12),
    };

    [Fact]
    public async Task GetAccessTokenAsync_StaleLockLeftByDeadProcess_TakesItOverAndRefreshes()
    {
        var time = new FakeTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        // A process died mid-refresh: its lock folder is still there, last touched 10 s ago.
        Directory.CreateDirectory(h.LockDirectory);
        File.WriteAllBytes(h.LockTarget, []);
        Directory.SetLastWriteTimeUtc(h.LockDirectory, time.GetUtcNow().UtcDateTime - TimeSpan.FromSeconds(10));

        var token = await h.CreateSource().GetAccessTokenAsync(Ct);

        Assert.NotEqual(old.AccessToken, token);
        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
        // The dead lock is gone, ours is released, nothing renamed aside is left over.
        Assert.Equal([h.LockTarget], Directory.GetFileSystemEntries(h.Home.Home.OAuthDir));
    }

    [Fact]
    public async Task GetAccessTokenAsync_LiveHolderNeverReleases_FailsClosedWithoutRefreshing()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120)); // expired: nothing usable to fall back on
        var before = File.ReadAllBytes(h.CredentialPath);
        // Another process holds the lock and stays alive (its heartbeat keeps the folder fresh) but never finishes.
        await using var holder = await RefreshLock.AcquireAsync(h.LockTarget, ShortTimeout, time, Ct);
        using var driving = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var driver = time.DriveAsync(driving.Token);
        var waitStarted = time.GetUtcNow();

        var error = await Record.ExceptionAsync(() => h.CreateSource(ShortTimeout).GetAccessTokenAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct));
        await driving.CancelAsync();
        await driver;

        var timeout = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.LockTimeout, timeout.Code);
        Assert.Equal(
            $"Timed out after 12 s: another kimi process holds {h.LockDirectory} (refreshing the login); if no other kimi or kimi-code is running, delete that folder and retry.",
            timeout.Message);
        Assert.Empty(h.TokenRequests());
        Assert.Equal(0, h.State.RefreshCount);
        Assert.False(holder.IsLost); // the live holder's lock was not taken
        Assert.True(Directory.Exists(h.LockDirectory));
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        // It waited the whole timeout, past StaleAfter: only the holder's heartbeat kept the lock from being taken.
        Assert.True(time.GetUtcNow() - waitStarted >= ShortTimeout.Timeout);
        AssertNoSecrets(timeout, old.AccessToken, old.RefreshToken);
    }

    [Fact]
    public async Task GetAccessTokenAsync_LockTimeoutButTokenNotExpired_UsesStoredTokenWithoutRefreshing()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = h.LogIn(TimeSpan.FromSeconds(900));
        time.Advance(TimeSpan.FromSeconds(600)); // due for refresh, but 300 s of life left
        await using var holder = await RefreshLock.AcquireAsync(h.LockTarget, ShortTimeout, time, Ct);
        using var driving = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var driver = time.DriveAsync(driving.Token);

        var token = await h.CreateSource(ShortTimeout).GetAccessTokenAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);
        await driving.CancelAsync();
        await driver;

        Assert.Equal(old.AccessToken, token);
        Assert.Empty(h.TokenRequests());
        Assert.False(holder.IsLost);
    }
}
