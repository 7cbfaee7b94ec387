using System.Threading.Channels;
using KimiCode.Agent;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Plans;
using KimiCode.Agent.Tools;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KimiCode.Cli.Shell;

/// <summary>Something the agent asks the user, waiting in the turn's queue for the user's keys.</summary>
internal abstract class PendingPrompt
{
    /// <summary>True once answered or cancelled with the turn.</summary>
    public abstract bool IsDone { get; }
}

/// <summary>A permission request waiting for the user's key.</summary>
internal sealed class PendingPermission(PermissionRequest request) : PendingPrompt
{
    public PermissionRequest Request { get; } = request;

    public TaskCompletionSource<PermissionAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool IsDone => Answer.Task.IsCompleted;
}

/// <summary>The option a user picked and, for an option that asks for words ("Revise…", "Other…"), what they typed.</summary>
internal sealed record ChoiceAnswer(int Option, string? Text);

/// <summary>
/// A plan to approve or a question to answer: <see cref="Details"/> goes to the scrollback (the plan box), the picker
/// to the live region; choosing one of <see cref="TextOptions"/> opens a one-line text input labelled with its text.
/// </summary>
internal sealed class PendingChoice(Picker picker, IRenderable? details, IReadOnlySet<int> textOptions, Func<ChoiceAnswer?, (string Text, Style Style)> summary) : PendingPrompt
{
    public Picker Picker { get; } = picker;

    public IRenderable? Details { get; } = details;

    public IReadOnlySet<int> TextOptions { get; } = textOptions;

    /// <summary>The line the scrollback keeps once answered (null: dismissed).</summary>
    public (string Text, Style Style) Summary(ChoiceAnswer? answer) => summary(answer);

    /// <summary>The answer; null when dismissed (Esc).</summary>
    public TaskCompletionSource<ChoiceAnswer?> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public override bool IsDone => Answer.Task.IsCompleted;
}

/// <summary>
/// Asks the user in the shell: the agent's request is queued for the turn loop, which shows it as a picker
/// (allow once / allow for this session / deny) and answers. A cancelled turn answers nothing: the agent
/// treats the cancelled request as a denial.
/// </summary>
internal sealed class ShellPermissionPrompter : IPermissionPrompter, IUserQuestions
{
    private static readonly IReadOnlyDictionary<char, int> Shortcuts = new Dictionary<char, int> { ['y'] = 0, ['a'] = 1, ['n'] = 2 };
    private readonly Channel<PendingPrompt> _requests = Channel.CreateUnbounded<PendingPrompt>();

    public ChannelReader<PendingPrompt> Requests => _requests.Reader;

    public async Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken)
    {
        var pending = new PendingPermission(request);
        using var registration = cancellationToken.Register(() => pending.Answer.TrySetCanceled(cancellationToken));
        _requests.Writer.TryWrite(pending);
        return await pending.Answer.Task.ConfigureAwait(false);
    }

    /// <summary>
    /// The plan in a box (its markdown rendered), then a picker: Approve (or one line per approach), Approve and
    /// auto-accept edits, Revise… (asks for feedback), Reject. Esc dismisses it (plan mode stays on).
    /// </summary>
    public async Task<PlanReviewAnswer> ReviewPlanAsync(PlanReview review, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(review);
        var approaches = review.Options.Count >= 2;
        List<string> options = approaches
            ? [.. review.Options.Select(o => VisibleText.OneLine(o.Description.Length > 0 ? $"Approve: {o.Label} — {o.Description}" : $"Approve: {o.Label}"))]
            : ["Yes, approve the plan", "Yes, and auto-accept edits"];
        int revise = options.Count;
        options.Add("No, revise it: tell the model what to change…");
        options.Add("No, reject it (plan mode stays on)");
        var picker = new Picker("Approve this plan?", options);
        var box = new Rows(
            new Panel(new Rows(MarkdownRenderer.Render(review.Plan))).Header(" Plan ").Border(BoxBorder.Rounded).Expand(),
            new Text("Plan file: " + VisibleText.OneLine(review.FilePath), ShellStyles.Dim));
        var answer = await AskAsync(new PendingChoice(picker, box, new HashSet<int> { revise }, a => PlanSummary(a, options)), cancellationToken).ConfigureAwait(false);
        if (answer is null)
        {
            return new PlanReviewAnswer(PlanDecision.Dismissed);
        }

        if (answer.Option == revise)
        {
            return new PlanReviewAnswer(PlanDecision.Revise, Feedback: answer.Text);
        }

        if (answer.Option == revise + 1)
        {
            return new PlanReviewAnswer(PlanDecision.Reject);
        }

        return approaches
            ? new PlanReviewAnswer(PlanDecision.Approve, review.Options[answer.Option].Label)
            : new PlanReviewAnswer(answer.Option == 0 ? PlanDecision.Approve : PlanDecision.ApproveAcceptEdits);
    }

    private static (string, Style) PlanSummary(ChoiceAnswer? answer, List<string> options) => answer switch
    {
        null => ("✗ Plan dismissed (plan mode stays on)", ShellStyles.Bad),
        { Option: var i } when i >= options.Count - 2 => ($"✗ {options[i].TrimEnd('…')}{(answer.Text is { Length: > 0 } text ? ": " + VisibleText.OneLine(text) : "")}", ShellStyles.Bad),
        { Option: var i } => ($"✓ {options[i]}", ShellStyles.Good),
    };

    /// <summary>
    /// One picker per question, in order: its options (with their descriptions), then "Other…" for the user's own
    /// words. A multiple-choice question takes one pick here; "Other…" can list several. Esc dismisses them all.
    /// </summary>
    public async Task<IReadOnlyDictionary<string, string>?> AskAsync(string callId, IReadOnlyList<UserQuestion> questions, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(questions);
        var answers = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var question in questions)
        {
            List<string> options = [.. question.Options.Select(o => VisibleText.OneLine(o.Description.Length > 0 ? $"{o.Label} — {o.Description}" : o.Label))];
            options.Add(question.MultiSelect ? "Other… (your own answer, or several of the above)" : "Other… (your own answer)");
            var title = VisibleText.OneLine(question.Header.Length > 0 ? $"[{question.Header}] {question.Question}" : question.Question);
            var other = options.Count - 1;
            var answer = await AskAsync(
                new PendingChoice(new Picker(title, options), null, new HashSet<int> { other }, a => a is null
                    ? ("✗ Question dismissed", ShellStyles.Bad)
                    : ($"✓ {title} {(a.Option == other ? VisibleText.OneLine(a.Text ?? "") : question.Options[a.Option].Label)}", ShellStyles.Good)),
                cancellationToken).ConfigureAwait(false);
            if (answer is null || (answer.Option == other && string.IsNullOrWhiteSpace(answer.Text)))
            {
                return null;
            }

            answers[question.Question] = answer.Option == other ? answer.Text!.Trim() : question.Options[answer.Option].Label;
        }

        return answers;
    }

    private async Task<ChoiceAnswer?> AskAsync(PendingChoice pending, CancellationToken cancellationToken)
    {
        using var registration = cancellationToken.Register(() => pending.Answer.TrySetCanceled(cancellationToken));
        _requests.Writer.TryWrite(pending);
        return await pending.Answer.Task.ConfigureAwait(false);
    }

    public static readonly PermissionAnswer[] Answers = [PermissionAnswer.AllowOnce, PermissionAnswer.AllowForSession, PermissionAnswer.Reject];

    /// <summary>Diff lines shown before the question; the rest is counted in an explicit notice.</summary>
    public const int MaxPreviewDiffLines = 60;

    private static readonly Style CommandStyle = new(decoration: Decoration.Bold);
    private static readonly Style EscapeStyle = new(Color.Yellow, decoration: Decoration.Invert);

    /// <summary>
    /// What the user approves, written above the question: a command in full (wrapped, never cut; line breaks and
    /// invisible characters shown), or the diff an Edit or Write will make. Null when the title says it all.
    /// </summary>
    public static IRenderable? Details(PermissionRequest request, int width)
    {
        ArgumentNullException.ThrowIfNull(request);
        if (request.Preview is DiffDisplay diff)
        {
            return new Indented(DiffRenderer.Render(VisibleText.OneLine(request.Subject), diff.UnifiedDiff, MaxPreviewDiffLines), "  ", "  ");
        }

        if (request.Action == PermissionAction.Execute && request.Subject.Length > 0)
        {
            return new Indented(VisibleText.Render(request.Subject, Math.Max(10, width - 5), CommandStyle, EscapeStyle), "  $ ", "    ");
        }

        return null;
    }

    /// <summary>The picker for one request; option i answers <see cref="Answers"/>[i].</summary>
    public static Picker CreatePicker(PermissionRequest request)
    {
        ArgumentNullException.ThrowIfNull(request);
        var details = new List<string>();
        var shownAbove = request.Preview is DiffDisplay || request.Action == PermissionAction.Execute;
        if (!shownAbove && request.Subject.Length > 0 && !request.Title.Contains(request.Subject, StringComparison.Ordinal))
        {
            details.Add(VisibleText.OneLine(request.Subject));
        }

        if (!string.IsNullOrWhiteSpace(request.Reason))
        {
            details.Add(VisibleText.OneLine(request.Reason.ReplaceLineEndings(" ").Trim()));
        }

        var always = request.Action switch
        {
            PermissionAction.Execute => "Yes, and allow this exact command for the rest of the session",
            PermissionAction.Edit => "Yes, and allow edits in the workspace for the rest of the session",
            _ => $"Yes, and allow {request.ToolName} for the rest of the session",
        };
        return new Picker(
            Question(request),
            ["Yes, once", always, "No, and tell the model to do something else"],
            details: details,
            shortcuts: Shortcuts);
    }

    /// <summary>The question; a command is shown whole above it, so the question names it only by the model's description.</summary>
    private static string Question(PermissionRequest request)
    {
        if (request.Action != PermissionAction.Execute || request.Subject.Length == 0)
        {
            return $"Allow {VisibleText.OneLine(request.Title)}?";
        }

        // Without a description the title is the command's start (Bash cuts it with "..."): nothing to add.
        var start = request.Title.Trim();
        start = start.EndsWith(" ...", StringComparison.Ordinal) ? start[..^4] : start.EndsWith("...", StringComparison.Ordinal) ? start[..^3] : start;
        return request.Subject.Trim().StartsWith(start, StringComparison.Ordinal)
            ? "Allow the command above?"
            : $"Allow the command above ({VisibleText.OneLine(request.Title)})?";
    }

    public const string Hint = "↑/↓ and Enter, 1-3, or y / a / n · Esc denies · Ctrl-C cancels the turn";
}
