using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

public sealed class MalformedInputTests
{
    [Fact]
    public async Task Server_200FuzzedMalformedLines_EachGetsTheRightErrorAndTheSessionStillWorks()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        string sessionId = await harness.NewSessionAsync();
        harness.Client.DrainUpdates();

        List<MalformedLine> lines = MalformedLines.Generate(seed: 20_260_807, count: 200);
        foreach (MalformedLine line in lines)
        {
            await harness.Client.SendBytesAsync([.. line.Bytes, (byte)'\n']);
            JsonElement response = await harness.Client.NextUnmatchedResponseAsync();

            Assert.True(response.TryGetProperty("error", out JsonElement error), $"{line} got {response.GetRawText()}");
            Assert.True(line.ExpectedCode == error.GetProperty("code").GetInt32(), $"{line} got {response.GetRawText()}");
            Assert.True(line.ExpectedId == response.GetProperty("id").GetRawText(), $"{line} got {response.GetRawText()}");
            Assert.False(string.IsNullOrWhiteSpace(error.Text("message")));
        }

        JsonElement prompt = await harness.PromptAsync(sessionId, "still working?");
        Assert.Equal("end_turn", prompt.Text("stopReason"));
        Assert.False(harness.Client.HasUnmatchedResponse);
        Assert.Equal(15, lines.Select(l => l.Kind).Distinct().Count());
    }
}
