using System.Net;
using System.Text;
using System.Text.Json;
using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Emulator;
using static KimiCode.Auth.Tests.Emulator.EmulatorAuthHarness;

namespace KimiCode.Auth.Tests.Emulator;

/// <summary>
/// A login is only ever ended by the OAuth server's own JSON word; proxies, timeouts and kills never cost it, and a
/// still-valid access token keeps working while a refresh fails.
/// </summary>
public sealed class LoginKeptAgainstEmulatorTests
{
    private static Task<Exception?> CaptureDrivenAsync(SignallingTimeProvider time, Func<Task> action) => time.CaptureDrivenAsync(action, Ct);

    [Fact]
    public async Task GetAccessTokenAsync_ProxyHtml401With120sLeft_UsesAccessTokenAndFileByteIdentical()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(900));
        time.Advance(TimeSpan.FromSeconds(780)); // 120 s left: due for a refresh, still valid
        var before = File.ReadAllBytes(h.CredentialPath);
        h.State.InjectFault(new EmulatorFault { Target = "token", Count = 1, Status = 401, Body = "<html><body><h1>401 Authorization Required</h1><hr>nginx</body></html>" });
        var source = h.CreateSource();
        string? token = null;

        var error = await CaptureDrivenAsync(time, async () => token = await source.GetAccessTokenAsync(Ct));

        Assert.Null(error);
        Assert.Equal(stored.AccessToken, token);
        Assert.Equal([401], h.TokenStatuses()); // one try: the still-valid token carries on at once
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries());
        Assert.Equal(HttpStatusCode.OK, await h.ModelsStatusAsync(token!));

        // The refresh token never died: once the proxy is gone it rotates normally, nothing replayed.
        time.Advance(TimeSpan.FromSeconds(200));
        var fresh = await h.CreateSource().GetAccessTokenAsync(Ct);
        Assert.NotEqual(stored.AccessToken, fresh);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ProxyTextHtml403WithExpiredToken_RefreshFailedNotLoginRequired()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        var before = File.ReadAllBytes(h.CredentialPath);
        var proxy = new ProxyAnswers(() => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("<!DOCTYPE html><html><title>Access denied</title><body>Blocked by corporate proxy</body></html>", Encoding.UTF8, "text/html"),
        });

        var error = await CaptureDrivenAsync(time, () => h.CreateSource(handler: proxy).GetAccessTokenAsync(Ct).AsTask());

        var failed = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.RefreshFailed, failed.Code);
        Assert.True(failed.IsRetryable);
        Assert.Equal(
            $"Could not refresh the Kimi Code login after 3 tries: {h.Emulator.BaseUrl} answered HTTP 403 with an HTML page, not an OAuth error (a proxy in between?). Your login is kept; try again in a minute.",
            failed.Message);
        Assert.Equal(3, proxy.Answered);
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        AssertNoSecrets(failed, stored.AccessToken, stored.RefreshToken);

        var token = await h.CreateSource().GetAccessTokenAsync(Ct);
        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_JsonInvalidGrant_LoginDeclaredDeadAsBefore()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(900));
        time.Advance(TimeSpan.FromSeconds(780));
        h.State.InjectFault(new EmulatorFault { Target = "token", Status = 401, Body = "{\"error\":\"invalid_grant\",\"error_description\":\"revoked\"}" });

        var error = await Assert.ThrowsAsync<AuthException>(() => h.CreateSource().GetAccessTokenAsync(Ct).AsTask());

        Assert.Equal(AuthErrorCodes.LoginRequired, error.Code);
        Assert.Equal("Your Kimi Code session has ended (the refresh token was rejected). Run `kimi login` to sign in again.", error.Message);
        Assert.True(h.Store.Read(h.Slot)!.IsTombstone);
        Assert.Single(h.TokenRequests());
        AssertNoSecrets(error, stored.AccessToken, stored.RefreshToken);
    }

    [Fact]
    public async Task GetAccessTokenAsync_TokenEndpointTimesOutWithExpiredToken_RefreshFailedAndRefreshTokenStillUsable()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        var before = File.ReadAllBytes(h.CredentialPath);
        h.State.InjectFault(new EmulatorFault { Target = "token", Count = 3, LatencyMs = (int)TestTimeouts.Default.TotalMilliseconds, Status = 200 });
        using var http = new HttpClient { Timeout = Timeout.InfiniteTimeSpan };
        var client = new OAuthClient(http, h.Emulator.BaseUrl, h.Headers, time) { RequestTimeout = TimeSpan.FromSeconds(0.3) };
        var source = new OAuthTokenSource(h.Store, h.Slot, h.LockTarget, client, time);

        var error = await CaptureDrivenAsync(time, () => source.GetAccessTokenAsync(Ct).AsTask());

        var failed = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.RefreshFailed, failed.Code);
        Assert.Equal(
            $"Could not refresh the Kimi Code login after 3 tries: no answer from {h.Emulator.BaseUrl} within 0.3 s ([network] token_timeout_s). Your login is kept; try again in a minute.",
            failed.Message);
        Assert.Equal(AuthErrorCodes.Network, Assert.IsType<OAuthException>(failed.InnerException).Code);
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        Assert.Equal(0, h.State.RefreshCount);
        AssertNoSecrets(failed, stored.AccessToken, stored.RefreshToken);

        var token = await source.GetAccessTokenAsync(Ct);
        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_GarbageAnswerWhileTokenStillValid_UsesTheTokenInsteadOfFailing()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(900));
        time.Advance(TimeSpan.FromSeconds(600)); // due, 300 s of life left
        var before = File.ReadAllBytes(h.CredentialPath);
        var proxy = new TokenEndpointInterceptor { RewriteSuccessBody = body => body[..(body.Length / 2)] };

        var token = await h.CreateSource(handler: proxy).GetAccessTokenAsync(Ct);

        Assert.Equal(stored.AccessToken, token);
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
    }

    [Fact]
    public async Task GetAccessTokenAsync_PairLeftPendingByKilledRefresh_IsAdoptedWithoutCallingServer()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        // A process refreshed successfully, wrote the new pair in full, and was killed before renaming it into place.
        var fresh = await h.CreateClient().RefreshAsync(stored.RefreshToken, Ct);
        var pending = h.Store.PendingPathFor(h.Slot);
        File.WriteAllBytes(pending, Encoding.UTF8.GetBytes(CredentialJson(fresh)));
        File.SetLastWriteTimeUtc(h.CredentialPath, DateTime.UtcNow.AddMinutes(-15));

        var token = await h.CreateSource().GetAccessTokenAsync(Ct);

        Assert.Equal(fresh.AccessToken, token);
        Assert.Equal(fresh, h.Store.Read(h.Slot));
        Assert.False(File.Exists(pending));
        Assert.Equal(1, h.State.RefreshCount); // only the killed process's refresh
        Assert.Equal(0, h.State.RefreshReuseCount); // the used refresh token was never replayed
        Assert.Equal(HttpStatusCode.OK, await h.ModelsStatusAsync(token));
    }

    [Fact]
    public async Task GetAccessTokenAsync_PartialPendingFile_IsDiscardedAndRefreshProceeds()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        var pending = h.Store.PendingPathFor(h.Slot);
        var json = CredentialJson(stored with { AccessToken = "secret-half-written" });
        File.WriteAllText(pending, json[..(json.Length / 2)]); // killed while writing it
        File.SetLastWriteTimeUtc(h.CredentialPath, DateTime.UtcNow.AddMinutes(-15));

        var token = await h.CreateSource().GetAccessTokenAsync(Ct);

        Assert.NotEqual(stored.AccessToken, token);
        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.False(File.Exists(pending));
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_PendingOlderThanALaterLogin_IsDiscardedNotAdopted()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var first = h.LogIn(TimeSpan.FromSeconds(900));
        var pending = h.Store.PendingPathFor(h.Slot);
        File.WriteAllText(pending, CredentialJson(first with { AccessToken = "secret-old-pending" }));
        File.SetLastWriteTimeUtc(pending, DateTime.UtcNow.AddMinutes(-15));
        var login = h.LogIn(TimeSpan.FromSeconds(60)); // `kimi login` after the crash
        time.Advance(TimeSpan.FromSeconds(120));

        var token = await h.CreateSource().GetAccessTokenAsync(Ct);

        Assert.NotEqual("secret-old-pending", token);
        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.False(File.Exists(pending));
        Assert.Equal(0, h.State.RefreshReuseCount);
        Assert.NotEqual(login.AccessToken, token); // the later login's pair was refreshed, not replaced
    }

    [Fact]
    public async Task GetAccessTokenAsync_Refreshed_StoresThroughPendingAndLeavesNothingBehind()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));

        var token = await h.CreateSource().GetAccessTokenAsync(Ct);

        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries());
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(h.CredentialPath));
    }

    [Fact]
    public async Task GetAccessTokenAsync_LockTakenOverWhileRefreshing_DoesNotOverwritePeersNewerPair()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        OAuthCredential? peers = null;
        // While our request is on its way, a Node client judges our lock stale, replaces it, logs in and stores its pair.
        var peer = new TokenEndpointInterceptor
        {
            BeforeForward = _ =>
            {
                if (peers is null)
                {
                    Directory.Delete(h.LockDirectory, recursive: true);
                    Directory.CreateDirectory(h.LockDirectory);
                    Directory.SetLastWriteTimeUtc(h.LockDirectory, DateTime.UtcNow.AddSeconds(1));
                    peers = h.LogIn(TimeSpan.FromSeconds(900));
                }

                return Task.CompletedTask;
            },
        };

        var token = await h.CreateSource(handler: peer).GetAccessTokenAsync(Ct);

        Assert.Equal(peers!.AccessToken, token);
        Assert.Equal(peers, h.Store.Read(h.Slot));
        Assert.True(Directory.Exists(h.LockDirectory)); // the peer's lock is left alone
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task GetAccessTokenAsync_OAuthFolderNotWritable_PermissionDeniedOneLineOrStillValidTokenUsed(bool expired)
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(900));
        time.Advance(TimeSpan.FromSeconds(expired ? 1000 : 600));
        Directory.CreateDirectory(h.Home.Home.OAuthDir);
        using var denied = WriteDenial.Apply(h.Home.Home.OAuthDir);

        var error = await Record.ExceptionAsync(() => h.CreateSource().GetAccessTokenAsync(Ct).AsTask());

        if (!denied.Enforced)
        {
            Assert.Null(error);
            return;
        }

        Assert.Empty(h.TokenRequests()); // never refreshed without the lock
        if (expired)
        {
            var failed = Assert.IsType<AuthException>(error);
            Assert.Equal(AuthErrorCodes.PermissionDenied, failed.Code);
            Assert.Contains($"chmod u+rwx '{h.Home.Home.OAuthDir}'", failed.Message, StringComparison.Ordinal);
            AssertOneLine(failed);
            AssertNoSecrets(failed, stored.AccessToken, stored.RefreshToken);
        }
        else
        {
            Assert.Null(error);
        }
    }

    [Fact]
    public async Task GetAccessTokenAsync_CredentialsFolderNotWritable_CredentialWriteFailedNamingTheFix()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var stored = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        var before = File.ReadAllBytes(h.CredentialPath);
        using var denied = WriteDenial.Apply(h.Home.Home.CredentialsDir);

        var error = await Record.ExceptionAsync(() => h.CreateSource().GetAccessTokenAsync(Ct).AsTask());

        if (!denied.Enforced)
        {
            Assert.Null(error);
            return;
        }

        var failed = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.CredentialWriteFailed, failed.Code);
        Assert.Contains($"chmod u+rwx '{h.Home.Home.CredentialsDir}'", failed.Message, StringComparison.Ordinal);
        AssertOneLine(failed);
        AssertNoSecrets(failed, stored.AccessToken, stored.RefreshToken);
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries());
    }

    private static string CredentialJson(OAuthCredential c)
        => JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = c.AccessToken,
            ["refresh_token"] = c.RefreshToken,
            ["expires_at"] = c.ExpiresAt,
            ["scope"] = c.Scope,
            ["token_type"] = c.TokenType,
            ["expires_in"] = c.ExpiresIn,
        }, JsonContext.Default.DictionaryStringObject);

    /// <summary>A proxy that answers token requests itself and never forwards them.</summary>
    private sealed class ProxyAnswers(Func<HttpResponseMessage> answer) : DelegatingHandler
    {
        public int Answered { get; private set; }

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath != "/api/oauth/token")
            {
                return base.SendAsync(request, cancellationToken);
            }

            Answered++;
            return Task.FromResult(answer());
        }
    }
}

[System.Text.Json.Serialization.JsonSerializable(typeof(Dictionary<string, object>))]
[System.Text.Json.Serialization.JsonSerializable(typeof(string))]
[System.Text.Json.Serialization.JsonSerializable(typeof(long))]
internal sealed partial class JsonContext : System.Text.Json.Serialization.JsonSerializerContext
{
}
