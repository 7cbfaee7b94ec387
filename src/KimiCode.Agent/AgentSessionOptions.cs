using KimiCode.Agent.Hooks;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Skills;
using KimiCode.Agent.Sessions;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.AI;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KimiCode.Agent;

/// <summary>Everything an <see cref="AgentSession"/> needs; the composition root fills it from config.</summary>
public sealed class AgentSessionOptions
{
    /// <summary>The model. The agent uses nothing but <see cref="IChatClient"/>.</summary>
    public required IChatClient ChatClient { get; init; }

    /// <summary>The model's name, for display and the session record (the client decides the wire model).</summary>
    public required string Model { get; init; }

    /// <summary>The model's context window in tokens (e.g. 262144); drives automatic compaction.</summary>
    public required int ContextWindowTokens { get; init; }

    /// <summary>
    /// Room kept free for the answer: compaction starts when less than this remains. Never more than
    /// a quarter of the window is reserved, so small windows still work.
    /// </summary>
    public int ReservedTokens { get; init; } = DefaultReservedTokens;

    /// <summary>The default of <see cref="ReservedTokens"/> (<c>[loop_control] reserved_context_size</c> changes it).</summary>
    public const int DefaultReservedTokens = 50_000;

    /// <summary>The tools the model may call; every call is dispatched through this registry.</summary>
    public required ToolRegistry Tools { get; init; }

    /// <summary>
    /// Tools that may change between model requests (MCP servers'), asked before each request and added after
    /// <see cref="Tools"/> for that request only; null: none.
    /// </summary>
    public IToolSource? DynamicTools { get; init; }

    /// <summary>What tools may use (working directory, files, shell).</summary>
    public required ToolContext ToolContext { get; init; }

    /// <summary>Decides which calls run, ask or are refused. One instance per session.</summary>
    public required IPermissionPolicy Permissions { get; init; }

    /// <summary>Asks the user when the policy says so.</summary>
    public required IPermissionPrompter Prompter { get; init; }

    /// <summary>The <c>[[hooks]]</c> commands run on the session's events (none by default).</summary>
    public HookDispatcher Hooks { get; init; } = HookDispatcher.None;

    /// <summary>The skills <c>/skill:name</c> prompts and the <c>Skill</c> tool use (built-in ones only by default).</summary>
    public SkillCatalog Skills { get; init; } = SkillCatalog.BuiltInOnly;

    /// <summary>Where the session is recorded.</summary>
    public required SessionStore Store { get; init; }

    /// <summary>Model calls allowed in one turn before it ends with <see cref="StopReason.MaxSteps"/>.</summary>
    public int MaxStepsPerTurn { get; init; } = 100;

    /// <summary>null: the client's default; true/false: ask for thinking or not (sent as <see cref="ChatOptions.Reasoning"/>).</summary>
    public bool? Thinking { get; init; }

    /// <summary>Where tool calls and their outcomes are logged (name, id, outcome, duration; never arguments or output).</summary>
    public ILogger Logger { get; init; } = NullLogger.Instance;

    /// <summary>Clock for session ids and record times.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;

    /// <summary>The system prompt; null builds the default with <see cref="Prompts.SystemPrompt.ForWorkingDirectory"/>.</summary>
    public string? SystemPrompt { get; init; }
}
