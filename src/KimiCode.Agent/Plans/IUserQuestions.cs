namespace KimiCode.Agent.Plans;

/// <summary>
/// Asks the user things other than "may this call run": a plan to approve (<c>ExitPlanMode</c>) and multiple-choice
/// questions (<c>AskUserQuestion</c>). A front end whose permission prompter can ask the user implements it on the same
/// object (the shell, the ACP server); print mode does not, and the tools then tell the model nobody can answer.
/// A request that throws or is cancelled counts as dismissed.
/// </summary>
public interface IUserQuestions
{
    /// <summary>Shows the plan and returns the user's decision.</summary>
    Task<PlanReviewAnswer> ReviewPlanAsync(PlanReview review, CancellationToken cancellationToken);

    /// <summary>
    /// Asks <paramref name="questions"/>; returns the answers by question text (an option's label, labels joined by
    /// <c>", "</c> for a multiple choice, or the user's own words for "Other"), or null when the user dismissed them.
    /// </summary>
    /// <param name="callId">The <c>AskUserQuestion</c> call.</param>
    /// <param name="questions">The questions, in order.</param>
    /// <param name="cancellationToken">Cancels the question (the turn was cancelled).</param>
    Task<IReadOnlyDictionary<string, string>?> AskAsync(string callId, IReadOnlyList<UserQuestion> questions, CancellationToken cancellationToken);
}

/// <summary>A plan waiting for the user's approval.</summary>
/// <param name="CallId">The <c>ExitPlanMode</c> call.</param>
/// <param name="Plan">The plan file's text (markdown).</param>
/// <param name="FilePath">Where the plan is saved.</param>
/// <param name="Options">Alternative approaches the user picks from when approving (empty: plain approval).</param>
public sealed record PlanReview(string CallId, string Plan, string FilePath, IReadOnlyList<ChoiceOption> Options);

/// <summary>One choice: a short label and what it means.</summary>
public sealed record ChoiceOption(string Label, string Description);

/// <summary>What the user decided about a plan.</summary>
public enum PlanDecision
{
    /// <summary>Carry it out: plan mode ends, back to the mode before it.</summary>
    Approve,

    /// <summary>Carry it out with edits allowed without asking: plan mode ends in accept-edits mode.</summary>
    ApproveAcceptEdits,

    /// <summary>Not this plan: plan mode stays on and the turn should end.</summary>
    Reject,

    /// <summary>Change the plan as the feedback says: plan mode stays on and the model goes on.</summary>
    Revise,

    /// <summary>The question was closed without an answer (cancelled, or the front end failed).</summary>
    Dismissed,
}

/// <summary>The user's decision, the approach they chose (one of <see cref="PlanReview.Options"/>), and their feedback.</summary>
public sealed record PlanReviewAnswer(PlanDecision Decision, string? SelectedOption = null, string? Feedback = null);

/// <summary>One question of <c>AskUserQuestion</c>: the user picks one option (or several), or writes their own answer.</summary>
public sealed record UserQuestion(string Question, string Header, IReadOnlyList<ChoiceOption> Options, bool MultiSelect);
