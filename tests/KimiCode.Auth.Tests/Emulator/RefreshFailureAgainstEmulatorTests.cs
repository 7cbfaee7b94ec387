using System.Text;
using System.Text.Json;
using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Emulator;
using KimiCode.Protocol;
using static KimiCode.Auth.Tests.Emulator.EmulatorAuthHarness;

namespace KimiCode.Auth.Tests.Emulator;

/// <summary>What a refresh does when the token endpoint, the network or the disk misbehaves: clear one-line errors, login kept.</summary>
public sealed class RefreshFailureAgainstEmulatorTests
{
    private const UnixFileMode OwnerReadExecute = UnixFileMode.UserRead | UnixFileMode.UserExecute;
    private const UnixFileMode OwnerAll = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute;

    /// <summary>Logs in with a token that has already expired, so a failed refresh has nothing to fall back on.</summary>
    private static OAuthCredential LogInExpired(EmulatorAuthHarness h, SignallingTimeProvider time)
    {
        var credential = h.LogIn(TimeSpan.FromSeconds(60));
        time.Advance(TimeSpan.FromSeconds(120));
        return credential;
    }

    private static Task<Exception?> CaptureDrivenAsync(SignallingTimeProvider time, Func<Task> action) => time.CaptureDrivenAsync(action, Ct);

    [Theory]
    [InlineData(500)]
    [InlineData(429)]
    public async Task GetAccessTokenAsync_TokenEndpointFailsThreeTimes_BacksOffThenRefreshFailedAndLoginKept(int status)
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = LogInExpired(h, time);
        var before = File.ReadAllBytes(h.CredentialPath);
        h.State.InjectFault(new EmulatorFault { Target = "token", Count = 3, Status = status, RetryAfterSeconds = status == 429 ? 1 : null });
        var source = h.CreateSource();

        var call = source.GetAccessTokenAsync(Ct).AsTask();
        var firstWait = await time.NextDelayAsync(Ct);
        Assert.Equal([status], h.TokenStatuses());
        time.Advance(firstWait);
        var secondWait = await time.NextDelayAsync(Ct);
        Assert.Equal([status, status], h.TokenStatuses());
        time.Advance(secondWait);
        var error = await Assert.ThrowsAsync<AuthException>(() => call.WaitAsync(TestTimeouts.Default, Ct));

        Assert.Equal(TimeSpan.FromSeconds(1), firstWait);
        Assert.Equal(TimeSpan.FromSeconds(2), secondWait);
        Assert.Equal(AuthErrorCodes.RefreshFailed, error.Code);
        Assert.Equal(
            $"Could not refresh the Kimi Code login after 3 tries: {h.Emulator.BaseUrl} answered HTTP {status}. Your login is kept; try again in a minute.",
            error.Message);
        var inner = Assert.IsType<OAuthException>(error.InnerException);
        Assert.Equal(AuthErrorCodes.ServerUnavailable, inner.Code);
        Assert.Equal(status, inner.StatusCode);
        Assert.Equal([status, status, status], h.TokenStatuses());
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries());
        Assert.False(Directory.Exists(h.LockDirectory));
        AssertNoSecrets(error, old.AccessToken, old.RefreshToken);

        // The login really was kept: once the server recovers, the same refresh token rotates normally.
        var token = await source.GetAccessTokenAsync(Ct);
        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ServerErrorsWhileTokenStillValid_KeepsUsingStoredToken()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = h.LogIn(TimeSpan.FromSeconds(900));
        time.Advance(TimeSpan.FromSeconds(600)); // due (300 s left < 450 s) but not expired
        h.State.InjectFault(new EmulatorFault { Target = "token", Count = 3, Status = 502 });
        string? token = null;

        var error = await CaptureDrivenAsync(time, async () => token = await h.CreateSource().GetAccessTokenAsync(Ct));

        Assert.Null(error);
        Assert.Equal(old.AccessToken, token);
        Assert.Equal([502], h.TokenStatuses()); // one try: the still-valid token carries on at once
        Assert.Equal(old, h.Store.Read(h.Slot));
    }

    [Fact]
    public async Task GetAccessTokenAsync_GarbageSuccessBody_ProtocolErrorOneLineAndFileUntouched()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = LogInExpired(h, time);
        var before = File.ReadAllBytes(h.CredentialPath);
        string? original = null;
        // A broken proxy truncates the emulator's real answer.
        var proxy = new TokenEndpointInterceptor { RewriteSuccessBody = body => (original = body)[..(body.Length / 2)] };

        var error = await Assert.ThrowsAsync<OAuthException>(() => h.CreateSource(handler: proxy).GetAccessTokenAsync(Ct).AsTask());

        Assert.Equal(AuthErrorCodes.Protocol, error.Code);
        Assert.Equal(OAuthErrorKind.Protocol, error.Kind);
        Assert.Equal(
            $"Unexpected answer from {h.Emulator.BaseUrl} (HTTP 200: the body is not the expected JSON). Check KIMI_CODE_OAUTH_HOST or try again later.",
            error.Message);
        Assert.Single(h.TokenRequests()); // not retried: it is not a transient failure
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries());
        using var sent = JsonDocument.Parse(original!);
        AssertNoSecrets(error, old.AccessToken, old.RefreshToken, sent.RootElement.GetProperty("access_token").GetString()!, sent.RootElement.GetProperty("refresh_token").GetString()!);
    }

    [Fact]
    public async Task GetAccessTokenAsync_SuccessBodyWithoutRefreshToken_ProtocolErrorNamesMissingFieldWithoutQuotingToken()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = LogInExpired(h, time);
        var before = File.ReadAllBytes(h.CredentialPath);
        string? leakedAccess = null;
        var proxy = new TokenEndpointInterceptor
        {
            RewriteSuccessBody = body =>
            {
                using var doc = JsonDocument.Parse(body);
                leakedAccess = doc.RootElement.GetProperty("access_token").GetString();
                using var buffer = new MemoryStream();
                using (var writer = new Utf8JsonWriter(buffer))
                {
                    writer.WriteStartObject();
                    writer.WriteString("access_token", leakedAccess);
                    writer.WriteNumber("expires_in", 900);
                    writer.WriteString("token_type", "Bearer");
                    writer.WriteEndObject();
                }

                return Encoding.UTF8.GetString(buffer.ToArray());
            },
        };

        var error = await Assert.ThrowsAsync<OAuthException>(() => h.CreateSource(handler: proxy).GetAccessTokenAsync(Ct).AsTask());

        Assert.Equal(AuthErrorCodes.Protocol, error.Code);
        Assert.Equal(
            $"Unexpected answer from {h.Emulator.BaseUrl} (HTTP 200: the token response lacks access_token or refresh_token). Check KIMI_CODE_OAUTH_HOST or try again later.",
            error.Message);
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        AssertNoSecrets(error, old.AccessToken, old.RefreshToken, leakedAccess!);
    }

    [Fact]
    public async Task GetAccessTokenAsync_HtmlErrorPage_TransientRetriedThenRefreshFailedWithOneLineSnippet()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        LogInExpired(h, time);
        var before = File.ReadAllBytes(h.CredentialPath);
        h.State.InjectFault(new EmulatorFault { Target = "token", Count = 3, Status = 400, Body = "<html>\r\n<head><title>400 Bad Request</title></head>\n<body>nginx</body>\n</html>\n" });
        var source = h.CreateSource();

        var error = await CaptureDrivenAsync(time, () => source.GetAccessTokenAsync(Ct).AsTask());

        // An HTML page is not the OAuth server's word: the refresh token may never have reached it.
        var failed = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.RefreshFailed, failed.Code);
        Assert.Equal(
            $"Could not refresh the Kimi Code login after 3 tries: {h.Emulator.BaseUrl} answered HTTP 400 with an HTML page, not an OAuth error (a proxy in between?). Your login is kept; try again in a minute.",
            failed.Message);
        var inner = Assert.IsType<OAuthException>(failed.InnerException);
        Assert.Equal(400, inner.StatusCode);
        Assert.Contains("<html> <head><title>400 Bad Request</title></head> <body>nginx</body> </html>", inner.Message, StringComparison.Ordinal);
        AssertOneLine(inner);
        Assert.Equal([400, 400, 400], h.TokenStatuses());
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));

        // The login was kept: the same refresh token rotates once the proxy stops interfering.
        var token = await source.GetAccessTokenAsync(Ct);
        Assert.Equal(token, h.Store.Read(h.Slot)!.AccessToken);
        Assert.Equal(0, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task GetAccessTokenAsync_ErrorDescriptionEchoesRefreshToken_MessageRedactsIt()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = LogInExpired(h, time);
        // Some servers quote the offending parameter back; the message quotes the description, never the token.
        h.State.InjectFault(new EmulatorFault
        {
            Target = "token",
            Status = 400,
            Body = $"{{\"error\":\"invalid_request\",\"error_description\":\"refresh_token {old.RefreshToken} is malformed\"}}",
        });

        var error = await Assert.ThrowsAsync<OAuthException>(() => h.CreateSource().GetAccessTokenAsync(Ct).AsTask());

        Assert.Equal(AuthErrorCodes.Protocol, error.Code);
        Assert.Equal("invalid_request", error.OAuthError);
        Assert.Contains("invalid_request: refresh_token", error.Message, StringComparison.Ordinal);
        Assert.Contains("is malformed", error.Message, StringComparison.Ordinal);
        AssertNoSecrets(error, old.AccessToken, old.RefreshToken);
        AssertOneLine(error);
    }

    [Fact]
    public async Task GetAccessTokenAsync_OAuthHostNotListening_ThreeTriesThenRefreshFailedOneLine()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = LogInExpired(h, time);
        var before = File.ReadAllBytes(h.CredentialPath);
        var closed = ClosedPortUrl();

        var error = await CaptureDrivenAsync(time, () => h.CreateSource(oauthHost: closed).GetAccessTokenAsync(Ct).AsTask());

        var failed = Assert.IsType<AuthException>(error);
        Assert.Equal(AuthErrorCodes.RefreshFailed, failed.Code);
        Assert.Equal(
            $"Could not refresh the Kimi Code login after 3 tries: could not reach {closed} (ConnectionError). Your login is kept; try again in a minute.",
            failed.Message);
        var inner = Assert.IsType<OAuthException>(failed.InnerException);
        Assert.Equal($"Could not reach {closed} (ConnectionError). Check your connection or KIMI_CODE_OAUTH_HOST.", inner.Message);
        Assert.Equal([TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(2)], time.RequestedDelays);
        Assert.Equal(before, File.ReadAllBytes(h.CredentialPath));
        AssertOneLine(failed);
        AssertNoSecrets(failed, old.AccessToken, old.RefreshToken);
    }

    [Fact]
    public async Task GetAccessTokenAsync_CredentialsFolderReadOnly_ClearErrorAndFileNeverHalfWritten()
    {
        var time = new SignallingTimeProvider(Start);
        await using var h = await StartAsync(time);
        var old = LogInExpired(h, time);
        var before = File.ReadAllBytes(h.CredentialPath);
        var folder = h.Home.Home.CredentialsDir;
        File.SetUnixFileMode(folder, OwnerReadExecute);
        try
        {
            // chmod does not bind root (CAP_DAC_OVERRIDE): there the write must simply succeed, atomically.
            var enforced = !IsRoot() && !FolderProbe.CanCreateFileIn(folder);

            var error = await Record.ExceptionAsync(() => h.CreateSource().GetAccessTokenAsync(Ct).AsTask());

            Assert.Equal([h.Slot + ".json"], h.CredentialFolderEntries()); // no temp file either way
            if (enforced)
            {
                var failed = Assert.IsType<AuthException>(error);
                Assert.Equal(AuthErrorCodes.CredentialWriteFailed, failed.Code);
                Assert.Contains(h.CredentialPath, failed.Message, StringComparison.Ordinal);
                Assert.Contains("permission denied", failed.Message, StringComparison.Ordinal);
                Assert.Contains("kimi login", failed.Message, StringComparison.Ordinal);
                AssertOneLine(failed);
                AssertNoSecrets(failed, old.AccessToken, old.RefreshToken);
                Assert.Equal(before, File.ReadAllBytes(h.CredentialPath)); // old content intact
            }
            else
            {
                Assert.Null(error);
                var stored = h.Store.Read(h.Slot)!;
                Assert.NotEqual(old.RefreshToken, stored.RefreshToken);
                Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(h.CredentialPath));
            }

            Assert.Equal(1, h.State.RefreshCount);
        }
        finally
        {
            File.SetUnixFileMode(folder, OwnerAll);
        }
    }

    private static bool IsRoot() => Environment.UserName == "root";
}
