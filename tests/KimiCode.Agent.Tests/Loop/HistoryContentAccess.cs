using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Tests.Loop;

/// <summary>Test access to the agent's internal history helpers.</summary>
internal static class HistoryContentAccess
{
    public static string Arguments(FunctionCallContent call) => KimiCode.Agent.Loop.HistoryContent.ArgumentsJson(call, sortKeys: true);
}
