using System.Text.Json;

namespace KimiCode.EndToEnd.Tests;

/// <summary>The Agent tool in the real <c>kimi -p</c>, with a project agent file, against the emulator.</summary>
public sealed class SubagentsEndToEndTests
{
    private const string Key = "sk-e2e-subagents-0123456789abcdef";

    [Fact]
    public async Task Print_CustomAgent_RunsInItsOwnConversationWithItsToolsAndItsAnswerComesBack()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var config = HomeFiles.ConfigPath(home.Root);
        File.WriteAllText(config, "extra_agent_dirs = [\"team-agents\"]\n\n" + File.ReadAllText(config)); // a top-level key: before the tables
        var work = home.Workspace();
        Directory.CreateDirectory(Path.Combine(work, "team-agents"));
        File.WriteAllText(Path.Combine(work, "team-agents", "summariser.md"), "---\ndescription: Summarises text\n---\nYou summarise.\n");
        Directory.CreateDirectory(Path.Combine(work, ".kimi-code", "agents"));
        File.WriteAllText(Path.Combine(work, ".kimi-code", "agents", "reader.md"), "---\ndescription: Reads one file\ntools: [Read]\n---\nYou read files for the main agent.\n");
        File.WriteAllText(Path.Combine(work, "notes.txt"), "the answer is 42\n");
        var childPrompt = "tool: Read " + JsonSerializer.Serialize(new { file_path = "notes.txt" });
        var prompt = "PARENT-ONLY\ntool: Agent " + JsonSerializer.Serialize(new { prompt = childPrompt, description = "read notes", subagent_type = "reader" });

        var result = await home.RunAsync("-p", prompt, "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        var chats = home.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Select(r => JsonDocument.Parse(r.Body)).ToList();
        Assert.Equal(4, chats.Count); // main, subagent (Read), subagent (answer), main
        var agentTool = chats[0].RootElement.GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("function").GetProperty("name").GetString() == "Agent");
        var types = agentTool.GetProperty("function").GetProperty("description").GetString();
        Assert.Contains("- reader: Reads one file", types, StringComparison.Ordinal);
        Assert.Contains("- summariser: Summarises text", types, StringComparison.Ordinal); // from extra_agent_dirs
        var child = chats[1].RootElement;
        Assert.DoesNotContain("PARENT-ONLY", child.GetRawText(), StringComparison.Ordinal);
        Assert.Equal(["Read"], child.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()));
        var toolResult = chats[3].RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "tool").GetProperty("content").ToString();
        Assert.StartsWith("Tool Read returned:", toolResult, StringComparison.Ordinal);
        Assert.Contains("the answer is 42", toolResult, StringComparison.Ordinal);
        var transcript = Assert.Single(Directory.GetFiles(Path.Combine(home.Root, "sessions"), "*.jsonl", SearchOption.AllDirectories), p => p.Contains($"{Path.DirectorySeparatorChar}subagents{Path.DirectorySeparatorChar}", StringComparison.Ordinal));
        Assert.Contains("\"agent_type\":\"reader\"", File.ReadAllText(transcript), StringComparison.Ordinal);
        foreach (var chat in chats)
        {
            chat.Dispose();
        }
    }
}
