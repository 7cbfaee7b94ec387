using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

/// <summary>Skills over ACP: advertised as slash commands, expanded when a prompt starts with one.</summary>
public sealed class SkillCommandTests
{
    private static void WriteProjectSkill(AcpHarness harness, string name, string body)
    {
        string folder = Path.Combine(harness.Workspace, ".kimi-code", "skills", name);
        Directory.CreateDirectory(folder);
        File.WriteAllText(Path.Combine(folder, "SKILL.md"), $"---\nname: {name}\ndescription: Review a pull request\narguments: [pr]\n---\n{body}\n");
    }

    [Fact]
    public async Task NewSession_ProjectSkill_AdvertisedWithInitAfterCompact()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        WriteProjectSkill(harness, "review", "Review $pr.");

        await harness.NewSessionAsync();
        JsonElement update = await harness.Client.NextUpdateAsync(u => u.Tag() == "available_commands_update");

        var commands = update.GetProperty("update").GetProperty("availableCommands").EnumerateArray()
            .ToDictionary(c => c.Text("name"), c => c);
        Assert.Equal(["compact", "skill:review", "init"], commands.Keys);
        Assert.Equal("Review a pull request", commands["skill:review"].Text("description"));
        Assert.Equal("pr", commands["skill:review"].GetProperty("input").Text("hint"));
    }

    [Fact]
    public async Task Prompt_SkillCommand_ExpandedIntoTheModelRequest()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        WriteProjectSkill(harness, "review", "Check the tests of $pr first.");
        string sessionId = await harness.NewSessionAsync();

        JsonElement result = await harness.PromptAsync(sessionId, "/skill:review #42");

        Assert.Equal("end_turn", result.Text("stopReason"));
        string body = harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Contains("Check the tests of #42 first.", body, StringComparison.Ordinal);
        Assert.Contains("User activated the skill", body, StringComparison.Ordinal);
    }
}
