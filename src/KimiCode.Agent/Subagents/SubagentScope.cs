using System.Collections.Concurrent;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Subagents;

/// <summary>
/// What a session's <c>Agent</c> calls start from: the session's own options (its model, permission policy, prompter,
/// hooks), the main session's tools and system prompt, where transcripts go and how deep this session is.
/// </summary>
internal sealed record SubagentScope
{
    /// <summary>The deepest a subagent may be: the main agent is depth 0; a subagent at this depth gets no <c>Agent</c> tool.</summary>
    public const int MaxDepth = 3;

    /// <summary>The options of the session this scope belongs to (a subagent's approvals go through its <see cref="AgentSessionOptions.Prompter"/>).</summary>
    public required AgentSessionOptions Options { get; init; }

    /// <summary>The main session's tools: a subagent's are chosen from these by its profile.</summary>
    public required ToolRegistry BaseTools { get; init; }

    /// <summary>The main session's system prompt (built-in profiles add their role to it; agent files may embed it).</summary>
    public required string MainSystemPrompt { get; init; }

    /// <summary>The main session's id (hook payloads carry it).</summary>
    public required string SessionId { get; init; }

    /// <summary>The folder of subagent transcripts, beside the main session's file.</summary>
    public required string TranscriptDirectory { get; init; }

    /// <summary>0 for the main session, 1 for a subagent it started, and so on.</summary>
    public int Depth { get; init; }

    /// <summary>The subagents running now anywhere in this session's tree (a running one cannot be resumed twice at once).</summary>
    public required ConcurrentDictionary<string, byte> Running { get; init; }

    /// <summary>The scope of the main session.</summary>
    public static SubagentScope ForMainSession(AgentSessionOptions options, string sessionId, string systemPrompt, string sessionFile) => new()
    {
        Options = options,
        BaseTools = options.Tools,
        MainSystemPrompt = systemPrompt,
        SessionId = sessionId,
        TranscriptDirectory = Path.Combine(Path.GetDirectoryName(Path.GetFullPath(sessionFile))!, "subagents"),
        Running = new ConcurrentDictionary<string, byte>(StringComparer.Ordinal),
    };
}
