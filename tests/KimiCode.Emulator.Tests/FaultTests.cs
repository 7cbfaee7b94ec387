using System.Text;
using KimiCode.Emulator.Tests.TestSupport;
using static KimiCode.Emulator.Tests.TestSupport.EmulatorHarness;

namespace KimiCode.Emulator.Tests;

public sealed class FaultTests
{
    [Fact]
    public async Task Fault_RateLimitTwice_StatusRetryAfterThenNormal()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Target = "chat", Count = 2, Status = 429, RetryAfterSeconds = 7 });

        for (var i = 0; i < 2; i++)
        {
            using var failed = await h.ChatAsync(UserChat("x"));
            Assert.Equal(429, (int)failed.StatusCode);
            Assert.Equal(TimeSpan.FromSeconds(7), failed.Headers.RetryAfter?.Delta);
            Assert.Equal("rate_limit_reached_error", await ErrorTypeAsync(failed));
        }

        using var ok = await h.ChatAsync(UserChat("x"));
        Assert.Equal(200, (int)ok.StatusCode);
        Assert.Equal(2, h.State.FaultsApplied);
    }

    [Fact]
    public async Task Fault_ServerErrorWithCustomBody_BodySentVerbatim()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Target = "models", Status = 503, Body = "upstream unavailable" });

        using var failed = await h.GetAsync("/coding/v1/models");
        Assert.Equal(503, (int)failed.StatusCode);
        Assert.Equal("upstream unavailable", await failed.Content.ReadAsStringAsync(Ct));

        using var ok = await h.GetAsync("/coding/v1/models");
        Assert.Equal(200, (int)ok.StatusCode);
    }

    [Fact]
    public async Task Fault_DefaultServerError_OpenAiShapedBody()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Target = "any" });
        using var failed = await h.RefreshAsync("whatever");
        Assert.Equal(500, (int)failed.StatusCode);
        Assert.Equal("server_error", await ErrorTypeAsync(failed));
    }

    [Fact]
    public async Task Fault_TargetMismatch_OtherEndpointsUnaffected()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Target = "token", Status = 502 });

        using (var models = await h.GetAsync("/coding/v1/models"))
        {
            Assert.Equal(200, (int)models.StatusCode);
        }

        using var token = await h.RefreshAsync("rt-x");
        Assert.Equal(502, (int)token.StatusCode);
    }

    [Fact]
    public async Task Fault_CutStream_EndsWithoutDone()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { CutStreamAfterChunks = 3 });

        using var response = await h.ChatAsync(UserChat("a message long enough for many chunks"));
        Assert.Equal(200, (int)response.StatusCode);
        var sse = await SseStream.ReadAsync(response, Ct);
        Assert.False(sse.SawDone);
        Assert.True(sse.Broken, "the connection is aborted, not ended cleanly");
        Assert.Equal(3, sse.Chunks.Count);
        Assert.Null(sse.FinishReason);

        using var next = await h.ChatAsync(UserChat("again"));
        Assert.True((await SseStream.ReadAsync(next, Ct)).SawDone);
    }

    [Fact]
    public async Task Fault_LatencyOnly_DelaysThenServesNormally()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.InjectFault(new EmulatorFault { Target = "models", Status = 200, LatencyMs = 20 });

        using var response = await h.GetAsync("/coding/v1/models");
        Assert.Equal(200, (int)response.StatusCode);
        Assert.Equal(1, h.State.FaultsApplied);
        Assert.Equal(200, h.State.Requests.Single().StatusCode);
    }

    [Fact]
    public async Task ControlFaults_PostedOverHttp_Applied()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var fault = """{"target":"chat","count":1,"status":529,"retry_after_seconds":2,"body":{"error":{"message":"overloaded","type":"engine_overloaded_error"}}}""";
        using (var post = await h.Http.PostAsync("/_emulator/faults", new StringContent(fault, Encoding.UTF8, "application/json"), Ct))
        {
            Assert.Equal(200, (int)post.StatusCode);
        }

        using var failed = await h.ChatAsync(UserChat("x"));
        Assert.Equal(529, (int)failed.StatusCode);
        Assert.Equal(TimeSpan.FromSeconds(2), failed.Headers.RetryAfter?.Delta);
        Assert.Equal("engine_overloaded_error", await ErrorTypeAsync(failed));
    }

    [Fact]
    public async Task InjectFault_UnknownTarget_Throws()
    {
        await using var h = await EmulatorHarness.StartAsync();
        Assert.Throws<ArgumentException>(() => h.State.InjectFault(new EmulatorFault { Target = "everything" }));
    }
}
