using KimiCode.Agent.Sessions;
using KimiCode.Config;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Subagents;

/// <summary>
/// A subagent's transcript: <c>subagents/&lt;agent id&gt;.jsonl</c> beside the main session's <c>context.jsonl</c>, in the
/// same record format (a header naming the agent type, then every message), written record by record and flushed, so
/// a crash loses at most the record in flight; it is what <c>resume</c> continues from.
/// </summary>
internal static class SubagentTranscript
{
    /// <summary>The transcript of agent <paramref name="agentId"/>.</summary>
    public static string PathOf(SubagentScope scope, string agentId) => Path.Combine(scope.TranscriptDirectory, agentId + ".jsonl");

    /// <summary>The agent type a transcript was started as; null with <paramref name="problem"/> when there is no such agent.</summary>
    public static string? AgentTypeOf(SubagentScope scope, string agentId, out string? problem)
    {
        // Only an id the session made: a model-written path must not lead the read anywhere else.
        string path = PathOf(scope, agentId);
        if (!SessionStore.IsSessionId(agentId) || !File.Exists(path))
        {
            problem = $"Agent: there is no agent \"{agentId}\" in this session to resume; pass the agent_id an earlier Agent result gave, or start a new agent.";
            return null;
        }

        string? first;
        try
        {
            using var reader = new StreamReader(path);
            first = reader.ReadLine();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            problem = $"Agent: the transcript of agent {agentId} cannot be read ({ex.Message}); start a new agent.";
            return null;
        }

        if (first is null || !SessionReader.TryParse(System.Text.Encoding.UTF8.GetBytes(first), out var header)
            || header is not { Type: SessionRecord.HeaderType, AgentType: { Length: > 0 } type })
        {
            problem = $"Agent: the transcript of agent {agentId} has no readable header; start a new agent.";
            return null;
        }

        problem = null;
        return type;
    }

    /// <summary>A new transcript with its header.</summary>
    public static SessionLog Create(SubagentScope scope, string agentId, AgentProfile profile, string description)
    {
        KimiHome.EnsureSecretDirectory(scope.TranscriptDirectory);
        DateTimeOffset now = scope.Options.Time.GetUtcNow();
        var log = new SessionLog(PathOf(scope, agentId));
        log.Append(new SessionRecord
        {
            Type = SessionRecord.HeaderType,
            Time = now,
            Version = SessionRecord.CurrentVersion,
            Id = agentId,
            WorkDir = scope.Options.ToolContext.WorkingDirectory,
            CreatedAt = now,
            Model = scope.Options.Model,
            AgentType = profile.Name,
            Title = description,
        });
        return log;
    }

    /// <summary>An existing transcript, its torn tail repaired and unanswered tool calls given an "interrupted" result.</summary>
    public static (SessionLog Log, List<ChatMessage> History) Open(SubagentScope scope, string agentId)
    {
        var log = new SessionLog(PathOf(scope, agentId));
        log.RepairTail();
        LoadedSession loaded = SessionReader.Read(log.Path)
            ?? throw new InvalidDataException($"the transcript {log.Path} has no readable header");
        DateTimeOffset now = scope.Options.Time.GetUtcNow();
        foreach (ChatMessage repaired in loaded.RepairedTail)
        {
            log.Append(new SessionRecord { Type = SessionRecord.MessageType, Time = now, Message = MessageCodec.ToRecord(repaired) });
        }

        return (log, loaded.Messages);
    }
}
