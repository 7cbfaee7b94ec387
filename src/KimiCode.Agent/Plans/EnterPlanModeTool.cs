using System.Text.Json;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Plans;

/// <summary><c>EnterPlanMode</c>: the model switches the session to plan mode (read-only except the plan file). Never asks.</summary>
public sealed class EnterPlanModeTool : IAgentTool
{
    private static readonly ToolParameters Parameters = new();

    /// <inheritdoc />
    public string Name => "EnterPlanMode";

    /// <inheritdoc />
    public string Description => """
        Switches to plan mode before a change that deserves a plan: several files, an unclear approach, or a real
        trade-off to choose. In plan mode you explore read-only, write the plan to the plan file, and call ExitPlanMode to
        have the user approve it before anything is changed. Not for small, clear changes or pure questions.
        """;

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Parameters.TryParse(arguments, Name, out _, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        if (context.Plan is not { } plan)
        {
            return ToolPreparation.Fail("EnterPlanMode is not available here; plan the change in your answer instead.");
        }

        return ToolPreparation.Ok(new PreparedCall((_, _) => Task.FromResult(Enter(plan)))
        {
            Title = "Enter plan mode",
            Kind = ToolKind.Think,
            Action = PermissionAction.None,
        });
    }

    private static ToolResult Enter(PlanMode plan)
    {
        if (!plan.Enter())
        {
            return ToolResult.Error("Plan mode is already on. Write the plan to the plan file, then call ExitPlanMode.");
        }

        return ToolResult.Success($"""
            Plan mode is on. Plan file: {plan.FilePath}
            1. Explore with read-only tools (Read, Glob, Grep); commands and edits are refused.
            2. Write a concrete step-by-step plan to the plan file with Write or Edit (the only file you may change).
            3. Call ExitPlanMode to ask the user to approve it.
            """);
    }
}
