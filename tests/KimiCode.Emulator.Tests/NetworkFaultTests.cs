using System.Text;
using KimiCode.Emulator.Tests.TestSupport;
using static KimiCode.Emulator.Tests.TestSupport.EmulatorHarness;

namespace KimiCode.Emulator.Tests;

/// <summary>The fault kinds a network or a proxy produces: HTML pages, silence before or inside a stream, garbage SSE, resets.</summary>
public sealed class NetworkFaultTests
{
    private const string ProxyPage = "<html><body><h1>401 Authorization Required</h1><p>corporate proxy</p></body></html>";

    [Fact]
    public async Task Fault_ProxyHtml401OnToken_SentWithItsContentTypeAndRefreshTokenUntouched()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var tokens = h.State.IssueTokens();
        h.State.InjectFault(new EmulatorFault { Target = "token", Status = 401, Body = ProxyPage, ContentType = "text/html" });

        using (var proxied = await h.RefreshAsync(tokens.RefreshToken))
        {
            Assert.Equal(401, (int)proxied.StatusCode);
            Assert.Equal("text/html", proxied.Content.Headers.ContentType?.MediaType);
            Assert.Equal(ProxyPage, await proxied.Content.ReadAsStringAsync(Ct));
        }

        // The refresh token never reached the OAuth server: it still works.
        using var real = await h.RefreshAsync(tokens.RefreshToken);
        Assert.Equal(200, (int)real.StatusCode);
        Assert.Equal(1, h.State.RefreshCount);
        Assert.Equal(0, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task Fault_Status200WithHtmlBodyOnChat_PageInsteadOfTheApiThenNormal()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Target = "chat", Status = 200, Body = "<html>captive portal</html>", ContentType = "text/html" });

        using (var portal = await h.ChatAsync(UserChat("x")))
        {
            Assert.Equal(200, (int)portal.StatusCode);
            Assert.Equal("text/html", portal.Content.Headers.ContentType?.MediaType);
            Assert.Equal("<html>captive portal</html>", await portal.Content.ReadAsStringAsync(Ct));
        }

        Assert.Equal(0, h.State.ChatCount);
        using var ok = await h.ChatAsync(UserChat("x"));
        Assert.True((await SseStream.ReadAsync(ok, Ct)).SawDone);
    }

    [Fact]
    public async Task Fault_StallBeforeHeaders_NoResponseThenConnectionDropped()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Target = "chat", StallBeforeHeadersMs = 200 });

        await Assert.ThrowsAsync<HttpRequestException>(() => h.ChatAsync(UserChat("x")));

        Assert.Equal(0, h.State.Requests.Single().StatusCode);
        using var ok = await h.ChatAsync(UserChat("x"));
        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task Fault_StallBeforeHeadersLong_ClientThatGivesUpSeesNothing()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Target = "token", StallBeforeHeadersMs = 600_000 });
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        giveUp.CancelAfter(TimeSpan.FromMilliseconds(300));

        var request = new FormUrlEncodedContent([new("grant_type", "refresh_token"), new("refresh_token", "rt-x"), new("client_id", ClientId)]);
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.Http.PostAsync("/api/oauth/token", request, giveUp.Token));

        using var next = await h.RefreshAsync("rt-x");
        Assert.Equal(401, (int)next.StatusCode); // served normally again: an unknown token is invalid_grant
    }

    [Fact]
    public async Task Fault_StallAfterChunks_ChunksThenSilenceThenDroppedWithoutDone()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { StallAfterChunks = 2, StallMs = 100 });

        using var response = await h.ChatAsync(UserChat("a message long enough for many chunks"));
        var sse = await SseStream.ReadAsync(response, Ct);

        Assert.Equal(2, sse.Chunks.Count);
        Assert.False(sse.SawDone);
        Assert.True(sse.Broken, "the stream is aborted after the silence, not ended cleanly");
    }

    [Fact]
    public async Task Fault_StallAfterChunksLong_NothingMoreArrivesWhileTheClientWaits()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { StallAfterChunks = 1, StallMs = 600_000 });

        using var response = await h.ChatAsync(UserChat("a message long enough for many chunks"));
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Ct));
        Assert.StartsWith("data: {", await reader.ReadLineAsync(Ct));
        Assert.Equal("", await reader.ReadLineAsync(Ct));
        using var giveUp = CancellationTokenSource.CreateLinkedTokenSource(Ct);
        giveUp.CancelAfter(TimeSpan.FromMilliseconds(300));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () => await reader.ReadLineAsync(giveUp.Token));
    }

    [Fact]
    public async Task Fault_MalformedSse_GarbageDataLineAfterTheFirstChunk()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { MalformedSse = true });

        using var response = await h.ChatAsync(UserChat("hello"));
        var data = (await response.Content.ReadAsStringAsync(Ct))
            .Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(line => line["data: ".Length..])
            .ToList();

        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        Assert.True(JsonText.IsJson(data[0]));
        Assert.False(JsonText.IsJson(data[1]));
        Assert.Equal("[DONE]", data[^1]);
    }

    [Fact]
    public async Task Fault_MalformedPlainCall_TruncatedJsonBody()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { MalformedSse = true });

        using var response = await h.ChatAsync(UserChat("hello", stream: false));

        Assert.Equal(200, (int)response.StatusCode);
        Assert.False(JsonText.IsJson(await response.Content.ReadAsStringAsync(Ct)));
    }

    [Fact]
    public async Task Fault_ResetAfterChunks_AliasOfCutStream()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { ResetAfterChunks = 2 });

        using var response = await h.ChatAsync(UserChat("a message long enough for many chunks"));
        var sse = await SseStream.ReadAsync(response, Ct);

        Assert.Equal(2, sse.Chunks.Count);
        Assert.True(sse.Broken);
        Assert.False(sse.SawDone);
    }

    [Theory]
    [InlineData(429, 0)]
    [InlineData(429, 600)]
    [InlineData(529, 86_400)]
    public async Task Fault_RetryAfterZeroOrHuge_HeaderSentAsGiven(int status, int seconds)
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Status = status, RetryAfterSeconds = seconds });

        using var failed = await h.ChatAsync(UserChat("x"));

        Assert.Equal(status, (int)failed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(seconds), failed.Headers.RetryAfter?.Delta);
        Assert.Equal(status == 529 ? "engine_overloaded_error" : "rate_limit_reached_error", await ErrorTypeAsync(failed));
    }

    [Fact]
    public async Task ClearFaults_PendingFaultsDropped_CountersKept()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Status = 503, Count = 5 });
        using (var failed = await h.ChatAsync(UserChat("x")))
        {
            Assert.Equal(503, (int)failed.StatusCode);
        }

        h.State.ClearFaults();

        using var ok = await h.ChatAsync(UserChat("x"));
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal(1, h.State.FaultsApplied);
        Assert.Equal(2, h.State.Requests.Count);
    }

    [Fact]
    public void ParseFault_NewFields_ReadInSnakeCase()
    {
        var fault = ControlEndpoints.ParseFault("""
            {"target":"token","status":403,"body":"<html>denied</html>","content_type":"text/html","retry_after_seconds":0,
             "stall_before_headers_ms":1500,"stall_after_chunks":3,"stall_ms":2500,"malformed_sse":true,"reset_after_chunks":4}
            """);

        Assert.Equal("token", fault.Target);
        Assert.Equal(403, fault.Status);
        Assert.Equal("<html>denied</html>", fault.Body);
        Assert.Equal("text/html", fault.ContentType);
        Assert.Equal(0, fault.RetryAfterSeconds);
        Assert.Equal(1500, fault.StallBeforeHeadersMs);
        Assert.Equal(3, fault.StallAfterChunks);
        Assert.Equal(2500, fault.StallMs);
        Assert.True(fault.MalformedSse);
        Assert.Equal(4, fault.CutStreamAfterChunks);
    }

    [Fact]
    public void ParseFault_HugeRetryAfter_ClampedNotWrapped()
    {
        Assert.Equal(int.MaxValue, ControlEndpoints.ParseFault("""{"status":429,"retry_after_seconds":1e12}""").RetryAfterSeconds);
        Assert.Throws<FormatException>(() => ControlEndpoints.ParseFault("""{"malformed_sse":"yes"}"""));
    }

    [Fact]
    public async Task ControlFaults_HtmlOnTokenOverHttp_Applied()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var fault = """{"target":"token","status":403,"body":"<html>forbidden by proxy</html>","content_type":"text/html"}""";
        using (var post = await h.Http.PostAsync("/_emulator/faults", new StringContent(fault, Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(200, (int)post.StatusCode);
        }

        using var failed = await h.RefreshAsync("rt-x");
        Assert.Equal(403, (int)failed.StatusCode);
        Assert.Equal("text/html", failed.Content.Headers.ContentType?.MediaType);
    }
}
