using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

public sealed class ErrorTests
{
    private const string AccessTerminatedMessage =
        "Kimi For Coding is currently only available for Coding Agents such as Kimi CLI, Claude Code, Roo Code, Kilo Code, etc.";

    private static readonly string Answer = new SseBuilder().Content("ok").Finish("stop").Done().Build();

    private static Harness NoRetries(FakeTokenSource? tokens = null) => new(o => o.Retry.MaxAttempts = 1, tokens);

    [Fact]
    public async Task Unauthorized_NoRefreshPossible_ThrowsAuthWithExactMessage()
    {
        using var h = NoRetries();
        h.Handler.EnqueueError(401, "invalid_authentication_error", "Invalid Authentication");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Auth, error.Code);
        Assert.Equal("The server rejected the credentials (401: Invalid Authentication). Run `kimi login` (or check the API key) and try again.", error.Message);
        Assert.Equal(["secret-token"], h.Tokens.RejectedTokens);
        Assert.Single(h.Handler.Requests);
        Assert.DoesNotContain("secret-token", error.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Unauthorized_RefreshGivesNewToken_RetriesOnceWithIt()
    {
        using var h = new Harness(tokens: new FakeTokenSource("old-token", "new-token"));
        h.Handler.EnqueueError(401, "invalid_authentication_error", "token expired");
        h.Handler.EnqueueSse(Answer);

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        Assert.Equal("ok", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(["old-token"], h.Tokens.RejectedTokens);
        Assert.Equal(["Bearer old-token", "Bearer new-token"], h.Handler.Requests.Select(r => r.Header("Authorization")));
        Assert.Empty(h.Notices);
    }

    [Fact]
    public async Task Unauthorized_Twice_ThrowsAuthAfterOneRefresh()
    {
        using var h = new Harness(tokens: new FakeTokenSource("old-token", "new-token", "newer-token"));
        h.Handler.EnqueueError(401, "invalid_authentication_error", "token expired");
        h.Handler.EnqueueError(401, "invalid_authentication_error", "still bad");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Auth, error.Code);
        Assert.Equal("The server rejected the credentials (401: still bad). Run `kimi login` (or check the API key) and try again.", error.Message);
        Assert.Single(h.Tokens.RejectedTokens);
        Assert.Equal(2, h.Handler.Requests.Count);
    }

    [Fact]
    public async Task AccessTerminated_403_ExactMessageNamesPlatformAndIsNeverRetried()
    {
        using var h = new Harness(); // retries enabled: a 403 must still be a single request
        h.Handler.EnqueueError(403, "access_terminated_error", AccessTerminatedMessage);

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.AccessTerminated, error.Code);
        Assert.Equal(
            "Access refused by the server (403 access_terminated_error): " + AccessTerminatedMessage
            + " The request identified itself as X-Msh-Platform: kimi_code_cli. To send a different platform, set custom_headers = { \"X-Msh-Platform\" = \"kimi_cli\" } in the provider's section of config.toml.",
            error.Message);
        Assert.DoesNotContain("429", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rate limit", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("overload", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(error.IsRetryable);
        Assert.Equal(403, error.StatusCode);
        Assert.Equal("access_terminated_error", error.ServerErrorType);
        Assert.Equal("trace-1", error.TraceId);
        Assert.Single(h.Handler.Requests);
        Assert.Empty(h.Notices);
    }

    [Fact]
    public async Task AccessTerminated_NoIdentityHeaders_SaysNone()
    {
        using var h = new Harness(o => o.IdentityHeaders = []);
        h.Handler.EnqueueError(403, "access_terminated_error", AccessTerminatedMessage);

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Contains("The request identified itself as X-Msh-Platform: (none).", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task PaymentRequired_402_ThrowsPaymentRequired()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(402, "", "membership expired");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.PaymentRequired, error.Code);
        Assert.Equal("Payment required (402: membership expired): the Kimi membership has expired or does not cover this model. Renew it on kimi.com, then try again.", error.Message);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task RateLimit_429_ExactMessage()
    {
        using var h = NoRetries();
        h.Handler.EnqueueError(429, "rate_limit_reached_error", "Your account reached max request rate");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.RateLimit, error.Code);
        Assert.Equal("Too many requests (429: Your account reached max request rate). Wait a moment and try again.", error.Message);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task QuotaExceeded_429_ExactMessageAndNoRetry()
    {
        using var h = new Harness();
        h.Handler.EnqueueError(429, "exceeded_current_quota_error", "You exceeded your current quota");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.QuotaExceeded, error.Code);
        Assert.Equal("The plan's quota is used up (429 exceeded_current_quota_error: You exceeded your current quota). Wait for the quota to reset or upgrade the plan; retrying now will not help.", error.Message);
        Assert.Single(h.Handler.Requests);
    }

    [Theory]
    [InlineData(429, "engine_overloaded_error", "The engine is currently overloaded, please try again later")]
    [InlineData(529, "", "The engine is currently overloaded, please try again later")]
    [InlineData(503, "", "The engine is currently overloaded, please try again later")]
    public async Task Overloaded_Statuses_ExactMessage(int status, string type, string message)
    {
        using var h = NoRetries();
        h.Handler.EnqueueError(status, type, message);

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Overloaded, error.Code);
        Assert.Equal($"The model is overloaded ({status}: {message}). Try again in a few minutes.", error.Message);
    }

    [Fact]
    public async Task Server_500_ExactMessage()
    {
        using var h = NoRetries();
        h.Handler.EnqueueError(500, "server_error", "internal error");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Server, error.Code);
        Assert.Equal("The server failed (500: internal error). Try again later.", error.Message);
        Assert.True(error.IsRetryable);
    }

    [Fact]
    public async Task Server_503WithoutOverload_IsServerError()
    {
        using var h = NoRetries();
        h.Handler.EnqueueError(503, "", "maintenance");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Server, error.Code);
    }

    [Fact]
    public async Task HtmlErrorPage_502_ServerErrorWithShortSnippet()
    {
        using var h = NoRetries();
        string html = "<html>\n<head><title>502 Bad Gateway</title></head>\n<body>" + new string('x', 5000) + "</body></html>";
        h.Handler.EnqueueText(502, html, "text/html");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Server, error.Code);
        Assert.StartsWith("The server failed (502: <html> <head><title>502 Bad Gateway</title></head> <body>xxx", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("…). Try again later.", error.Message, StringComparison.Ordinal);
        Assert.True(error.Message.Length < 300);
    }

    [Fact]
    public async Task HtmlBody_200NonStreaming_ThrowsBadResponse()
    {
        using var h = NoRetries();
        h.Handler.EnqueueText(200, "<html><body>captive portal</body></html>", "text/html");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(ProviderErrorCodes.BadResponse, error.Code);
        Assert.Equal("The server at https://api.test/coding/v1 answered 200 with an HTML page (text/html) instead of JSON (a chat completion): <html><body>captive portal</body></html> This is not the Kimi API; check base_url in config.toml (or KIMI_CODE_BASE_URL), or sign in to the network's captive portal.", error.Message);
        Assert.Single(h.Handler.Requests);
    }

    [Theory]
    [InlineData("Invalid request: Your request exceeded model token limit: 262144")]
    [InlineData("This model's maximum context length is 128000 tokens")]
    public async Task ContextOverflow_400_ExactMessage(string serverMessage)
    {
        using var h = new Harness();
        h.Handler.EnqueueError(400, "invalid_request_error", serverMessage);

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.ContextOverflow, error.Code);
        Assert.Equal($"The conversation is too long for the model (400: {serverMessage}). Run /compact or start a new session.", error.Message);
        Assert.Single(h.Handler.Requests);
    }

    [Theory]
    [InlineData(400, "unsupported role ROLE_UNSPECIFIED")]
    [InlineData(404, "model not found")]
    [InlineData(422, "text content is empty")]
    public async Task BadRequest_ClientErrors_ExactMessageWithServerText(int status, string serverMessage)
    {
        using var h = new Harness();
        h.Handler.EnqueueError(status, "invalid_request_error", serverMessage);

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.BadRequest, error.Code);
        Assert.Equal($"The server rejected the request ({status}: {serverMessage}). Check the model name and base URL in config.toml; if they are right, report this with the trace id.", error.Message);
        Assert.Equal(serverMessage, error.ServerMessage);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task Network_ConnectionRefused_ExactMessage()
    {
        using var h = NoRetries();
        h.Handler.EnqueueThrow(new HttpRequestException("Connection refused (api.test:443)"));

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Network, error.Code);
        Assert.Equal("Could not reach api.test: Connection refused (api.test:443). Check your connection or KIMI_CODE_BASE_URL.", error.Message);
        Assert.True(error.IsRetryable);
        Assert.IsType<HttpRequestException>(error.InnerException);
    }

    [Fact]
    public async Task Network_HandlerTimeout_IsConnectTimeoutNotCancellation()
    {
        using var h = NoRetries();
        // Our HttpClient has no overall timeout, so a handler's TimeoutException is SocketsHttpHandler.ConnectTimeout.
        h.Handler.EnqueueThrow(new TaskCanceledException("A connection could not be established within the configured ConnectTimeout.", new TimeoutException()));

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.Client.GetResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken));

        Assert.Equal(ProviderErrorCodes.Timeout, error.Code);
        Assert.True(error.IsRetryable);
        Assert.Equal("Could not connect to api.test within 15 s (connect timeout; raise [network] connect_timeout_s or KIMI_CODE_CONNECT_TIMEOUT_S).", error.Message);
    }

    [Fact]
    public async Task ErrorBodyWithoutJson_UsesReasonPhraseWhenEmpty()
    {
        using var h = NoRetries();
        h.Handler.EnqueueText(500, "", "text/plain");

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal("The server failed (500: Internal Server Error). Try again later.", error.Message);
    }
}
