using System.Threading.Channels;
using KimiCode.Agent;
using KimiCode.Agent.Permissions;

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

    /// <summary>The picker for one request; option i answers <see cref="Answers"/>[i].</summary>
    public static Picker CreatePicker(PermissionRequest request)
    {
        var details = new List<string>();
        if (request.Subject.Length > 0 && !request.Title.Contains(request.Subject, StringComparison.Ordinal))
        {
            details.Add(request.Subject);
        }

        if (!string.IsNullOrWhiteSpace(request.Reason))
        {
            details.Add(request.Reason.ReplaceLineEndings(" ").Trim());
        }

        var always = request.Action switch
        {
            Agent.Tools.PermissionAction.Execute => "Yes, and allow this exact command for the rest of the session",
            Agent.Tools.PermissionAction.Edit => "Yes, and allow edits in the workspace for the rest of the session",
            _ => $"Yes, and allow {request.ToolName} for the rest of the session",
        };
        return new Picker(
            $"Allow {request.Title}?",
            ["Yes, once", always, "No, and tell the model to do something else"],
            details: details,
            shortcuts: Shortcuts);
    }

    public const string Hint = "↑/↓ and Enter, 1-3, or y / a / n · Esc denies · Ctrl-C cancels the turn";
}
