using System.Net;
using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Protocol;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Auth.Tests;

public sealed class OAuthTokenSourceTests
{
    private const string Slot = CredentialSlot.DefaultName;
    private static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    /// <summary>Real-time lock retries kept short so contention tests stay fast.</summary>
    private static readonly RefreshLockOptions FastLock = new()
    {
        RetryMin = TimeSpan.FromMilliseconds(10),
        RetryMax = TimeSpan.FromMilliseconds(30),
        Timeout = TestTimeouts.Default,
    };

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    private static OAuthTokenSource CreateSource(TempHome home, FakeOAuthServer server, TimeProvider time, RefreshLockOptions? lockOptions = null)
        => new(home.Store, Slot, home.LockTarget(Slot), server.CreateOAuthClient(), time, lockOptions);

    /// <summary>Logs in at the server and stores the pair, as `kimi login` would.</summary>
    private static OAuthCredential LogIn(TempHome home, FakeOAuthServer server, TimeSpan lifetime)
    {
        var credential = server.Issue(lifetime);
        home.Store.Write(Slot, credential);
        return credential;
    }

    [Fact]
    public async Task GetAccessTokenAsync_FreshToken_ReturnsItWithoutRefreshing()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var stored = LogIn(home, server, TimeSpan.FromSeconds(900));

        var token = await CreateSource(home, server, time).GetAccessTokenAsync(Ct);

        Assert.Equal(stored.AccessToken, token);
        Assert.Equal(0, server.RefreshRequests);
        Assert.False(Directory.Exists(home.LockTarget(Slot) + ".lock"));
    }

    [Fact]
    public async Task GetAccessTokenAsync_NearExpiry_RefreshesAndWritesNewPair()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var stored = LogIn(home, server, TimeSpan.FromSeconds(100));

        var token = await CreateSource(home, server, time).GetAccessTokenAsync(Ct);

        var onDisk = home.Store.Read(Slot)!;
        Assert.Equal(onDisk.AccessToken, token);
        Assert.NotEqual(stored.AccessToken, token);
        Assert.NotEqual(stored.RefreshToken, onDisk.RefreshToken);
        Assert.Equal(Start.ToUnixTimeSeconds() + 900, onDisk.ExpiresAt);
        Assert.Equal(1, server.Rotations);
        Assert.False(Directory.Exists(home.LockTarget(Slot) + ".lock")); // released
        Assert.True(File.Exists(home.LockTarget(Slot)));
    }

    [Theory]
    [InlineData(900, 450, false)] // threshold = expires_in / 2 = 450
    [InlineData(900, 449, true)]
    [InlineData(100, 300, false)] // threshold = max(300, 50) = 300
    [InlineData(100, 299, true)]
    [InlineData(7200, 3600, false)]
    [InlineData(7200, 3599, true)]
    public async Task GetAccessTokenAsync_ThresholdBoundaries_RefreshOnlyBelowMaxOf300AndHalfLife(long expiresIn, long remaining, bool refreshes)
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var issued = server.Issue(TimeSpan.FromSeconds(remaining));
        home.Store.Write(Slot, issued with { ExpiresIn = expiresIn });

        var token = await CreateSource(home, server, time).GetAccessTokenAsync(Ct);

        Assert.Equal(refreshes ? 1 : 0, server.Rotations);
        Assert.Equal(refreshes, token != issued.AccessToken);
    }

    [Fact]
    public async Task GetAccessTokenAsync_SixteenProcessesShareOneHome_ExactlyOneRefresh()
    {
        using var home = new TempHome();
        var server = new FakeOAuthServer(TimeProvider.System) { RefreshLatency = TimeSpan.FromMilliseconds(100) };
        LogIn(home, server, TimeSpan.FromSeconds(60));
        // Each source stands for a separate process: own instance, own cache, same files.
        var sources = Enumerable.Range(0, 16).Select(_ => CreateSource(home, server, TimeProvider.System, FastLock)).ToArray();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var calls = sources.Select(s => Task.Run(async () =>
        {
            await go.Task;
            return await s.GetAccessTokenAsync(Ct);
        })).ToArray();
        go.SetResult();

        var tokens = await Task.WhenAll(calls);

        Assert.Equal(1, server.RefreshRequests);
        Assert.Equal(1, server.Rotations);
        Assert.Equal(0, server.ReusedRefreshTokens);
        Assert.Single(tokens.Distinct());
        Assert.Equal(home.Store.Read(Slot)!.AccessToken, tokens[0]);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ConcurrentCallersInOneProcess_ShareOneRefresh()
    {
        using var home = new TempHome();
        var server = new FakeOAuthServer(TimeProvider.System) { RefreshLatency = TimeSpan.FromMilliseconds(50) };
        LogIn(home, server, TimeSpan.FromSeconds(60));
        var source = CreateSource(home, server, TimeProvider.System, FastLock);

        var tokens = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => source.GetAccessTokenAsync(Ct).AsTask()));

        Assert.Equal(1, server.RefreshRequests);
        Assert.Single(tokens.Distinct());
    }

    [Fact]
    public async Task GetAccessTokenAsync_PeerRotatedWhileWaitingForLock_AdoptsWithoutCallingServer()
    {
        using var home = new TempHome();
        var server = new FakeOAuthServer(TimeProvider.System);
        LogIn(home, server, TimeSpan.FromSeconds(60));
        var source = CreateSource(home, server, TimeProvider.System, FastLock);

        // The peer holds the lock; our source reads the old pair and then waits for the lock.
        var peerLock = await RefreshLock.AcquireAsync(home.LockTarget(Slot), FastLock, TimeProvider.System, Ct);
        var ours = source.GetAccessTokenAsync(Ct).AsTask();
        var peer = await server.CreateOAuthClient().RefreshAsync(home.Store.Read(Slot)!.RefreshToken, Ct);
        home.Store.Write(Slot, peer);
        await peerLock.DisposeAsync();

        Assert.Equal(peer.AccessToken, await ours);
        Assert.Equal(1, server.RefreshRequests); // only the peer's
        Assert.Equal(0, server.ReusedRefreshTokens);
    }

    [Fact]
    public async Task GetAccessTokenAsync_RefreshTokenRejected_WritesTombstoneAndRequiresLogin()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var stored = LogIn(home, server, TimeSpan.FromSeconds(100));
        server.Issue(TimeSpan.FromSeconds(900)); // revokes the stored refresh token server-side
        var source = CreateSource(home, server, time);

        var error = await Assert.ThrowsAsync<AuthException>(() => source.GetAccessTokenAsync(Ct).AsTask());

        Assert.Equal(AuthErrorCodes.LoginRequired, error.Code);
        Assert.Equal("Your Kimi Code session has ended (the refresh token was rejected). Run `kimi login` to sign in again.", error.Message);
        Assert.True(home.Store.Read(Slot)!.IsTombstone);
        Assert.Equal(1, server.RefreshRequests);

        var again = await Assert.ThrowsAsync<AuthException>(() => source.GetAccessTokenAsync(Ct).AsTask());
        Assert.Equal(AuthErrorCodes.LoginRequired, again.Code);
        Assert.Equal(1, server.RefreshRequests); // a tombstone is not refreshed again
        Assert.DoesNotContain(stored.RefreshToken, error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetAccessTokenAsync_RejectedButFileChangedMeanwhile_AdoptsPeersPair()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        LogIn(home, server, TimeSpan.FromSeconds(100));
        OAuthCredential? peers = null;
        // A peer that ignores the lock logs in again just as our refresh reaches the server.
        server.OnRefresh = () =>
        {
            if (peers is null)
            {
                peers = server.Issue(TimeSpan.FromSeconds(900));
                home.Store.Write(Slot, peers);
            }
        };

        var token = await CreateSource(home, server, time).GetAccessTokenAsync(Ct);

        Assert.Equal(peers!.AccessToken, token);
        Assert.False(home.Store.Read(Slot)!.IsTombstone);
        Assert.Equal(peers, home.Store.Read(Slot));
    }

    [Fact]
    public async Task GetAccessTokenAsync_TwoTransientFailuresThenSuccess_RetriesAfterOneThenTwoSeconds()
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        LogIn(home, server, TimeSpan.FromSeconds(-10)); // already expired: no fallback possible
        server.RefreshFailures.Enqueue(() => new HttpResponseMessage(HttpStatusCode.InternalServerError));
        server.RefreshFailures.Enqueue(() => new HttpResponseMessage(HttpStatusCode.ServiceUnavailable));
        var source = CreateSource(home, server, time);

        var call = source.GetAccessTokenAsync(Ct).AsTask();
        var first = await time.NextDelayAsync(Ct);
        time.Advance(first);
        var second = await time.NextDelayAsync(Ct);
        time.Advance(second);
        var token = await call;

        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], new[] { first, second });
        Assert.Equal(3, server.RefreshRequests);
        Assert.Equal(home.Store.Read(Slot)!.AccessToken, token);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ThreeTransientFailuresWithExpiredToken_ThrowsRefreshFailedAndKeepsFile()
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        LogIn(home, server, TimeSpan.FromSeconds(-10));
        var before = File.ReadAllBytes(home.Store.PathFor(Slot));
        for (var i = 0; i < 3; i++)
        {
            server.RefreshFailures.Enqueue(() => new HttpResponseMessage(HttpStatusCode.BadGateway) { Content = new StringContent("<html>bad gateway</html>") });
        }

        using var driving = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var driver = time.DriveAsync(driving.Token);
        var error = await Assert.ThrowsAsync<AuthException>(() => CreateSource(home, server, time).GetAccessTokenAsync(Ct).AsTask());
        await driving.CancelAsync();
        await driver;

        Assert.Equal(AuthErrorCodes.RefreshFailed, error.Code);
        Assert.Contains("try again", error.Message, StringComparison.Ordinal);
        Assert.Equal(3, server.RefreshRequests);
        Assert.Equal(before, File.ReadAllBytes(home.Store.PathFor(Slot)));
        Assert.False(Directory.Exists(home.LockTarget(Slot) + ".lock"));
    }

    [Fact]
    public async Task GetAccessTokenAsync_TransientFailureButTokenStillValid_UsesItAtOnceAndPausesEarlyRefresh()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var stored = LogIn(home, server, TimeSpan.FromSeconds(200)); // inside the threshold, not expired
        for (var i = 0; i < 3; i++)
        {
            server.RefreshFailures.Enqueue(() => new HttpResponseMessage(HttpStatusCode.TooManyRequests));
        }

        var source = CreateSource(home, server, time);

        // No retry wait: the still-valid token carries the call (a FakeTimeProvider never fires a delay, so a retry hangs).
        Assert.Equal(stored.AccessToken, await source.GetAccessTokenAsync(Ct));
        Assert.Equal(1, server.RefreshRequests);

        // The next model calls of the turn use it too, without waiting for the endpoint again.
        time.Advance(OAuthTokenSource.EarlyRefreshPause - TimeSpan.FromSeconds(1));
        Assert.Equal(stored.AccessToken, await source.GetAccessTokenAsync(Ct));
        Assert.Equal(1, server.RefreshRequests);

        // After the pause the early refresh is tried again.
        time.Advance(TimeSpan.FromSeconds(2));
        Assert.Equal(stored.AccessToken, await source.GetAccessTokenAsync(Ct));
        Assert.Equal(2, server.RefreshRequests);
        Assert.Equal(stored, home.Store.Read(Slot));
    }

    [Fact]
    public async Task RefreshAfterUnauthorizedAsync_CurrentTokenRejected_ForcesOneRefresh()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var stored = LogIn(home, server, TimeSpan.FromSeconds(900));
        var source = CreateSource(home, server, time);
        var rejected = await source.GetAccessTokenAsync(Ct);

        var retry = await source.RefreshAfterUnauthorizedAsync(rejected, Ct);

        Assert.NotNull(retry);
        Assert.NotEqual(stored.AccessToken, retry);
        Assert.Equal(1, server.Rotations);
        Assert.Equal(retry, await source.GetAccessTokenAsync(Ct));
        Assert.Equal(home.Store.Read(Slot)!.AccessToken, retry);
        Assert.Equal(1, server.RefreshRequests);
    }

    [Fact]
    public async Task RefreshAfterUnauthorizedAsync_PeerAlreadyReplacedToken_ReturnsStoredWithoutRefresh()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var old = LogIn(home, server, TimeSpan.FromSeconds(900));
        var source = CreateSource(home, server, time);
        Assert.Equal(old.AccessToken, await source.GetAccessTokenAsync(Ct));
        var peers = LogIn(home, server, TimeSpan.FromSeconds(900));

        var retry = await source.RefreshAfterUnauthorizedAsync(old.AccessToken, Ct);

        Assert.Equal(peers.AccessToken, retry);
        Assert.Equal(0, server.RefreshRequests);
    }

    [Fact]
    public async Task GetAccessTokenAsync_NoCredentialFile_ThrowsLoginRequiredNamingPath()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);

        var error = await Assert.ThrowsAsync<AuthException>(() => CreateSource(home, server, time).GetAccessTokenAsync(Ct).AsTask());

        Assert.Equal(AuthErrorCodes.LoginRequired, error.Code);
        Assert.Equal($"Not logged in to Kimi Code (no usable credential in {home.Store.PathFor(Slot)}). Run `kimi login`.", error.Message);
    }

    [Fact]
    public async Task GetAccessTokenAsync_GarbageRefreshAnswer_ThrowsProtocolAndKeepsFile()
    {
        using var home = new TempHome();
        var time = new FakeTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var stored = LogIn(home, server, TimeSpan.FromSeconds(-1));
        server.RefreshFailures.Enqueue(() => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("<html>captive portal</html>") });

        var error = await Assert.ThrowsAsync<OAuthException>(() => CreateSource(home, server, time).GetAccessTokenAsync(Ct).AsTask());

        Assert.Equal(OAuthErrorKind.Protocol, error.Kind);
        Assert.Equal(stored, home.Store.Read(Slot));
    }

    [Fact]
    public async Task GetAccessTokenAsync_Cancelled_ThrowsOperationCanceledWithoutBreakingTheSharedRefresh()
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        LogIn(home, server, TimeSpan.FromSeconds(-1));
        server.RefreshFailures.Enqueue(() => new HttpResponseMessage(HttpStatusCode.InternalServerError));
        var source = CreateSource(home, server, time);
        using var cts = new CancellationTokenSource();

        var cancelled = source.GetAccessTokenAsync(cts.Token).AsTask();
        var patient = source.GetAccessTokenAsync(Ct).AsTask();
        var wait = await time.NextDelayAsync(Ct); // the shared refresh is waiting to retry
        await cts.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => cancelled);
        time.Advance(wait);

        Assert.Equal(home.Store.Read(Slot)!.AccessToken, await patient);
        Assert.Equal(2, server.RefreshRequests);
    }
    [Theory]
    [InlineData(200, true)]  // inside the threshold but not expired: usable while the lock is stuck
    [InlineData(-5, false)]  // expired: nothing safe to return
    public async Task GetAccessTokenAsync_LockHeldPastTimeout_UsesStillValidTokenOrThrowsLockTimeout(long remaining, bool usable)
    {
        using var home = new TempHome();
        var time = new SignallingTimeProvider(Start);
        var server = new FakeOAuthServer(time);
        var stored = LogIn(home, server, TimeSpan.FromSeconds(remaining));
        await using var stuck = await RefreshLock.AcquireAsync(home.LockTarget(Slot), new RefreshLockOptions(), time, Ct);

        using var driving = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        var driver = time.DriveAsync(driving.Token);
        var outcome = await Record.ExceptionAsync(async () => Assert.Equal(stored.AccessToken, await CreateSource(home, server, time).GetAccessTokenAsync(Ct)));
        await driving.CancelAsync();
        await driver;

        if (usable)
        {
            Assert.Null(outcome);
        }
        else
        {
            Assert.Equal(AuthErrorCodes.LockTimeout, Assert.IsType<AuthException>(outcome).Code);
        }

        Assert.Equal(0, server.RefreshRequests); // never refreshed without the lock
        Assert.True(time.GetUtcNow() - Start >= TimeSpan.FromSeconds(60));
    }
}
