using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Subagents;

/// <summary>
/// The caller's tools that come and go (MCP servers), as a subagent's profile allows them: a <c>coder</c> or a custom
/// agent whose <c>tools</c> list names them gets them, read-only profiles do not. The same list instance while the caller's
/// does not change, so the child's session reuses its registry.
/// </summary>
internal sealed class SubagentToolSource(IToolSource caller, Func<string, bool> allows) : IToolSource
{
    private IReadOnlyList<IAgentTool>? _from;
    private IReadOnlyList<IAgentTool> _tools = [];

    public async ValueTask<ToolSourceSnapshot> SnapshotAsync(CancellationToken cancellationToken)
    {
        ToolSourceSnapshot snapshot = await caller.SnapshotAsync(cancellationToken).ConfigureAwait(false);
        if (!ReferenceEquals(snapshot.Tools, _from))
        {
            _from = snapshot.Tools;
            _tools = [.. snapshot.Tools.Where(t => t.Name != AgentTool.ToolName && allows(t.Name))];
        }

        return snapshot with { Tools = _tools };
    }
}
