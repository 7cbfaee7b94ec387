using System.Net;
using System.Text.Json;
using KimiCode.Protocol;
using Microsoft.Extensions.Time.Testing;
using static KimiCode.Auth.Tests.Emulator.EmulatorAuthHarness;

namespace KimiCode.Auth.Tests.Emulator;

/// <summary><see cref="OAuthTokenSource"/> against the emulator's single-use, rotating refresh tokens.</summary>
public sealed class RefreshAgainstEmulatorTests
{
    [Fact]
    public async Task GetAccessTokenAsync_CrossesHalfLife_RotatesPairStoresItAndOldRefreshTokenIsDead()
    {
        var time = new FakeTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = h.LogIn(TimeSpan.FromSeconds(900));
        var source = h.CreateSource();

        // 451 s left of 900: above the threshold max(300, 900 / 2) = 450, so no refresh yet.
        time.Advance(TimeSpan.FromSeconds(449));
        Assert.Equal(old.AccessToken, await source.GetAccessTokenAsync(Ct));
        Assert.Empty(h.TokenRequests());

        // 449 s left: below the threshold.
        time.Advance(TimeSpan.FromSeconds(2));
        var token = await source.GetAccessTokenAsync(Ct);

        Assert.NotEqual(old.AccessToken, token);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
        var stored = h.Store.Read(h.Slot)!;
        Assert.Equal(token, stored.AccessToken);
        Assert.NotEqual(old.RefreshToken, stored.RefreshToken);
        Assert.Equal(time.GetUtcNow().ToUnixTimeSeconds() + 900, stored.ExpiresAt);
        Assert.Equal(900, stored.ExpiresIn);
        Assert.Equal(HttpStatusCode.OK, await h.ModelsStatusAsync(token));
        var refresh = Assert.Single(h.TokenRequests());
        Assert.Contains("grant_type=refresh_token", refresh.Body, StringComparison.Ordinal);
        Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries());
        Assert.False(Directory.Exists(h.LockDirectory)); // lock released
        Assert.True(File.Exists(h.LockTarget));

        // The old refresh token was spent by that rotation: presenting it again is a reuse the server rejects.
        var reuse = await Assert.ThrowsAsync<OAuthException>(() => h.CreateClient().RefreshAsync(old.RefreshToken, Ct));
        Assert.Equal(OAuthErrorKind.InvalidGrant, reuse.Kind);
        Assert.Equal(401, reuse.StatusCode);
        Assert.Equal(1, h.State.RefreshReuseCount);

        // The new pair still works and rotates again.
        time.Advance(TimeSpan.FromSeconds(451));
        var third = await source.GetAccessTokenAsync(Ct);
        Assert.NotEqual(token, third);
        Assert.Equal(2, h.State.RefreshCount);
        Assert.Equal(1, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_SixteenProcessesAtOnce_OneRefreshAndAllGetTheSameToken()
    {
        // Real clock: the waiters really retry the lock while the winner refreshes over HTTP.
        await using var h = await StartAsync(TimeProvider.System);
        var old = h.LogIn(TimeSpan.FromSeconds(100)); // 100 s left < 300 s: everyone wants a refresh
        var sources = Enumerable.Range(0, 16).Select(_ => h.CreateSource(FastLock)).ToArray();
        var go = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);

        var calls = sources.Select(s => Task.Run(async () =>
        {
            await go.Task;
            return await s.GetAccessTokenAsync(Ct);
        })).ToArray();
        go.SetResult();
        var tokens = await Task.WhenAll(calls).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
        Assert.Single(h.TokenRequests());
        var token = Assert.Single(tokens.Distinct());
        Assert.NotEqual(old.AccessToken, token);
        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.Equal(HttpStatusCode.OK, await h.ModelsStatusAsync(token));
        Assert.Equal([h.LockTarget], Directory.GetFileSystemEntries(h.Home.Home.OAuthDir));
        Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries());
    }

    [Fact]
    public async Task GetAccessTokenAsync_PeerRotatedSinceWeRead_AdoptsFileWithoutRefreshing()
    {
        var time = new FakeTimeProvider(Start);
        await using var h = await StartAsync(time);
        h.LogIn(TimeSpan.FromSeconds(900));
        var us = h.CreateSource();
        var peer = h.CreateSource();
        var first = await us.GetAccessTokenAsync(Ct); // fresh: read and kept in memory

        time.Advance(TimeSpan.FromSeconds(500));
        var peerToken = await peer.GetAccessTokenAsync(Ct); // the other process refreshes first
        Assert.NotEqual(first, peerToken);
        Assert.Equal(1, h.State.RefreshCount);

        // Our in-memory copy is due; under the lock the file shows the peer's new pair, so no request is sent.
        var ours = await us.GetAccessTokenAsync(Ct);

        Assert.Equal(peerToken, ours);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
        Assert.Single(h.TokenRequests());
    }

    [Fact]
    public async Task GetAccessTokenAsync_LockIgnoringPeerRotatesDuringOurRefresh_RereadsAndAdoptsItsPair()
    {
        var time = new FakeTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = h.LogIn(TimeSpan.FromSeconds(900));
        time.Advance(TimeSpan.FromSeconds(600));
        OAuthCredential? peerPair = null;
        var interceptor = new TokenEndpointInterceptor
        {
            // Just before our refresh reaches the server, a client that ignores the lock rotates the same
            // refresh token and saves its pair: our request now presents a used token.
            BeforeForward = async ct =>
            {
                if (peerPair is null)
                {
                    peerPair = await h.CreateClient().RefreshAsync(old.RefreshToken, ct);
                    h.Store.Write(h.Slot, peerPair);
                }
            },
        };

        var token = await h.CreateSource(handler: interceptor).GetAccessTokenAsync(Ct);

        Assert.NotNull(peerPair);
        Assert.Equal(peerPair.AccessToken, token);
        Assert.Equal(peerPair, h.Store.Read(h.Slot)); // not a tombstone
        Assert.Equal([200, 401], h.TokenStatuses());
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(1, h.State.RefreshReuseCount); // the peer's doing, not ours to avoid
    }

    [Fact]
    public async Task GetAccessTokenAsync_RefreshTokenDead_WritesTombstoneAndSaysRunKimiLogin()
    {
        var time = new FakeTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        // The pair was rotated somewhere whose result never reached this file (a crashed peer): our refresh token is dead.
        var elsewhere = await h.CreateClient().RefreshAsync(old.RefreshToken, Ct);

        var error = await Assert.ThrowsAsync<AuthException>(() => h.CreateSource().GetAccessTokenAsync(Ct).AsTask());

        Assert.Equal(AuthErrorCodes.LoginRequired, error.Code);
        Assert.Equal("Your Kimi Code session has ended (the refresh token was rejected). Run `kimi login` to sign in again.", error.Message);
        Assert.Equal([200, 401], h.TokenStatuses()); // one attempt, no retries for a rejected token
        using (var json = JsonDocument.Parse(File.ReadAllBytes(h.CredentialPath)))
        {
            var root = json.RootElement;
            Assert.Equal(string.Empty, root.GetProperty("access_token").GetString());
            Assert.Equal(string.Empty, root.GetProperty("refresh_token").GetString());
            Assert.Equal(0, root.GetProperty("expires_at").GetDouble());
        }

        Assert.True(h.Store.Read(h.Slot)!.IsTombstone);
        AssertNoSecrets(error, old.AccessToken, old.RefreshToken, elsewhere.AccessToken, elsewhere.RefreshToken);

        // The next process finds the tombstone and asks for a login without calling the server.
        var next = await Assert.ThrowsAsync<AuthException>(() => h.CreateSource().GetAccessTokenAsync(Ct).AsTask());
        Assert.Equal(AuthErrorCodes.LoginRequired, next.Code);
        Assert.Equal($"Not logged in to Kimi Code (no usable credential in {h.CredentialPath}). Run `kimi login`.", next.Message);
        Assert.Equal(2, h.TokenRequests().Length);
    }

    [Fact]
    public async Task RefreshAfterUnauthorizedAsync_TokenRejectedByApi_ForcesOneRotation()
    {
        var time = new FakeTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = h.LogIn(TimeSpan.FromSeconds(900));
        var source = h.CreateSource();
        Assert.Equal(old.AccessToken, await source.GetAccessTokenAsync(Ct)); // fresh: no refresh

        var fresh = await source.RefreshAfterUnauthorizedAsync(old.AccessToken, Ct);

        Assert.NotNull(fresh);
        Assert.NotEqual(old.AccessToken, fresh);
        Assert.Equal(fresh, h.Store.Read(h.Slot)!.AccessToken);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(HttpStatusCode.OK, await h.ModelsStatusAsync(fresh));
        Assert.Equal(fresh, await source.GetAccessTokenAsync(Ct));
        Assert.Equal(1, h.State.RefreshCount);
    }
}
