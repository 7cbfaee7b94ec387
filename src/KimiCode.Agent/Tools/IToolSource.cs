namespace KimiCode.Agent.Tools;

/// <summary>
/// Tools that come and go during a session (an MCP server that finishes starting late, or stops). The session asks
/// before every model request, declares exactly the tools the answer holds, and dispatches that request's calls only to
/// them: a tool that went away is neither offered nor run, and one that joined needs the same permission as any other.
/// </summary>
public interface IToolSource
{
    /// <summary>
    /// The tools for the next model request (after the session's fixed ones; a name already taken is skipped) and what
    /// the model must be told about tools that went away since the last request. May wait briefly for tools that are
    /// still arriving; honours <paramref name="cancellationToken"/>.
    /// </summary>
    ValueTask<ToolSourceSnapshot> SnapshotAsync(CancellationToken cancellationToken);
}

/// <summary>What an <see cref="IToolSource"/> offers one model request.</summary>
/// <param name="Tools">The tools to declare. The same list instance while nothing changed (the session reuses its registry).</param>
/// <param name="Notices">One line each for the model (e.g. "The MCP server 'x' stopped …"); said once, empty otherwise.</param>
public sealed record ToolSourceSnapshot(IReadOnlyList<IAgentTool> Tools, IReadOnlyList<string> Notices);
