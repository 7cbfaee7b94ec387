using KimiCode.Agent.Permissions;

namespace KimiCode.Agent.Subagents;

/// <summary>
/// A subagent's approvals, asked through its caller's prompter (the subagent has no channel to the user of its own): the
/// request names the agent and is filed under the caller's <c>Agent</c> call, which the front end already shows (ACP asks
/// about a tool call it has announced). The answer, "allow for this session" included, lands in the shared policy.
/// </summary>
internal sealed class SubagentPrompter(IPermissionPrompter caller, string agentCallId, string agentName) : IPermissionPrompter
{
    public Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        return caller.RequestAsync(request with { CallId = agentCallId.Length > 0 ? agentCallId : request.CallId, Title = $"{agentName} agent: {request.Title}" }, cancellationToken);
    }
}
