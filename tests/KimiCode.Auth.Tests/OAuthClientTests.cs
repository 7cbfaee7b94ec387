using System.Net;
using KimiCode.Auth.Tests.Infrastructure;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Auth.Tests;

public sealed class OAuthClientTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task RequestDeviceAuthorizationAsync_SendsClientIdAndIdentityHeaders_ParsesResponse()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var server = new FakeOAuthServer(time) { DeviceInterval = null };
        var client = server.CreateOAuthClient([new("X-Msh-Platform", "kimi_cli"), new("X-Msh-Device-Id", "0123456789abcdef0123456789abcdef")]);

        var authorization = await client.RequestDeviceAuthorizationAsync(Ct);

        Assert.Equal("ABCD-1234", authorization.UserCode);
        Assert.Equal("secret-device-code", authorization.DeviceCode);
        Assert.Equal(FakeOAuthServer.Host + "/device", authorization.VerificationUri);
        Assert.Equal(FakeOAuthServer.Host + "/device?user_code=ABCD-1234", authorization.VerificationUriComplete);
        Assert.Equal(TimeSpan.FromSeconds(900), authorization.ExpiresIn);
        Assert.Equal(TimeSpan.FromSeconds(5), authorization.Interval); // absent → default 5
        Assert.DoesNotContain("secret", authorization.ToString(), StringComparison.Ordinal);
        var request = Assert.Single(server.Requests);
        Assert.Equal("/api/oauth/device_authorization", request.Path);
        Assert.Equal(KimiCodeEndpoints.ClientId, request.Form["client_id"]);
        Assert.Equal("kimi_cli", request.Headers["X-Msh-Platform"]);
        Assert.Equal("0123456789abcdef0123456789abcdef", request.Headers["X-Msh-Device-Id"]);
    }

    [Fact]
    public async Task RefreshAsync_LiveToken_ReturnsRotatedPairWithExpiryFromNow()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var server = new FakeOAuthServer(time);
        var issued = server.Issue(TimeSpan.FromSeconds(900));
        var client = server.CreateOAuthClient();

        var fresh = await client.RefreshAsync(issued.RefreshToken, Ct);

        Assert.NotEqual(issued.RefreshToken, fresh.RefreshToken);
        Assert.Equal(1_800_000_900, fresh.ExpiresAt);
        Assert.Equal(900, fresh.ExpiresIn);
        Assert.Equal("Bearer", fresh.TokenType);
        var request = Assert.Single(server.Requests);
        Assert.Equal("refresh_token", request.Form["grant_type"]);
        Assert.Equal(issued.RefreshToken, request.Form["refresh_token"]);
        Assert.Equal(KimiCodeEndpoints.ClientId, request.Form["client_id"]);
    }

    [Fact]
    public async Task RefreshAsync_UsedToken_ThrowsInvalidGrant()
    {
        var server = new FakeOAuthServer(TimeProvider.System);
        var issued = server.Issue(TimeSpan.FromSeconds(900));
        var client = server.CreateOAuthClient();
        await client.RefreshAsync(issued.RefreshToken, Ct);

        var error = await Assert.ThrowsAsync<OAuthException>(() => client.RefreshAsync(issued.RefreshToken, Ct));
        Assert.Equal(OAuthErrorKind.InvalidGrant, error.Kind);
        Assert.Equal(AuthErrorCodes.InvalidGrant, error.Code);
        Assert.Equal("invalid_grant", error.OAuthError);
        Assert.Equal(1, server.ReusedRefreshTokens);
    }

    [Theory]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.ProxyAuthenticationRequired)]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    public async Task RefreshAsync_HtmlErrorPage_IsTransientWhateverTheStatus(HttpStatusCode status)
    {
        // A proxy's or portal's page is never the OAuth server's word that the refresh token is dead.
        var server = new FakeOAuthServer(TimeProvider.System);
        server.RefreshFailures.Enqueue(() => new HttpResponseMessage(status) { Content = new StringContent("<html>\n<body>Proxy\r\nsays no</body></html>", System.Text.Encoding.UTF8, "text/html") });
        var client = server.CreateOAuthClient();

        var error = await Assert.ThrowsAsync<OAuthException>(() => client.RefreshAsync("secret-refresh-zz", Ct));

        Assert.Equal(OAuthErrorKind.Transient, error.Kind);
        Assert.Equal(AuthErrorCodes.ServerUnavailable, error.Code);
        Assert.Equal((int)status, error.StatusCode);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Contains(((int)status).ToString(System.Globalization.CultureInfo.InvariantCulture), error.Message, StringComparison.Ordinal);
        Assert.Contains(Server.Host, error.Answer, StringComparison.Ordinal);
        if ((int)status < 429)
        {
            Assert.Contains("an HTML page, not an OAuth error", error.Message, StringComparison.Ordinal);
            Assert.Contains("<html> <body>Proxy says no", error.Message, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData(401, "{\"error\":\"invalid_token\"}", OAuthErrorKind.InvalidGrant)]
    [InlineData(403, "{\"error\":\"access_denied\",\"error_description\":\"revoked\"}", OAuthErrorKind.InvalidGrant)]
    [InlineData(400, "{\"error\":\"invalid_grant\"}", OAuthErrorKind.InvalidGrant)]
    [InlineData(401, "{\"message\":\"Unauthorized\"}", OAuthErrorKind.Transient)]
    [InlineData(401, "{\"error\":{\"message\":\"gateway says no\",\"type\":\"invalid_authentication_error\"}}", OAuthErrorKind.Transient)]
    [InlineData(401, "", OAuthErrorKind.Transient)]
    [InlineData(400, "{\"error\":\"invalid_request\"}", OAuthErrorKind.Protocol)]
    public async Task RefreshAsync_JsonBodies_OnlyAnOAuthErrorFieldCanEndTheLogin(int status, string body, OAuthErrorKind kind)
    {
        var server = new FakeOAuthServer(TimeProvider.System);
        server.RefreshFailures.Enqueue(() => FakeOAuthServer.Json((HttpStatusCode)status, body));
        var client = server.CreateOAuthClient();

        var error = await Assert.ThrowsAsync<OAuthException>(() => client.RefreshAsync("secret-refresh-zz", Ct));

        Assert.Equal(kind, error.Kind);
        Assert.Equal(status, error.StatusCode);
        Assert.DoesNotContain('\n', error.Message);
    }

    [Fact]
    public async Task RefreshAsync_NoAnswerWithinRequestTimeout_ThrowsNetworkNamingTheTimeout()
    {
        using var http = new HttpClient(new NeverAnswers()) { Timeout = Timeout.InfiniteTimeSpan };
        var client = new OAuthClient(http, Server.Host, [], TimeProvider.System) { RequestTimeout = TimeSpan.FromSeconds(0.3) };

        var error = await Assert.ThrowsAsync<OAuthException>(() => client.RefreshAsync("secret-refresh-zz", Ct).WaitAsync(TestTimeouts.Default, Ct));

        Assert.Equal(OAuthErrorKind.Transient, error.Kind);
        Assert.Equal(AuthErrorCodes.Network, error.Code);
        Assert.Equal($"No answer from {Server.Host} within 0.3 s (token timeout; check your connection, or raise [network] token_timeout_s or KIMI_CODE_TOKEN_TIMEOUT_S).", error.Message);
        Assert.Equal(TimeSpan.FromSeconds(30), OAuthClient.DefaultRequestTimeout);
    }

    private static class Server
    {
        public const string Host = FakeOAuthServer.Host;
    }

    /// <summary>A server that accepts the request and never answers (until the request is cancelled).</summary>
    private sealed class NeverAnswers : HttpMessageHandler
    {
        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            await Task.Delay(Timeout.Infinite, cancellationToken);
            throw new InvalidOperationException("unreachable");
        }
    }

    [Fact]
    public async Task RefreshAsync_GarbageSuccessBody_ThrowsProtocolWithoutQuotingIt()
    {
        var server = new FakeOAuthServer(TimeProvider.System);
        server.RefreshFailures.Enqueue(() => FakeOAuthServer.Json(HttpStatusCode.OK, "{\"access_token\":\"secret-access-leak\",\"refresh_token\":"));
        var client = server.CreateOAuthClient();

        var error = await Assert.ThrowsAsync<OAuthException>(() => client.RefreshAsync("secret-refresh-zz", Ct));

        Assert.Equal(OAuthErrorKind.Protocol, error.Kind);
        Assert.DoesNotContain("secret", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task RefreshAsync_SuccessWithoutTokens_ThrowsProtocol()
    {
        var server = new FakeOAuthServer(TimeProvider.System);
        server.RefreshFailures.Enqueue(() => FakeOAuthServer.Json(HttpStatusCode.OK, "{\"token_type\":\"Bearer\"}"));
        var error = await Assert.ThrowsAsync<OAuthException>(() => server.CreateOAuthClient().RefreshAsync("secret-refresh-zz", Ct));
        Assert.Equal(OAuthErrorKind.Protocol, error.Kind);
    }

    [Fact]
    public async Task RefreshAsync_UnreachableHost_ThrowsNetworkWithAdvice()
    {
        using var http = new HttpClient(new ThrowingHandler());
        var client = new OAuthClient(http, "http://auth.invalid", []);

        var error = await Assert.ThrowsAsync<OAuthException>(() => client.RefreshAsync("secret-refresh-zz", Ct));

        Assert.Equal(OAuthErrorKind.Transient, error.Kind);
        Assert.Equal(AuthErrorCodes.Network, error.Code);
        Assert.StartsWith("Could not reach http://auth.invalid (NameResolutionError).", error.Message, StringComparison.Ordinal);
        Assert.Contains("KIMI_CODE_OAUTH_HOST", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PollDeviceTokenAsync_ErrorCodes_MapToResults()
    {
        var time = new FakeTimeProvider(DateTimeOffset.FromUnixTimeSeconds(1_800_000_000));
        var server = new FakeOAuthServer(time);
        foreach (var step in new[] { "authorization_pending", "slow_down", "expired_token", "access_denied", "approve" })
        {
            server.PollScript.Enqueue(step);
        }

        var client = server.CreateOAuthClient();
        Assert.Equal(TokenPollStatus.Pending, (await client.PollDeviceTokenAsync("secret-device-code", Ct)).Status);
        Assert.Equal(TokenPollStatus.SlowDown, (await client.PollDeviceTokenAsync("secret-device-code", Ct)).Status);
        Assert.Equal(TokenPollStatus.Expired, (await client.PollDeviceTokenAsync("secret-device-code", Ct)).Status);
        Assert.Equal(TokenPollStatus.Denied, (await client.PollDeviceTokenAsync("secret-device-code", Ct)).Status);
        var success = await client.PollDeviceTokenAsync("secret-device-code", Ct);
        Assert.Equal(TokenPollStatus.Success, success.Status);
        Assert.Equal(1_800_000_900, success.Credential!.ExpiresAt);
        Assert.Equal("urn:ietf:params:oauth:grant-type:device_code", server.Requests[^1].Form["grant_type"]);
        Assert.Equal("secret-device-code", server.Requests[^1].Form["device_code"]);
    }

    private sealed class ThrowingHandler : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
            => throw new HttpRequestException(HttpRequestError.NameResolutionError, "Name or service not known (auth.invalid:80)");
    }
}
