using System.Text;
using KimiCode.Agent.Hooks;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;

namespace KimiCode.Agent.Subagents;

/// <summary>
/// Runs one subagent to the end of its turn: a child <see cref="AgentSession"/> with no history of its caller, its own
/// system prompt and tools (chosen by its profile from the main session's), the caller's model, permission policy and
/// session grants, and its approvals asked through the caller's prompter. Its tool calls show as progress of the
/// caller's <c>Agent</c> call; only its final message comes back. <c>SubagentStart</c> runs before it starts,
/// <c>SubagentStop</c> after it finished.
/// </summary>
internal static class SubagentRun
{
    public static async Task<ToolResult> RunAsync(
        SubagentScope scope, SubagentRequest request, string callId, IProgress<ToolProgress>? progress, CancellationToken cancellationToken)
    {
        AgentSessionOptions caller = scope.Options;
        AgentProfile profile = request.Profile;
        string agentId = request.ResumeId ?? Guid.CreateVersion7(caller.Time.GetUtcNow()).ToString();
        if (!scope.Running.TryAdd(agentId, 0))
        {
            return ToolResult.Error($"Agent {agentId} is still running; wait for its result before resuming it.");
        }

        try
        {
            SessionLog log;
            List<ChatMessage> history;
            try
            {
                (log, history) = request.ResumeId is null
                    ? (SubagentTranscript.Create(scope, agentId, profile, request.Description), [])
                    : SubagentTranscript.Open(scope, agentId);
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or InvalidDataException)
            {
                return ToolResult.Error($"Agent: the transcript of agent {agentId} could not be {(request.ResumeId is null ? "created" : "read")} ({ex.Message}); the agent did not run.");
            }

            var options = new AgentSessionOptions
            {
                ChatClient = caller.ChatClient,
                Model = caller.Model,
                ContextWindowTokens = caller.ContextWindowTokens,
                ReservedTokens = caller.ReservedTokens,
                Tools = ToolsFor(scope, request),
                DynamicTools = caller.DynamicTools is { } dynamicTools ? new SubagentToolSource(dynamicTools, profile.AllowsTool) : null,
                ToolContext = caller.ToolContext,
                Permissions = caller.Permissions,
                Prompter = new SubagentPrompter(caller.Prompter, callId, profile.Name),
                Hooks = caller.Hooks,
                Skills = caller.Skills,
                Store = caller.Store,
                MaxStepsPerTurn = caller.MaxStepsPerTurn,
                Thinking = caller.Thinking,
                Logger = caller.Logger,
                Time = caller.Time,
                SystemPrompt = SystemPromptFor(profile, scope.MainSystemPrompt),
            };
            var childScope = scope with { Options = options, Depth = scope.Depth + 1 };
            AgentSession child = AgentSession.StartSubagent(options, agentId, log, history, childScope);

            HookInput hook = new() { SessionId = scope.SessionId, Cwd = caller.ToolContext.WorkingDirectory, AgentName = profile.Name, AgentId = agentId };
            await caller.Hooks.RunAsync("SubagentStart", profile.Name, hook with { Prompt = request.Prompt }, cancellationToken).ConfigureAwait(false);
            progress?.Report(new ToolProgress($"{profile.Name} agent {agentId} started\n"));

            StopReason reason = StopReason.EndTurn;
            AgentError? failure = null;
            await foreach (AgentEvent agentEvent in child.RunTurnAsync(request.Prompt, cancellationToken).ConfigureAwait(false))
            {
                switch (agentEvent)
                {
                    case ToolCallStarted started:
                        progress?.Report(new ToolProgress($"{started.ToolName}: {started.Title}\n"));
                        break;
                    case AgentError error:
                        failure = error;
                        break;
                    case TurnEnded ended:
                        reason = ended.Reason;
                        break;
                }
            }

            string answer = FinalText(child.History);
            string resumeHint = $"agent_id: {agentId} (pass it as resume to continue this agent)";
            switch (reason)
            {
                case StopReason.Cancelled:
                    return ToolResult.Error($"The {profile.Name} agent was stopped before it finished (cancelled). {resumeHint}");
                case StopReason.Error:
                    return ToolResult.Error($"The {profile.Name} agent failed: {failure?.Message ?? "unknown error"} [{failure?.Code ?? AgentErrorCodes.Internal}]. {resumeHint}");
            }

            caller.Hooks.Fire("SubagentStop", profile.Name, hook with { Response = answer });
            string notice = reason == StopReason.EndTurn ? "" : $"\n\n(The agent's turn ended early: {reason}; its answer may be incomplete.)";
            return ToolResult.Success((answer.Length > 0 ? answer : "(The agent finished without a final message.)") + notice + "\n\n" + resumeHint);
        }
        finally
        {
            scope.Running.TryRemove(agentId, out _);
        }
    }

    /// <summary>
    /// The subagent's tools: the main session's, less what its profile does not allow (and never the tools that talk to the
    /// user or switch plan mode), with a plan of its own, and an <c>Agent</c> tool only when it may start agents and is
    /// not at the depth limit. A tool left out is neither declared to the model nor run.
    /// </summary>
    private static ToolRegistry ToolsFor(SubagentScope scope, SubagentRequest request)
    {
        AgentProfile profile = request.Profile;
        var tools = new List<IAgentTool>();
        foreach (IAgentTool tool in scope.BaseTools.All)
        {
            if (tool.Name == AgentTool.ToolName || !profile.AllowsTool(tool.Name))
            {
                continue;
            }

            // The main session's plan stays the main session's: a subagent keeps its own.
            tools.Add(tool is TodoWriteTool ? new TodoWriteTool(new TodoList()) : tool);
        }

        IReadOnlyList<string> allowlist = request.Catalog.AllowlistOf(profile);
        if (scope.Depth + 1 < SubagentScope.MaxDepth && profile.AllowsTool(AgentTool.ToolName) && allowlist.Count > 0)
        {
            tools.Add(new AgentTool(request.Catalog, allowlist));
        }

        return new ToolRegistry(tools);
    }

    /// <summary>A built-in's role after the main system prompt; an agent file's body, with the main prompt where it says <c>${base_prompt}</c>.</summary>
    internal static string SystemPromptFor(AgentProfile profile, string mainPrompt) => profile.Source == AgentSource.BuiltIn
        ? mainPrompt.TrimEnd() + "\n\n# Your role\n" + profile.Prompt.Trim()
        : profile.Prompt.Replace("${base_prompt}", mainPrompt, StringComparison.Ordinal);

    /// <summary>The text of the last assistant message: the subagent's final answer.</summary>
    private static string FinalText(IReadOnlyList<ChatMessage> history)
    {
        for (int i = history.Count - 1; i >= 0; i--)
        {
            if (history[i].Role == ChatRole.Assistant)
            {
                var text = new StringBuilder();
                foreach (TextContent part in history[i].Contents.OfType<TextContent>())
                {
                    text.Append(part.Text);
                }

                return text.ToString().Trim();
            }

            if (history[i].Role == ChatRole.User)
            {
                break;
            }
        }

        return "";
    }
}
