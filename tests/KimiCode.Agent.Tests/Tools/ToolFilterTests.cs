using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Tools;

public sealed class ToolFilterTests
{
    [Theory]
    [InlineData("Bash", true)]
    [InlineData("Read", false)]
    [InlineData("mcp__github__create_issue", true)]
    [InlineData("mcp__github__delete_repo", false)]
    [InlineData("mcp__slack__post", false)]
    public void Allows_EnabledThenDisabled_OfficialMatching(string tool, bool expected)
    {
        var filter = new ToolFilter(["Bash", "mcp__github__*"], ["mcp__github__delete*"]);

        Assert.Equal(expected, filter.Allows(tool));
    }

    [Theory]
    [InlineData("bash")]
    [InlineData("*")]
    [InlineData("Ba*")]
    [InlineData("mcp__github")]
    public void Allows_PatternsThatMatchNothing_DisableNothing(string pattern)
        => Assert.True(new ToolFilter([], [pattern]).Allows("Bash"));

    [Fact]
    public void Allows_EnabledStar_LeavesNoTool()
        => Assert.False(new ToolFilter(["*"], []).Allows("Read"));

    [Fact]
    public void Apply_DisabledTool_NotOfferedAndACallIsRefused()
    {
        var registry = new ToolFilter([], ["Bash", "TodoList"]).Apply(ToolRegistry.CreateDefault(new TodoList()));

        Assert.DoesNotContain(registry.All, t => t.Name is "Bash" or "TodoWrite");
        Assert.DoesNotContain(registry.Declarations, d => d.Name is "Bash" or "TodoWrite");
        Assert.False(registry.TryGet("Bash", out _));
        Assert.DoesNotContain("Bash", registry.UnknownToolMessage("Bash")["There is no tool named 'Bash'".Length..], StringComparison.Ordinal);
        Assert.True(registry.TryGet("Read", out _));
    }

    [Fact]
    public void Apply_NothingConfigured_SameRegistry()
    {
        var registry = ToolRegistry.CreateDefault(new TodoList());

        Assert.Same(registry, new ToolFilter([], []).Apply(registry));
    }
}
