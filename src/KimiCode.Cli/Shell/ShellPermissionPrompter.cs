using System.Threading.Channels;
using KimiCode.Agent;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using Spectre.Console;
using Spectre.Console.Rendering;

namespace KimiCode.Cli.Shell;

/// <summary>A permission request waiting for the user's key.</summary>
internal sealed class PendingPermission(PermissionRequest request)
{
    public PermissionRequest Request { get; } = request;

    public TaskCompletionSource<PermissionAnswer> Answer { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// Asks the user in the shell: the agent's request is queued for the turn loop, which shows it as a picker
/// (allow once / allow for this session / deny) and answers. A cancelled turn answers nothing: the agent
/// treats the cancelled request as a denial.
/// </summary>
internal sealed class ShellPermissionPrompter : IPermissionPrompter
{
    private static readonly IReadOnlyDictionary<char, int> Shortcuts = new Dictionary<char, int> { ['y'] = 0, ['a'] = 1, ['n'] = 2 };
    private readonly Channel<PendingPermission> _requests = Channel.CreateUnbounded<PendingPermission>();

    public ChannelReader<PendingPermission> Requests => _requests.Reader;

    public async Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken)
    {
        var pending = new PendingPermission(request);
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
