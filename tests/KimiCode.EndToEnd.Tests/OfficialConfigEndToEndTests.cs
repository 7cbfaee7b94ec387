using System.Text.Json;

namespace KimiCode.EndToEnd.Tests;

/// <summary>What a kimi-code user wrote in ~/.kimi-code (instructions, SYSTEM.md, official keys) is used by the real executable.</summary>
public sealed class OfficialConfigEndToEndTests
{
    private const string Key = "sk-official-config";

    private static JsonElement LastChat(TestHome home)
        => JsonDocument.Parse(home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body).RootElement;

    [Fact]
    public async Task Print_GlobalAndProjectInstructions_ReachTheSystemPromptInOrder()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace(("agents.md", "PROJECT LOWERCASE RULES"));
        File.WriteAllText(Path.Combine(home.Root, "AGENTS.md"), "GLOBAL KIMI RULES");
        Directory.CreateDirectory(Path.Combine(home.Root, "user-home", ".agents"));
        File.WriteAllText(Path.Combine(home.Root, "user-home", ".agents", "AGENTS.md"), "GENERIC AGENT RULES");

        var result = await home.RunAsync("-p", "hello", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        string system = LastChat(home).GetProperty("messages")[0].GetProperty("content").GetString()!;
        int global = system.IndexOf("GLOBAL KIMI RULES", StringComparison.Ordinal);
        int generic = system.IndexOf("GENERIC AGENT RULES", StringComparison.Ordinal);
        int project = system.IndexOf("PROJECT LOWERCASE RULES", StringComparison.Ordinal);
        Assert.True(global > 0 && generic > global && project > generic, system);
    }

    [Fact]
    public async Task Print_SystemFile_ReplacesThePrompt()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "[identity]\nname = \"Acme Bot\"\n");
        var work = home.Workspace(("AGENTS.md", "PROJECT RULES"));
        File.WriteAllText(Path.Combine(home.Root, "SYSTEM.md"), "You are ${product_name}. Rules:\n${agents_md}");

        var result = await home.RunAsync("-p", "hello", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        string system = LastChat(home).GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.Equal($"You are Acme Bot. Rules:\n<!-- From: {Path.Combine(work, "AGENTS.md")} -->\nPROJECT RULES", system);
    }

    [Fact]
    public async Task Print_ThinkingEffortAndKeep_SentAsTheOfficialClientSendsThem()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "[thinking]\nenabled = true\neffort = \"high\"\nkeep = \"all\"\n");
        File.WriteAllText(home.ConfigPath, File.ReadAllText(home.ConfigPath).Replace(
            "max_context_size = 262144", "max_context_size = 262144\nsupport_efforts = [\"low\", \"high\", \"max\"]\ndefault_effort = \"max\"", StringComparison.Ordinal));

        var result = await home.RunAsync("-p", "hello", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("""{"type":"enabled","effort":"high","keep":"all"}""", LastChat(home).GetProperty("thinking").GetRawText());
    }

    [Fact]
    public async Task Print_DisabledTool_NotOfferedAndACallIsRefused()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "[tools]\ndisabled = [\"Bash\"]\n");
        var work = home.Workspace();
        string marker = Path.Combine(work, "made-by-bash");

        var result = await home.RunAsync("-p", $"make it\ntool: Bash {{\"command\":\"touch {marker}\"}}", "-w", work, "--yolo");

        Assert.False(File.Exists(marker), result.ToString());
        var first = JsonDocument.Parse(home.Emulator.State.Requests.First(r => r.Path == "/coding/v1/chat/completions").Body).RootElement;
        var offered = first.GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString()).ToArray();
        Assert.DoesNotContain("Bash", offered);
        Assert.Contains("Read", offered);
        var toolResult = Assert.Single(LastChat(home).GetProperty("messages").EnumerateArray(), m => m.GetProperty("role").GetString() == "tool");
        Assert.StartsWith("Error: There is no tool named 'Bash'", toolResult.GetProperty("content").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_IdentityOnAnOpenAIProvider_SlugIsTheUserAgentAndNameInThePrompt()
    {
        await using var home = await TestHome.StartAsync(o => o.ApiKeys.Add(Key));
        HomeFiles.WriteConfig(
            home.Root,
            HomeFiles.DefaultModel("open"),
            HomeFiles.ApiKeyProvider("platform", Key, home.Emulator.OpenPlatformBaseUrl),
            HomeFiles.Model("open", "platform", "kimi-k2-turbo-preview", 262144),
            "[identity]\nname = \"Acme Dev Agent\"\n");
        File.WriteAllText(home.ConfigPath, File.ReadAllText(home.ConfigPath).Replace("type = \"kimi\"", "type = \"openai\"", StringComparison.Ordinal));

        var result = await home.RunAsync("-p", "hello", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        var chat = home.Emulator.State.Requests.Last(r => r.Path == "/v1/chat/completions");
        Assert.StartsWith("acme-dev-agent/", chat.Headers["User-Agent"], StringComparison.Ordinal);
        string system = JsonDocument.Parse(chat.Body).RootElement.GetProperty("messages")[0].GetProperty("content").GetString()!;
        Assert.StartsWith("You are Acme Dev Agent, an interactive coding agent", system, StringComparison.Ordinal);
    }
}
