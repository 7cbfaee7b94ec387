using KimiCode.Emulator;
using static KimiCode.EndToEnd.Tests.Faults.FaultRun;

namespace KimiCode.EndToEnd.Tests.Faults;

/// <summary>The fault matrix, rows where the connection or the body is at fault: refused, reset, silence, not the API (docs/reliability.md).</summary>
public sealed class TransportFaultTests
{
    [Fact]
    public async Task Chat_ConnectionRefused_ThreeAttemptsThenNetworkError()
    {
        await using var run = await StartAsync();
        var original = run.Home.Environment["KIMI_CODE_BASE_URL"];
        run.Home.Environment["KIMI_CODE_BASE_URL"] = RefusingBaseUrl();

        var (result, elapsed) = await run.PromptAsync();
        run.Home.Environment["KIMI_CODE_BASE_URL"] = original;

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(ErrorLine(result, "provider.network"), "127.0.0.1", $"(gave up after {Attempts} attempts in ");
        Assert.Equal(0, run.ChatRequests);
        AssertWithin(elapsed, Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_ResetMidStream_RetriedThenStreamInterrupted()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { ResetAfterChunks = 1, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(ErrorLine(result, "provider.stream_interrupted"), $"(gave up after {Attempts} attempts in ");
        Assert.Equal(Attempts, run.ChatRequests);
        AssertWithin(elapsed, Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_HeadersNeverSent_HeadersTimeoutNamedWithItsKey()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { StallBeforeHeadersMs = 600_000, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(
            ErrorLine(result, "provider.timeout"),
            "127.0.0.1",
            "headers timeout",
            "headers_timeout_s",
            $"(gave up after {Attempts} attempts in ");
        Assert.Equal(Attempts, run.ChatRequests);
        AssertWithin(elapsed, TimeSpan.FromSeconds(Attempts * TimeoutSeconds) + Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_StreamStallsAfterFirstChunk_StreamIdleTimeoutNamedWithItsKey()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { StallAfterChunks = 1, StallMs = 600_000, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 75, result.ToString());
        AssertContains(
            ErrorLine(result, "provider.timeout"),
            "127.0.0.1",
            "stream idle timeout",
            "stream_idle_timeout_s",
            $"(gave up after {Attempts} attempts in ");
        Assert.Equal(Attempts, run.ChatRequests);
        AssertWithin(elapsed, TimeSpan.FromSeconds(Attempts * TimeoutSeconds) + Backoff);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_Status200WithHtml_NotTheKimiApiNamingBaseUrlNotRetried()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { Status = 200, Body = "<html><body>Welcome to the hotel Wi-Fi. Accept the terms.</body></html>", ContentType = "text/html", Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 1, result.ToString());
        AssertContains(ErrorLine(result, "provider.bad_response"), run.Emulator.CodingBaseUrl, "not the Kimi API", "base_url");
        Assert.Equal(1, run.ChatRequests);
        AssertWithin(elapsed, TimeSpan.Zero);
        await run.AssertSessionAndLoginIntactAsync();
    }

    [Fact]
    public async Task Chat_MalformedSse_BadResponseNotRetried()
    {
        await using var run = await StartAsync();
        run.Inject(new EmulatorFault { MalformedSse = true, Count = 10 });

        var (result, elapsed) = await run.PromptAsync();

        Assert.True(result.ExitCode == 1, result.ToString());
        ErrorLine(result, "provider.bad_response");
        Assert.Equal(1, run.ChatRequests);
        AssertWithin(elapsed, TimeSpan.Zero);
        await run.AssertSessionAndLoginIntactAsync();
    }
}
