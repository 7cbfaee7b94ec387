using KimiCode.Agent.Permissions;
using KimiCode.Agent.Skills;
using KimiCode.Agent.Tests.Support;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Skills;

/// <summary>The Skill tool in the loop, against the emulator.</summary>
public sealed class SkillToolTests
{
    private static readonly Skill Review = new()
    {
        Name = "review",
        Description = "Review a change against the team's checklist",
        WhenToUse = "the user asks for a review",
        Arguments = ["target"],
        Body = "Review $target carefully.",
        Source = SkillSource.Project,
    };

    private static readonly Skill Private = new() { Name = "release", Description = "Cut a release", DisableModelInvocation = true, Body = "Release." };

    private static readonly Skill Flow = new() { Name = "onboard", Description = "Walk through onboarding", Type = "flow", Body = "Onboard." };

    private static async Task<(AgentHarness H, AgentSession Session)> StartAsync(string script)
    {
        AgentHarness h = await AgentHarness.StartAsync();
        h.Script(script);
        var tools = ToolRegistry.CreateDefault(new TodoList()).With([new SkillTool(TestCatalog())]);
        var options = new AgentSessionOptions
        {
            ChatClient = h.Client,
            Model = "kimi-for-coding",
            ContextWindowTokens = 262_144,
            Tools = tools,
            ToolContext = h.Context,
            Permissions = new PermissionPolicy(PermissionMode.Default, [], h.WorkDir, []),
            Prompter = h.Prompter,
            Store = h.Store,
            Time = h.Time,
        };
        return (h, await AgentSession.CreateAsync(options, AgentHarness.Ct));
    }

    private static SkillCatalog TestCatalog()
    {
        // Built through real files so the catalog is the one kimi uses.
        using var folder = new TempFolder("kimi-skill-tool");
        string skills = folder.Folder("project", ".kimi-code", "skills");
        foreach (Skill skill in new[] { Review, Private, Flow })
        {
            string front = $"---\nname: {skill.Name}\ndescription: {skill.Description}\ntype: {skill.Type}\ndisableModelInvocation: {(skill.DisableModelInvocation ? "true" : "false")}\n"
                + (skill.WhenToUse is null ? "" : $"whenToUse: {skill.WhenToUse}\n")
                + (skill.Arguments.Count == 0 ? "" : $"arguments: [{string.Join(", ", skill.Arguments)}]\n");
            File.WriteAllText(Path.Combine(skills, skill.Name + ".md"), front + "---\n" + skill.Body + "\n");
        }

        return SkillCatalog.Discover(new SkillFolders(folder.Folder("project"), folder.Folder("kimi"), folder.Folder("home"), []));
    }

    [Fact]
    public async Task SkillTool_Description_ListsOnlyModelInvocableSkills()
    {
        (AgentHarness h, AgentSession session) = await StartAsync("""{"turns":[{"text":"ok"}]}""");
        await using (h)
        {
            await AgentHarness.RunAsync(session, "hi");

            var tool = h.ChatRequests()[0].GetProperty("tools").EnumerateArray().Single(t => t.GetProperty("function").GetProperty("name").GetString() == "Skill");
            string description = tool.GetProperty("function").GetProperty("description").GetString()!;
            Assert.Contains("- review: Review a change against the team's checklist (when: the user asks for a review)", description, StringComparison.Ordinal);
            Assert.DoesNotContain("release", description, StringComparison.Ordinal);
            Assert.DoesNotContain("onboard", description, StringComparison.Ordinal);
            Assert.DoesNotContain("- init", description, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SkillTool_LoadsSkill_ExpandedBodyIsTheToolResult()
    {
        (AgentHarness h, AgentSession session) = await StartAsync("""
            {"turns":[{"tool_calls":[{"id":"s1","name":"Skill","arguments":{"skill":"review","args":"PR-12"}}]},{"text":"done"}]}
            """);
        await using (h)
        {
            List<AgentEvent> events = await AgentHarness.RunAsync(session, "review PR-12");

            ToolCallFinished finished = Assert.Single(events.OfType<ToolCallFinished>());
            Assert.False(finished.Result.IsError, finished.Result.Content);
            string tool = Wire.Content(AgentHarness.Messages(h.ChatRequests()[^1]).Last(m => Wire.Role(m) == "tool"));
            Assert.Contains("<skill-loaded name=\"review\" trigger=\"model-tool\" source=\"project\"", tool, StringComparison.Ordinal);
            Assert.Contains("Review PR-12 carefully.", tool, StringComparison.Ordinal);
        }
    }

    [Theory]
    [InlineData("release", "can only be started by the user")]
    [InlineData("onboard", "can only be started by the user")]
    [InlineData("nope", "There is no skill named \"nope\". Load one of: review.")]
    public async Task SkillTool_NotModelInvocableOrUnknown_RefusedWithReason(string name, string expected)
    {
        (AgentHarness h, AgentSession session) = await StartAsync($$$"""
            {"turns":[{"tool_calls":[{"id":"s1","name":"Skill","arguments":{"skill":"{{{name}}}"}}]},{"text":"done"}]}
            """);
        await using (h)
        {
            List<AgentEvent> events = await AgentHarness.RunAsync(session, "go");

            ToolCallFinished finished = Assert.Single(events.OfType<ToolCallFinished>());
            Assert.True(finished.Result.IsError);
            Assert.Contains(expected, finished.Result.Content, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task SkillTool_FourthLoadInOneTurn_RefusedAndNextTurnStartsAgain()
    {
        static string Call(int i) => $$$"""{"tool_calls":[{"id":"s{{{i}}}","name":"Skill","arguments":{"skill":"review","args":"x{{{i}}}"}}]}""";
        (AgentHarness h, AgentSession session) = await StartAsync($$"""
            {"turns":[{{Call(1)}},{{Call(2)}},{{Call(3)}},{{Call(4)}},{"text":"done"},{{Call(5)}},{"text":"done"}]}
            """);
        await using (h)
        {
            List<AgentEvent> first = await AgentHarness.RunAsync(session, "go");
            List<AgentEvent> second = await AgentHarness.RunAsync(session, "again");

            var results = first.OfType<ToolCallFinished>().Select(f => f.Result).ToList();
            Assert.Equal([false, false, false, true], results.Select(r => r.IsError));
            Assert.Contains("trigger=\"nested-skill\"", results[1].Content, StringComparison.Ordinal);
            Assert.Contains("loaded 3 times in this turn", results[3].Content, StringComparison.Ordinal);
            Assert.False(Assert.Single(second.OfType<ToolCallFinished>()).Result.IsError);
        }
    }
}
