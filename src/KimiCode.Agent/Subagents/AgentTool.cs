using System.Text;
using System.Text.Json;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Subagents;

/// <summary>
/// <c>Agent</c>: starts a subagent (<c>prompt</c>, <c>description</c>, <c>subagent_type</c>, or <c>resume</c> with an
/// earlier subagent's id) and returns its final message. The description lists only the agent types this caller may
/// start (<paramref name="allowlist"/>), and a call naming another type is refused. Starting one never asks: the
/// subagent's own calls are judged by the session's permission policy one by one.
/// </summary>
public sealed class AgentTool : IAgentTool
{
    /// <summary>The tool's name, as the official client spells it.</summary>
    public const string ToolName = "Agent";

    private static readonly ToolParameter<string> Prompt = Required.NonEmptyString(
        "prompt", "The full task for the subagent. It has not seen this conversation: state the goal, what you already know and the exact paths or commands involved.");

    private static readonly ToolParameter<string> TaskSummary = Required.NonEmptyString(
        "description", "A short (3-5 words) description of the task, shown to the user while the subagent runs.");

    private static readonly ToolParameter<string?> SubagentType = Optional.String(
        "subagent_type", "One of the agent types listed in this tool's description; default coder. Leave it out when resuming.");

    private static readonly ToolParameter<string?> Resume = Optional.String(
        "resume", "The agent_id of an earlier subagent to continue with its own history, instead of starting a new one.");

    private static readonly ToolParameter<bool?> RunInBackground = Optional.Boolean(
        "run_in_background", "Not supported here: subagents always run in the foreground, and several Agent calls in one response run in parallel.");

    private static readonly ToolParameters Parameters = new(Prompt, TaskSummary, SubagentType, Resume, RunInBackground);

    private readonly AgentCatalog _catalog;
    private readonly IReadOnlyList<string> _allowlist;

    /// <param name="catalog">Every agent of the session.</param>
    /// <param name="allowlist">The agent types this caller may start (the main agent: <see cref="AgentCatalog.MainAllowlist"/>).</param>
    public AgentTool(AgentCatalog catalog, IReadOnlyList<string> allowlist)
    {
        _catalog = catalog ?? throw new ArgumentNullException(nameof(catalog));
        _allowlist = allowlist ?? throw new ArgumentNullException(nameof(allowlist));
        var text = new StringBuilder("""
            Starts a subagent for a task and returns its final message. The subagent works in its own context: it has not
            seen this conversation, and only its final message comes back, so delegating keeps long searches and file dumps
            out of your context. Brief it like a colleague who just walked in: the goal, what you know, exact paths.
            Several Agent calls in one response run in parallel; use that for independent questions. To continue earlier
            work of a subagent, pass its agent_id as resume. Skip delegation for work of a step or two. The user does not
            see the subagent's answer: summarise what matters in your reply.

            Available agent types (subagent_type):
            """);
        foreach (var profile in allowlist.Select(catalog.Find).OfType<AgentProfile>())
        {
            text.Append("\n- ").Append(profile.Name).Append(": ").Append(profile.Description.Trim());
            if (!string.IsNullOrWhiteSpace(profile.WhenToUse))
            {
                text.Append(" (when: ").Append(profile.WhenToUse.Trim()).Append(')');
            }
        }

        Description = text.ToString();
    }

    /// <inheritdoc />
    public string Name => ToolName;

    /// <inheritdoc />
    public string Description { get; }

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <summary>True when this caller may start at least one agent type (otherwise the tool is not worth offering).</summary>
    public bool HasAgents => _allowlist.Any(name => _catalog.Find(name) is not null);

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Parameters.TryParse(arguments, Name, out var args, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        if (context.Subagents is not { } scope)
        {
            return ToolPreparation.Fail("Agent: subagents can only be started from an agent session.");
        }

        if (scope.Depth >= SubagentScope.MaxDepth)
        {
            return ToolPreparation.Fail($"Agent: subagents may nest at most {SubagentScope.MaxDepth} levels deep; do this task yourself.");
        }

        var type = args.Get(SubagentType)?.Trim();
        var resume = args.Get(Resume)?.Trim();
        AgentProfile? profile;
        if (!string.IsNullOrEmpty(resume))
        {
            if (!string.IsNullOrEmpty(type))
            {
                return ToolPreparation.Fail("Agent: do not pass subagent_type when resuming; a resumed agent keeps its own type. Call again with resume only.");
            }

            // Resuming is exempt from the allowlist (as in the official client): the agent was started legitimately once.
            if (SubagentTranscript.AgentTypeOf(scope, resume, out var problem) is not { } resumedType)
            {
                return ToolPreparation.Fail(problem!);
            }

            profile = _catalog.Find(resumedType);
            if (profile is null)
            {
                return ToolPreparation.Fail($"Agent: agent {resume} ran as \"{resumedType}\", which no longer exists; start a new agent instead.");
            }
        }
        else
        {
            type = string.IsNullOrEmpty(type) ? "coder" : type;
            profile = _allowlist.Contains(type, StringComparer.Ordinal) ? _catalog.Find(type) : null;
            if (profile is null)
            {
                return ToolPreparation.Fail($"Agent: there is no agent type \"{type}\" you may start. Use one of: {string.Join(", ", _allowlist)}.");
            }
        }

        var request = new SubagentRequest(profile, args.Get(Prompt), args.Get(TaskSummary).Trim(), string.IsNullOrEmpty(resume) ? null : resume, _catalog);
        return ToolPreparation.Ok(new AgentCall(scope, request)
        {
            Title = $"{profile.Name} agent: {request.Description}",
            Kind = ToolKind.Think,
            Action = PermissionAction.None,
            Subject = profile.Name,
        });
    }

    private sealed class AgentCall(SubagentScope scope, SubagentRequest request) : PreparedToolCall
    {
        public override Task<ToolResult> ExecuteAsync(IProgress<ToolProgress>? progress, CancellationToken cancellationToken) =>
            SubagentRun.RunAsync(scope, request, CallId, progress, cancellationToken);
    }
}

/// <summary>One <c>Agent</c> call, checked: the agent to run, its task, and the id of the agent to resume (null: a new one).</summary>
internal sealed record SubagentRequest(AgentProfile Profile, string Prompt, string Description, string? ResumeId, AgentCatalog Catalog);
