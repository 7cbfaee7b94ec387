using Microsoft.Extensions.Logging;

namespace KimiCode.Agent.Loop;

/// <summary>The agent's log lines: which tool ran and how it ended, never its arguments or output (they may hold secrets).</summary>
internal static partial class AgentLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "tool {Name} ({CallId}): {Outcome} after {ElapsedMs:0} ms")]
    public static partial void ToolCallFinished(ILogger logger, string name, string callId, string outcome, double elapsedMs);
}
