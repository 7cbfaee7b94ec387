using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>
/// Cancellation belongs to the session from the moment a prompt is accepted: a <c>session/cancel</c> sent at any
/// moment after the prompt (even before its handler has started) ends it <c>cancelled</c>, and a prompt sent right
/// after a cancel waits for the cancelled one instead of being rejected.
/// </summary>
public sealed class CancelRaceTests
{
    private const int Rounds = 30;

    // A turn far slower than any delay below: 200 characters, one every 20 ms (4 s).
    private static readonly string SlowTurn = $$"""{"turns":[{"text":"{{new string('s', 200)}}","chunk_size":1,"delay_ms":20}]}""";

    private static string CancelParams(string sessionId) => $$"""{"sessionId":{{Json.Str(sessionId)}}}""";

    [Theory]
    [InlineData(0)]
    [InlineData(10)]
    [InlineData(100)]
    public async Task Cancel_SentShortlyAfterPrompt_AlwaysCancelled(int delayMs)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        var outcomes = new List<string>();
        for (int round = 0; round < Rounds; round++)
        {
            harness.Emulator.State.LoadScript(SlowTurn);
            Task<JsonElement> prompt = harness.PromptAsync(sessionId, "take your time");
            if (delayMs > 0)
            {
                await Task.Delay(delayMs, TestContext.Current.CancellationToken);
            }

            await harness.Client.NotifyAsync("session/cancel", CancelParams(sessionId));
            outcomes.Add((await prompt).Text("stopReason"));
        }

        Assert.All(outcomes, reason => Assert.Equal("cancelled", reason));
    }

    [Fact]
    public async Task Prompt_RightAfterCancel_WaitsAndSucceeds()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();

        for (int round = 0; round < 10; round++)
        {
            harness.Emulator.State.LoadScript(SlowTurn);
            Task<JsonElement> first = harness.PromptAsync(sessionId, "long one");
            if (round % 2 == 1)
            {
                await harness.Client.NextUpdateAsync(u => u.Tag() == "agent_message_chunk");
            }

            await harness.Client.NotifyAsync("session/cancel", CancelParams(sessionId));
            harness.Emulator.State.LoadScript("""{"turns":[{"text":"short answer"}]}""");
            Task<JsonElement> followUp = harness.PromptAsync(sessionId, "short one");

            Assert.Equal("cancelled", (await first).Text("stopReason"));
            Assert.Equal("end_turn", (await followUp).Text("stopReason"));
        }
    }
}
