using System.Net;
using System.Net.Sockets;
using KimiCode.Emulator;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests.Emulator;

/// <summary>
/// Each error class the provider knows, produced by the real emulator (its gates, validation or an
/// injected fault), with the exact user-facing message and the retry decision visible in its log.
/// Clients retry immediately here (BaseDelay 0, at most 2 attempts) so a wrong retry shows as a second request.
/// </summary>
public sealed class ErrorClassTests
{
    private const string AccessTerminatedMessage =
        "Kimi For Coding is currently only available for Coding Agents such as Kimi CLI, Claude Code, Roo Code, Kilo Code, etc.";

    [Fact]
    public async Task BadRequest_ToolResultWithUnknownCallId_ThrowsBadRequestWithServerMessage()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o => o.Retry.MaxAttempts = 10);
        List<ChatMessage> messages = [new(ChatRole.User, "hi"), new(ChatRole.Tool, [new FunctionResultContent("call_missing", "result")])];

        ProviderException error = (await session.StreamAsync(client, messages)).ExpectError();

        const string server = "Invalid request: tool_call_id call_missing is not found in any earlier assistant tool call";
        Assert.Equal(ProviderErrorCodes.BadRequest, error.Code);
        Assert.Equal(
            $"The server rejected the request (400: {server}). Check the model name and base URL in config.toml; if they are right, report this with the trace id.",
            error.Message);
        Assert.Equal((400, server, "invalid_request_error"), (error.StatusCode, error.ServerMessage, error.ServerErrorType));
        Assert.StartsWith("trace-", error.TraceId, StringComparison.Ordinal);
        Assert.Single(session.ChatRequests);
    }

    [Fact]
    public async Task BadRequest_UnknownModel_ThrowsBadRequestNamingTheModel()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o => o.Model = "kimi-nonexistent");

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct));

        Assert.Equal(ProviderErrorCodes.BadRequest, error.Code);
        Assert.Equal(
            "The server rejected the request (404: Not found the model kimi-nonexistent or Permission denied). Check the model name and base URL in config.toml; if they are right, report this with the trace id.",
            error.Message);
        Assert.Single(session.ChatRequests);
    }

    [Fact]
    public async Task Auth_UnknownApiKey_ThrowsAuthOnceWithoutLeakingTheKey()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o => { o.Tokens = new StaticTokenSource("sk-wrong-key-1234"); o.Retry.MaxAttempts = 10; });

        ProviderException error = (await session.StreamAsync(client)).ExpectError();

        Assert.Equal(ProviderErrorCodes.Auth, error.Code);
        Assert.Equal(
            "The server rejected the credentials (401: The API Key appears to be invalid or may have expired. Please verify your credentials and try again.). Run `kimi login` (or check the API key) and try again.",
            error.Message);
        Assert.False(error.IsRetryable);
        Assert.DoesNotContain("sk-wrong-key-1234", error.ToString(), StringComparison.Ordinal);
        RecordedRequest request = Assert.Single(session.ChatRequests);
        Assert.Equal(401, request.StatusCode);
        Assert.Equal(0, session.State.ChatCount);
    }

    [Fact]
    public async Task PaymentRequired_402_ThrowsPaymentRequiredWithoutRetry()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 402, Count = 5 });
        KimiChatClient client = session.Client(o => o.Retry.MaxAttempts = 10);

        ProviderException error = (await session.StreamAsync(client)).ExpectError();

        Assert.Equal(ProviderErrorCodes.PaymentRequired, error.Code);
        Assert.Equal(
            "Payment required (402: Your membership has expired. Renew it to continue.): the Kimi membership has expired or does not cover this model. Renew it on kimi.com, then try again.",
            error.Message);
        Assert.Single(session.ChatRequests);
    }

    [Fact]
    public async Task AccessTerminated_PlatformNotAdmitted_OneRequestAndMessageNamesSentPlatform()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o =>
        {
            o.IdentityHeaders = [new("X-Msh-Platform", "kimi_code_cli"), new("X-Msh-Version", "0.1.0")];
            o.Retry = new RetryOptions(); // the defaults: 10 attempts; a 403 must still be one request
        });

        ProviderException error = (await session.StreamAsync(client)).ExpectError();

        Assert.Equal(ProviderErrorCodes.AccessTerminated, error.Code);
        Assert.Equal(
            "Access refused by the server (403 access_terminated_error): " + AccessTerminatedMessage
            + " The request identified itself as X-Msh-Platform: kimi_code_cli. To send a different platform, set custom_headers = { \"X-Msh-Platform\" = \"kimi_cli\" } in the provider's section of config.toml.",
            error.Message);
        Assert.Contains(AccessTerminatedMessage, error.Message, StringComparison.Ordinal);
        Assert.Contains("kimi_code_cli", error.Message, StringComparison.Ordinal);
        Assert.Contains("custom_headers", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("429", error.Message, StringComparison.Ordinal);
        Assert.DoesNotContain("rate limit", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("overloaded", error.Message, StringComparison.OrdinalIgnoreCase);
        Assert.False(error.IsRetryable);
        Assert.Empty(session.Notices);
        RecordedRequest request = Assert.Single(session.State.Requests);
        Assert.Equal((403, "kimi_code_cli"), (request.StatusCode, request.Headers["x-msh-platform"]));
    }

    [Fact]
    public async Task AccessTerminated_NoPlatformHeader_MessageSaysNone()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o => o.IdentityHeaders = []);

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct));

        Assert.Equal(ProviderErrorCodes.AccessTerminated, error.Code);
        Assert.Contains("The request identified itself as X-Msh-Platform: (none).", error.Message, StringComparison.Ordinal);
        Assert.Single(session.ChatRequests);
    }

    [Fact]
    public async Task RateLimit_429_RetriedThenThrowsRateLimit()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 429, Count = 2 });
        KimiChatClient client = session.Client();

        StreamOutcome outcome = await session.StreamAsync(client);

        ProviderException error = outcome.ExpectError();
        Assert.Equal(ProviderErrorCodes.RateLimit, error.Code);
        Assert.Equal(
            "Too many requests (429: Your account is rate limited, please try again after a while (emulated fault).). Wait a moment and try again. (gave up after 2 attempts in 0 s)",
            error.Message);
        Assert.True(error.IsRetryable);
        Assert.Equal([429, 429], session.ChatRequests.Select(r => r.StatusCode));
        RetryNotice notice = Assert.Single(outcome.RetryNotices);
        Assert.Equal((2, ProviderErrorCodes.RateLimit, 429), (notice.Attempt, notice.Code, notice.StatusCode));
    }

    [Fact]
    public async Task QuotaExceeded_429Quota_ThrowsQuotaExceededWithoutRetry()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault
        {
            Status = 429,
            Count = 5,
            Body = """{"error":{"message":"You exceeded your current token quota.","type":"exceeded_current_quota_error"}}""",
        });
        KimiChatClient client = session.Client(o => o.Retry.MaxAttempts = 10);

        ProviderException error = (await session.StreamAsync(client)).ExpectError();

        Assert.Equal(ProviderErrorCodes.QuotaExceeded, error.Code);
        Assert.Equal(
            "The plan's quota is used up (429 exceeded_current_quota_error: You exceeded your current token quota.). Wait for the quota to reset or upgrade the plan; retrying now will not help.",
            error.Message);
        Assert.False(error.IsRetryable);
        Assert.Single(session.ChatRequests);
        Assert.Empty(session.Notices);
    }

    [Fact]
    public async Task Overloaded_529_RetriedThenThrowsOverloaded()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 529, Count = 2 });
        KimiChatClient client = session.Client();

        ProviderException error = (await session.StreamAsync(client)).ExpectError();

        Assert.Equal(ProviderErrorCodes.Overloaded, error.Code);
        Assert.Equal(
            "The model is overloaded (529: The engine is currently overloaded, please try again later (emulated fault).). Try again in a few minutes. (gave up after 2 attempts in 0 s)",
            error.Message);
        Assert.Equal(2, session.ChatRequests.Count);
    }

    [Fact]
    public async Task Overloaded_503MentioningOverload_ThrowsOverloaded()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault
        {
            Status = 503,
            Count = 2,
            Body = """{"error":{"message":"Engine overloaded, please retry shortly","type":"server_error"}}""",
        });
        KimiChatClient client = session.Client();

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct));

        Assert.Equal(ProviderErrorCodes.Overloaded, error.Code);
        Assert.Equal("The model is overloaded (503: Engine overloaded, please retry shortly). Try again in a few minutes. (gave up after 2 attempts in 0 s)", error.Message);
        Assert.Equal(2, session.ChatRequests.Count);
    }

    [Fact]
    public async Task Server_500_RetriedThenThrowsServer()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 500, Count = 2 });
        KimiChatClient client = session.Client();

        ProviderException error = (await session.StreamAsync(client)).ExpectError();

        Assert.Equal(ProviderErrorCodes.Server, error.Code);
        Assert.Equal(
            "The server failed (500: The server had an error while processing your request (emulated fault).). Try again later. (gave up after 2 attempts in 0 s)",
            error.Message);
        Assert.Equal(2, session.ChatRequests.Count);
    }

    [Fact]
    public async Task Server_500Once_RetriedAndAnswered()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 500 });
        KimiChatClient client = session.Client();

        StreamOutcome outcome = (await session.StreamAsync(client)).ExpectSuccess();

        Assert.Equal("Echo: hi", outcome.Text);
        Assert.Equal([500, 200], session.ChatRequests.Select(r => r.StatusCode));
        Assert.Equal(ProviderErrorCodes.Server, Assert.Single(outcome.RetryNotices).Code);
    }

    [Fact]
    public async Task Network_ConnectionRefused_RetriedThenThrowsNetwork()
    {
        // A port that was free a moment ago and has nothing listening: the connection is refused.
        int closedPort;
        using (var probe = new TcpListener(IPAddress.Loopback, 0))
        {
            probe.Start();
            closedPort = ((IPEndPoint)probe.LocalEndpoint).Port;
        }

        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o => o.BaseUrl = new Uri($"http://127.0.0.1:{closedPort}/coding/v1"));

        StreamOutcome outcome = await session.StreamAsync(client);

        ProviderException error = outcome.ExpectError();
        Assert.Equal(ProviderErrorCodes.Network, error.Code);
        Assert.StartsWith("Could not reach 127.0.0.1: Connection refused", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(". Check your connection or KIMI_CODE_BASE_URL. (gave up after 2 attempts in 0 s)", error.Message, StringComparison.Ordinal);
        Assert.Null(error.StatusCode);
        Assert.Equal(ProviderErrorCodes.Network, Assert.Single(outcome.RetryNotices).Code);
        Assert.Empty(session.State.Requests);
    }

    [Fact]
    public async Task ContextOverflow_ConversationBeyondTokenLimit_ThrowsContextOverflowWithoutRetry()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o => o.Retry.MaxAttempts = 10);
        string huge = new('x', (4 * 262144) + 1);

        ProviderException error = (await session.StreamAsync(client, EmulatorSession.Prompt(huge))).ExpectError();

        Assert.Equal(ProviderErrorCodes.ContextOverflow, error.Code);
        Assert.Equal(
            "The conversation is too long for the model (400: Invalid request: Your request exceeded model token limit: 262144). Run /compact or start a new session.",
            error.Message);
        Assert.Single(session.ChatRequests);
    }

    [Fact]
    public async Task StreamInterrupted_CutBeforeAnyOutput_RetriedAndAnswered()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        // The first chunk is the role-only delta: nothing reaches the caller before the cut.
        session.State.InjectFault(new EmulatorFault { CutStreamAfterChunks = 1 });
        KimiChatClient client = session.Client();

        StreamOutcome outcome = (await session.StreamAsync(client)).ExpectSuccess();

        Assert.Equal("Echo: hi", outcome.Text);
        Assert.Equal("The user said: hi", outcome.Reasoning);
        RetryNotice notice = Assert.Single(outcome.RetryNotices);
        Assert.Equal(ProviderErrorCodes.StreamInterrupted, notice.Code);
        Assert.Same(notice, outcome.Updates[0].Contents.Single());
        Assert.Equal(2, session.ChatRequests.Count);
        Assert.Equal(1, session.State.FaultsApplied);
    }

    [Fact]
    public async Task StreamInterrupted_CutAfterOutput_ThrowsWithoutRetry()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.LoadScript("""{"turns":[{"text":"One two three four five six seven eight.","chunk_size":4},{"text":"second answer"}]}""");
        // Role delta, then "One ", "two ", "thre": three text pieces reach the caller, then the connection drops.
        session.State.InjectFault(new EmulatorFault { CutStreamAfterChunks = 4 });
        KimiChatClient client = session.Client(o => o.Retry.MaxAttempts = 10);

        StreamOutcome outcome = await session.StreamAsync(client);

        ProviderException error = outcome.ExpectError();
        Assert.Equal(ProviderErrorCodes.StreamInterrupted, error.Code);
        Assert.StartsWith("The answer stream ended before the answer was complete (", error.Message, StringComparison.Ordinal);
        Assert.EndsWith("). Try again.", error.Message, StringComparison.Ordinal);
        Assert.Equal("One two thre", outcome.Text);
        Assert.Empty(outcome.RetryNotices);
        Assert.Single(session.ChatRequests);
        Assert.Equal(1, session.State.ScriptTurnsRemaining);
    }
}
