using System.Net;
using System.Text.Json;
using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Emulator;
using Microsoft.Extensions.Time.Testing;
using static KimiCode.Auth.Tests.Emulator.EmulatorAuthHarness;

namespace KimiCode.Auth.Tests.Emulator;

/// <summary><see cref="DeviceCodeLogin"/> and <see cref="OAuthClient"/> against the emulator's real RFC 8628 device flow.</summary>
public sealed class DeviceLoginAgainstEmulatorTests
{
    private const UnixFileMode OwnerReadWrite = UnixFileMode.UserRead | UnixFileMode.UserWrite;
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>
    /// Runs until <paramref name="login"/> ends; every time it starts waiting, <paramref name="onWait"/> gets the
    /// wait (and is expected to advance the clocks). Returns the waits in order.
    /// </summary>
    private static async Task<List<TimeSpan>> DriveAsync(Task login, SignallingTimeProvider time, Action<int, TimeSpan> onWait)
    {
        var waits = new List<TimeSpan>();
        while (true)
        {
            using var stop = CancellationTokenSource.CreateLinkedTokenSource(Ct);
            var next = time.NextDelayAsync(stop.Token);
            var first = await Task.WhenAny(login, next).WaitAsync(TestTimeouts.Default, Ct);
            if (first == login)
            {
                await stop.CancelAsync();
                await Record.ExceptionAsync(() => next); // the reader we no longer need ends cancelled
                return waits;
            }

            var wait = await next;
            waits.Add(wait);
            onWait(waits.Count - 1, wait);
        }
    }

    private static Task<OAuthCredential> StartLogin(EmulatorAuthHarness h, List<DeviceLoginEvent> events, Action<DeviceLoginEvent> react)
        => new DeviceCodeLogin(h.CreateClient(), h.Time).RunAsync(
            e =>
            {
                events.Add(e);
                react(e);
            },
            Ct);

    [Fact]
    public async Task RunAsync_ApprovedWhileWaiting_ReturnsTokensThatStoreAsSharedFile()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var events = new List<DeviceLoginEvent>();
        string? userCode = null;

        var login = StartLogin(h, events, e =>
        {
            if (e is DeviceLoginEvent.CodeIssued issued)
            {
                userCode = issued.Authorization.UserCode;
            }
            else if (e is DeviceLoginEvent.Waiting)
            {
                // The user approves in the browser once the CLI reports that it is waiting.
                Assert.True(h.State.Approve(userCode!));
            }
        });
        var waits = await DriveAsync(login, time, (_, wait) => time.Advance(wait));
        var credential = await login;

        // Events: code issued, one pending poll, approved.
        var code = Assert.IsType<DeviceLoginEvent.CodeIssued>(events[0]).Authorization;
        Assert.Matches("^[A-Z]{4}-[0-9]{4}$", code.UserCode);
        Assert.Equal(h.Emulator.BaseUrl + "/device", code.VerificationUri);
        Assert.Equal(h.Emulator.BaseUrl + "/device?user_code=" + code.UserCode, code.VerificationUriComplete);
        Assert.Equal(TimeSpan.FromSeconds(900), code.ExpiresIn);
        Assert.Equal(TimeSpan.FromSeconds(5), code.Interval);
        Assert.Equal(TimeSpan.FromSeconds(5), Assert.IsType<DeviceLoginEvent.Waiting>(events[1]).Elapsed);
        Assert.IsType<DeviceLoginEvent.Approved>(events[2]);
        Assert.Equal(3, events.Count);
        Assert.Equal([TimeSpan.FromSeconds(5), TimeSpan.FromSeconds(5)], waits);
        Assert.Equal([400, 200], h.TokenStatuses());

        // The credential is the emulator's: live on the coding API, expiry on the shared clock.
        Assert.Equal(HttpStatusCode.OK, await h.ModelsStatusAsync(credential.AccessToken));
        Assert.Equal(Start.ToUnixTimeSeconds() + 10 + 900, credential.ExpiresAt);
        Assert.Equal(900, credential.ExpiresIn);
        Assert.Equal("kimi-code", credential.Scope);
        Assert.Equal("Bearer", credential.TokenType);

        // Stored as the Node client shares it: 0600 file in a 0700 folder, the six snake_case fields.
        h.Store.Write(h.Slot, credential);
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(h.CredentialPath));
        Assert.Equal(OwnerAll, File.GetUnixFileMode(h.Home.Home.CredentialsDir));
        Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries());
        using var json = JsonDocument.Parse(File.ReadAllBytes(h.CredentialPath));
        var root = json.RootElement;
        Assert.Equal(
            ["access_token", "expires_at", "expires_in", "refresh_token", "scope", "token_type"],
            root.EnumerateObject().Select(p => p.Name).Order(StringComparer.Ordinal).ToArray());
        Assert.Equal(credential.AccessToken, root.GetProperty("access_token").GetString());
        Assert.Equal(credential.RefreshToken, root.GetProperty("refresh_token").GetString());
        Assert.Equal(credential.ExpiresAt, root.GetProperty("expires_at").GetDouble());
        Assert.Equal(900, root.GetProperty("expires_in").GetDouble());
        Assert.Equal("kimi-code", root.GetProperty("scope").GetString());
        Assert.Equal("Bearer", root.GetProperty("token_type").GetString());
        Assert.Equal(credential, h.Store.Read(h.Slot));
    }

    [Fact]
    public async Task RunAsync_PolledTooSoonForServer_HonoursSlowDownByFiveSecondsForGood()
    {
        // Separate clocks: the library waits its 5 s, but the server has seen only 2 s pass (clock skew), so it
        // answers slow_down for real and raises the code's interval to 10 s.
        var libraryClock = new SignallingTimeProvider(Start);
        var serverClock = new FakeTimeProvider(Start);
        await using var h = await StartAsync(libraryClock, o => o.TimeProvider = serverClock);
        int[] serverSeconds = [5, 2, 10, 10];
        var events = new List<DeviceLoginEvent>();
        string? userCode = null;
        var pendingPolls = 0;

        var login = StartLogin(h, events, e =>
        {
            if (e is DeviceLoginEvent.CodeIssued issued)
            {
                userCode = issued.Authorization.UserCode;
            }
            else if (e is DeviceLoginEvent.Waiting && ++pendingPolls == 2)
            {
                Assert.True(h.State.Approve(userCode!));
            }
        });
        var waits = await DriveAsync(login, libraryClock, (i, wait) =>
        {
            serverClock.Advance(TimeSpan.FromSeconds(serverSeconds[i])); // the server's clock first: the poll follows the library's
            libraryClock.Advance(wait);
        });
        var credential = await login;

        Assert.Equal([5d, 5d, 10d, 10d], waits.Select(w => w.TotalSeconds).ToArray());
        Assert.Equal([400, 400, 400, 200], h.TokenStatuses());
        var slowed = Assert.Single(events.OfType<DeviceLoginEvent.SlowedDown>());
        Assert.Equal(TimeSpan.FromSeconds(10), slowed.NewInterval);
        Assert.Equal(
            [typeof(DeviceLoginEvent.CodeIssued), typeof(DeviceLoginEvent.Waiting), typeof(DeviceLoginEvent.SlowedDown), typeof(DeviceLoginEvent.Waiting), typeof(DeviceLoginEvent.Approved)],
            events.Select(e => e.GetType()).ToArray());
        Assert.Equal(HttpStatusCode.OK, await h.ModelsStatusAsync(credential.AccessToken));
    }

    [Fact]
    public async Task RunAsync_ServerSaysExpiredToken_ThrowsDeviceCodeExpiredWithAdvice()
    {
        // The server's clock runs past the 900 s code lifetime while the library has waited only 10 s: the
        // failure can only come from the server's expired_token answer, not the local deadline.
        var libraryClock = new SignallingTimeProvider(Start);
        var serverClock = new FakeTimeProvider(Start);
        await using var h = await StartAsync(libraryClock, o => o.TimeProvider = serverClock);
        int[] serverSeconds = [5, 900];

        var login = StartLogin(h, [], _ => { });
        var waits = await DriveAsync(login, libraryClock, (i, wait) =>
        {
            serverClock.Advance(TimeSpan.FromSeconds(serverSeconds[i]));
            libraryClock.Advance(wait);
        });

        var error = await Assert.ThrowsAsync<OAuthException>(() => login);
        Assert.Equal(AuthErrorCodes.DeviceCodeExpired, error.Code);
        Assert.Equal("The code expired before it was approved. Run `kimi login` again.", error.Message);
        Assert.Equal(2, waits.Count);
        Assert.Equal([400, 400], h.TokenStatuses());
    }

    [Fact]
    public async Task RunAsync_DeniedInBrowser_ThrowsAccessDeniedWithAdvice()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        string? userCode = null;

        var login = StartLogin(h, [], e =>
        {
            if (e is DeviceLoginEvent.CodeIssued issued)
            {
                userCode = issued.Authorization.UserCode;
            }
            else if (e is DeviceLoginEvent.Waiting)
            {
                Assert.True(h.State.Deny(userCode!));
            }
        });
        await DriveAsync(login, time, (_, wait) => time.Advance(wait));

        var error = await Assert.ThrowsAsync<OAuthException>(() => login);
        Assert.Equal(AuthErrorCodes.AccessDenied, error.Code);
        Assert.Equal("The login request was denied in the browser. Run `kimi login` again if that was a mistake.", error.Message);
        Assert.Equal([400, 400], h.TokenStatuses());
        Assert.Equal(0, h.State.RefreshCount);
    }

    [Fact]
    public async Task RunAsync_DeviceEndpointUnavailable_ThrowsServerUnavailableOneLine()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        h.State.InjectFault(new EmulatorFault { Target = "device", Status = 503, Body = "<html>\n<body>Service Unavailable</body>\n</html>" });

        var error = await Assert.ThrowsAsync<OAuthException>(() => StartLogin(h, [], _ => { }));

        Assert.Equal(AuthErrorCodes.ServerUnavailable, error.Code);
        Assert.Equal(503, error.StatusCode);
        Assert.Equal($"{h.Emulator.BaseUrl} answered HTTP 503; this is usually temporary. Try again in a minute.", error.Message);
        Assert.Empty(time.RequestedDelays);
    }

    [Fact]
    public async Task RunAsync_HostNotListening_ThrowsNetworkErrorOneLine()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var closed = ClosedPortUrl();

        var error = await Assert.ThrowsAsync<OAuthException>(
            () => new DeviceCodeLogin(h.CreateClient(oauthHost: closed), time).RunAsync(_ => { }, Ct));

        Assert.Equal(AuthErrorCodes.Network, error.Code);
        Assert.Equal(OAuthErrorKind.Transient, error.Kind);
        Assert.Equal($"Could not reach {closed} (ConnectionError). Check your connection or KIMI_CODE_OAUTH_HOST.", error.Message);
        AssertOneLine(error);
    }

    [Fact]
    public async Task OAuthCalls_LoginThenRefresh_CarryIdentityHeadersFromHome()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time, o => o.AutoApprove = true);

        var login = StartLogin(h, [], _ => { });
        await DriveAsync(login, time, (_, wait) => time.Advance(wait));
        h.Store.Write(h.Slot, await login);
        time.Advance(TimeSpan.FromSeconds(600)); // past half-life: the next token request refreshes
        var refreshed = await h.CreateSource().GetAccessTokenAsync(Ct);

        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(refreshed, h.Store.Read(h.Slot)!.AccessToken);
        var deviceId = File.ReadAllText(h.Home.Home.DeviceIdFile);
        Assert.True(Guid.TryParseExact(deviceId, "D", out _), deviceId);
        Assert.Equal(OwnerReadWrite, File.GetUnixFileMode(h.Home.Home.DeviceIdFile));
        var requests = h.State.Requests;
        Assert.Equal(["/api/oauth/device_authorization", "/api/oauth/token", "/api/oauth/token"], requests.Select(r => r.Path).ToArray());
        foreach (var request in requests)
        {
            Assert.Equal("kimi_cli", request.Headers["x-msh-platform"]);
            Assert.Equal(deviceId, request.Headers["x-msh-device-id"]);
            Assert.Equal("KimiCLI/" + ClientVersion, request.Headers["user-agent"]);
            Assert.Equal(ClientVersion, request.Headers["x-msh-version"]);
            foreach (var name in new[] { "x-msh-device-name", "x-msh-device-model", "x-msh-os-version" })
            {
                Assert.Matches("^[\\x20-\\x7E]+$", request.Headers[name]);
            }

            Assert.Contains("client_id=" + KimiCodeEndpoints.ClientId, request.Body, StringComparison.Ordinal);
        }
    }
}
