using KimiCode.Agent;
using KimiCode.Agent.Tools;
using KimiCode.Cli.Shell;
using KimiCode.Cli.Tests.Support;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Cli.Tests.Shell;

/// <summary>The live region's line per running subagent: its task, what it is doing, and for how long.</summary>
public sealed class SubagentStatusTests
{
    private readonly TestTerminal _terminal = new();
    private readonly FakeTimeProvider _clock = new();
    private readonly TurnRenderer _renderer;

    public SubagentStatusTests()
    {
        _renderer = new TurnRenderer(new ShellScreen(_terminal.Console), _clock, () => false);
    }

    private static ToolCallStarted AgentStarted(string id, string title) => new(id, "Agent", title, ToolKind.Think, [], "{}");

    [Fact]
    public void TwoRunningAgents_EachHasAStatusLineWithActivityAndElapsedTime_GoneWhenFinished()
    {
        _renderer.Begin("Thinking");
        _renderer.OnEvent(AgentStarted("a1", "explore agent: map the parser"));
        _clock.Advance(TimeSpan.FromSeconds(5));
        _renderer.OnEvent(AgentStarted("a2", "plan agent: plan the fix"));
        _renderer.OnEvent(new ToolCallUpdated("a1", "explore agent 0190 started\nGrep: Grep \"Parse\"\n"));
        _clock.Advance(TimeSpan.FromSeconds(7));
        _renderer.Tick();

        string screen = _terminal.Screen.Text;
        Assert.Contains("◆ explore agent: map the parser · Grep: Grep \"Parse\" (12s)", screen, StringComparison.Ordinal);
        Assert.Contains("◆ plan agent: plan the fix (7s)", screen, StringComparison.Ordinal);
        Assert.DoesNotContain("│ Grep", screen, StringComparison.Ordinal); // an agent's progress is on its own line, not the tool output line

        _renderer.OnEvent(new ToolCallFinished("a1", "Agent", ToolResult.Success("found it")));

        screen = _terminal.Screen.Text;
        Assert.DoesNotContain("◆ explore agent", screen, StringComparison.Ordinal);
        Assert.Contains("✓ explore agent: map the parser", screen, StringComparison.Ordinal);
        Assert.Contains("◆ plan agent: plan the fix (7s)", screen, StringComparison.Ordinal);
    }
}
