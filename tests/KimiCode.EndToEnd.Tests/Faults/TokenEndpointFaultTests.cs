using System.Text.Json;
using KimiCode.Emulator;
using static KimiCode.EndToEnd.Tests.Faults.FaultRun;

namespace KimiCode.EndToEnd.Tests.Faults;

/// <summary>
/// The fault matrix, rows on the token endpoint (docs/reliability.md): only the OAuth server's own JSON answer ends a
/// login; a proxy's page, a 5xx or silence keeps it, and a still-valid access token carries the prompt.
/// </summary>
public sealed class TokenEndpointFaultTests
{
    /// <summary>An access token within the refresh threshold (300 s) but still valid: a refresh is attempted first.</summary>
    private static readonly TimeSpan NearExpiry = TimeSpan.FromSeconds(60);

    private const string ProxyPage = "<html><head><title>401 Authorization Required</title></head><body><h1>Proxy authentication required</h1></body></html>";

    public static TheoryData<string> TransientTokenFaults => new() { "401 html", "500" };

    [Fact]
    public async Task Token_401InvalidGrantJson_LoginGoneWithLoginMessage()
    {
        await using var run = await StartAsync(expired: true);
        run.Inject(new EmulatorFault
        {
            Target = "token",
            Status = 401,
            Body = """{"error":"invalid_grant","error_description":"The refresh token is invalid or expired."}""",
            ContentType = "application/json",
            Count = 10,
        });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 1, result.ToString());
        AssertContains(ErrorLine(result, "auth.login_required"), "kimi login");
        Assert.Equal(0, run.ChatRequests);
        AssertWithin(elapsed, TimeSpan.Zero);
        AssertSessionsParse(run.Home.Root);
        if (File.Exists(run.Home.CredentialPath))
        {
            using var credential = JsonDocument.Parse(File.ReadAllBytes(run.Home.CredentialPath));
            Assert.Equal(string.Empty, credential.RootElement.GetProperty("refresh_token").GetString());
        }
    }

    [Theory]
    [MemberData(nameof(TransientTokenFaults))]
    public async Task Token_TransientFaultWithValidAccessToken_PromptSucceedsCredentialByteIdentical(string fault)
    {
        await using var run = await StartAsync(NearExpiry);
        run.Inject(TokenFault(fault));

        var (result, elapsed) = await run.PromptAsync("still works");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Echo: still works", result.Stdout.Trim());
        Assert.Equal(1, run.TokenRequests); // a refresh was due: one try, then the still-valid token
        Assert.Equal(1, run.ChatRequests);
        AssertWithin(elapsed, Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Theory]
    [MemberData(nameof(TransientTokenFaults))]
    public async Task Token_TransientFaultWithExpiredAccessToken_RefreshFailedLoginKept(string fault)
    {
        await using var run = await StartAsync(expired: true);
        run.Inject(TokenFault(fault));

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(ErrorLine(result, "auth.refresh_failed"), "127.0.0.1");
        Assert.Equal(0, run.ChatRequests);
        AssertWithin(elapsed, Backoff + Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    internal static EmulatorFault TokenFault(string kind) => kind switch
    {
        "401 html" => new EmulatorFault { Target = "token", Status = 401, Body = ProxyPage, ContentType = "text/html", Count = 10 },
        "500" => new EmulatorFault { Target = "token", Status = 500, Count = 10 },
        "timeout" => new EmulatorFault { Target = "token", StallBeforeHeadersMs = 600_000, Count = 10 },
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };
}

/// <summary>
/// The token-endpoint timeout rows: the endpoint accepts the connection and never answers within the test config's
/// <c>[network] token_timeout_s</c>. With a still-valid access token one try is made and the token used; with an expired
/// one the refresh makes its three tries (1 s and 2 s apart) and gives up with the login kept.
/// </summary>
public sealed class TokenEndpointTimeoutFaultTests
{
    private static readonly TimeSpan TokenTimeout = TimeSpan.FromSeconds(TimeoutSeconds);

    [Fact]
    public async Task Token_TimeoutWithValidAccessToken_PromptSucceedsCredentialByteIdentical()
    {
        await using var run = await StartAsync(TimeSpan.FromSeconds(60));
        run.Inject(TokenEndpointFaultTests.TokenFault("timeout"));

        var (result, elapsed) = await run.PromptAsync("still works");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Echo: still works", result.Stdout.Trim());
        Assert.Equal(1, run.ChatRequests);
        Assert.Equal(1, run.TokenRequests);
        AssertWithin(elapsed, TokenTimeout);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Token_TimeoutWithExpiredAccessToken_RefreshFailedLoginKept()
    {
        await using var run = await StartAsync(expired: true);
        run.Inject(TokenEndpointFaultTests.TokenFault("timeout"));

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(ErrorLine(result, "auth.refresh_failed"), "127.0.0.1", "token_timeout_s");
        Assert.Equal(0, run.ChatRequests);
        Assert.Equal(3, run.TokenRequests);
        AssertWithin(elapsed, (3 * TokenTimeout) + TimeSpan.FromSeconds(3));
        await run.AssertSessionAndLoginIntactAsync();
    }
}
