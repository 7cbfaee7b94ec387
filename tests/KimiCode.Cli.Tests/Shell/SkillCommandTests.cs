using System.Text.Json;
using KimiCode.Cli.Tests.Support;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>Skills in the shell: <c>/skill:name args</c> and <c>/init</c> send the skill's text as the prompt.</summary>
public sealed class SkillCommandTests
{
    private static void WriteSkill(string folder, string name, string description, string body)
    {
        Directory.CreateDirectory(Path.Combine(folder, name));
        File.WriteAllText(Path.Combine(folder, name, "SKILL.md"), $"---\nname: {name}\ndescription: {description}\narguments: [who]\n---\n{body}\n");
    }

    private static string LastUserText(ShellHarness shell)
    {
        using var doc = JsonDocument.Parse(shell.ChatRequests()[^1].Body);
        var user = doc.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "user");
        var content = user.GetProperty("content");
        return content.ValueKind == JsonValueKind.String ? content.GetString()! : content.GetRawText();
    }

    [Fact]
    public async Task SkillCommand_UserAndProjectSameName_ProjectSkillExpandedIntoTheRequest()
    {
        await using var shell = await ShellHarness.CreateAsync();
        WriteSkill(Path.Combine(shell.Home, "skills"), "greet", "user greeting", "USER-BODY greet $who");
        WriteSkill(Path.Combine(shell.WorkDir, ".kimi-code", "skills"), "greet", "project greeting", "PROJECT-BODY greet $who warmly");
        await shell.StartAsync();

        var help = await shell.SendAsync("/help");
        await shell.SendAsync("/skill:greet Ada");

        Assert.Contains("/skill:greet <who>", help);
        Assert.Contains("project greeting", help);
        string sent = LastUserText(shell);
        Assert.Contains("PROJECT-BODY greet Ada warmly", sent);
        Assert.Contains("User activated the skill \"greet\"", sent);
        Assert.DoesNotContain("USER-BODY", sent);
    }

    [Fact]
    public async Task InitCommand_BuiltIn_AsksTheAgentToWriteAgentsMd()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        await shell.SendAsync("/init");

        string sent = LastUserText(shell);
        Assert.Contains("<skill-loaded name=\"init\"", sent);
        Assert.Contains("AGENTS.md", sent);
    }

    [Fact]
    public async Task SkillCommand_UnknownSkill_ErrorAndNothingSent()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("/skill:nope please");

        Assert.Contains("Unknown command /skill:nope", screen);
        Assert.Empty(shell.ChatRequests());
    }
}
