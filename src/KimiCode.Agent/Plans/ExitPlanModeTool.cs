using System.Text;
using System.Text.Json;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Plans;

/// <summary>
/// <c>ExitPlanMode</c>: shows the plan file to the user for approval (<see cref="IUserQuestions.ReviewPlanAsync"/>).
/// Approved: plan mode ends (back to the mode before it, or accept-edits) and the plan returns to the model. Rejected:
/// plan mode stays on and the model is told to stop. Revise: the feedback returns to the model, plan mode stays on.
/// Before plan mode the session was in auto mode: approved without asking, as in the official client. Nobody to ask
/// (print mode): plan mode stays on and the model is told to give the plan as its answer.
/// </summary>
public sealed class ExitPlanModeTool : IAgentTool
{
    private static readonly string[] ReservedLabels = ["approve", "reject", "reject and exit", "revise"];
    private static readonly ToolParameter<string> Label = Required.NonEmptyString("label", "Short name of this approach (1-8 words); append \"(Recommended)\" to the one you recommend.");
    private static readonly ToolParameter<string?> OptionDescription = Optional.String("description", "What this approach does and its trade-offs, in a sentence.");
    private static readonly ToolParameter<IReadOnlyList<ToolArguments>?> Options = Optional.Array(
        "options", new ToolParameters(Label, OptionDescription), 1, 3,
        "Only when the plan offers alternative approaches: up to 3, so the user picks the one to carry out. Labels must be unique and not \"Approve\", \"Reject\", \"Reject and Exit\" or \"Revise\".");

    private static readonly ToolParameters Parameters = new(Options);

    /// <inheritdoc />
    public string Name => "ExitPlanMode";

    /// <inheritdoc />
    public string Description => """
        In plan mode, once the plan is written to the plan file: shows it to the user for approval. It takes no plan text;
        it reads the plan file. Approved: plan mode ends and you carry out the plan (only the chosen option, if the user
        picked one). Rejected: stop and wait for the user. Revise: change the plan as the feedback says and call this
        again. Use it only to approve a plan for changes, not after research alone; do not ask "is this plan OK?" with
        AskUserQuestion or in text instead.
        """;

    /// <inheritdoc />
    public JsonElement ParametersSchema => Parameters.Schema;

    /// <inheritdoc />
    public ToolPreparation Prepare(JsonElement arguments, ToolContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        if (!Parameters.TryParse(arguments, Name, out var args, out var error))
        {
            return ToolPreparation.Fail(error);
        }

        var options = (args.Get(Options) ?? []).Select(o => new ChoiceOption(o.Get(Label).Trim(), o.Get(OptionDescription)?.Trim() ?? "")).ToArray();
        if (options.Select(o => o.Label.ToLowerInvariant()).Distinct().Count() != options.Length)
        {
            return ToolPreparation.Fail("ExitPlanMode: option labels must be unique; rename the duplicates and call it again.");
        }

        if (options.FirstOrDefault(o => ReservedLabels.Contains(o.Label.ToLowerInvariant())) is { } reserved)
        {
            return ToolPreparation.Fail($"ExitPlanMode: \"{reserved.Label}\" is one of the user's own answers; name the option after its approach and call it again.");
        }

        if (context.Plan is not { } plan)
        {
            return ToolPreparation.Fail("ExitPlanMode is not available here: there is no plan mode to leave.");
        }

        var questions = context.Questions;
        PreparedCall? call = null;
        call = new PreparedCall((_, ct) => ExitAsync(plan, context.Files, questions, call!.CallId, options.Length >= 2 ? options : [], ct))
        {
            Title = "Present the plan",
            Kind = ToolKind.Think,
            Action = PermissionAction.None,
        };
        return ToolPreparation.Ok(call);
    }

    private static async Task<ToolResult> ExitAsync(
        PlanMode plan, IWorkspaceFileSystem files, IUserQuestions? questions, string callId, ChoiceOption[] options, CancellationToken cancellationToken)
    {
        if (!plan.IsActive)
        {
            return ToolResult.Error("ExitPlanMode only works in plan mode, and plan mode is off. Call EnterPlanMode first if you want a plan approved.");
        }

        var text = await plan.ReadPlanAsync(files, cancellationToken).ConfigureAwait(false);
        if (text.Trim().Length == 0)
        {
            return ToolResult.Error($"The plan file is empty. Write your plan to {plan.FilePath} first, then call ExitPlanMode.");
        }

        if (plan.ModeBeforePlan == PermissionMode.Auto)
        {
            plan.Exit(PermissionMode.Auto);
            return ToolResult.Success(
                $"Plan mode is off (auto mode approves plans without asking: the user has NOT reviewed this plan). Carry it out only if the user's request asked for the work, not just a plan.\n{Approved(plan, text, null)}");
        }

        if (questions is null)
        {
            return ToolResult.Success(
                $"Nobody can approve a plan here (print mode, kimi -p), so plan mode stays on and nothing will be changed. End your turn now with the whole plan as your answer; the user can run it again without plan mode to carry it out.\nPlan file: {plan.FilePath}");
        }

        PlanReviewAnswer answer;
        try
        {
            answer = await questions.ReviewPlanAsync(new PlanReview(callId, text, plan.FilePath, options), cancellationToken).ConfigureAwait(false);
        }
        catch (Exception) when (!cancellationToken.IsCancellationRequested)
        {
            answer = new PlanReviewAnswer(PlanDecision.Dismissed);
        }

        cancellationToken.ThrowIfCancellationRequested();
        switch (answer.Decision)
        {
            case PlanDecision.Approve or PlanDecision.ApproveAcceptEdits:
                plan.Exit(answer.Decision == PlanDecision.ApproveAcceptEdits ? PermissionMode.AcceptEdits : plan.ModeBeforePlan);
                var chosen = options.FirstOrDefault(o => o.Label == answer.SelectedOption);
                return ToolResult.Success($"The user approved the plan. {Approved(plan, text, chosen)}");
            case PlanDecision.Revise when !string.IsNullOrWhiteSpace(answer.Feedback):
                return ToolResult.Success($"The user wants the plan revised; plan mode stays on. Their feedback:\n\n{answer.Feedback.Trim()}\n\nRevise the plan file accordingly, then call ExitPlanMode again.");
            case PlanDecision.Revise:
                return ToolResult.Success("The user wants the plan revised; plan mode stays on. Ask what to change with AskUserQuestion, or improve the plan and call ExitPlanMode again.");
            case PlanDecision.Reject:
                return ToolResult.Error("The user rejected the plan; plan mode stays on. Do not carry it out and do not call ExitPlanMode again now: end your turn and wait for the user's next message.");
            default:
                return ToolResult.Success("The plan was dismissed without an answer; plan mode stays on. End your turn and wait for the user.");
        }
    }

    private static string Approved(PlanMode plan, string text, ChoiceOption? chosen)
    {
        var result = new StringBuilder("Plan mode is off; every tool is available under the normal permission rules.\n");
        if (chosen is not null)
        {
            result.Append("Chosen approach: ").Append(chosen.Label).Append(". Carry out ONLY this approach, none of the others.\n");
        }

        return result.Append("Plan saved to: ").Append(plan.FilePath).Append("\n\n## Approved plan\n").Append(text).ToString();
    }
}
