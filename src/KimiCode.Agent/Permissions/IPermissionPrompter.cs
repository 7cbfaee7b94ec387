using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Permissions;

/// <summary>
/// Asks the user whether a tool call may run. Print mode passes one that answers <see cref="PermissionAnswer.Unattended"/>
/// (nobody is there to ask); the shell and the ACP server ask the user. A request that throws or is cancelled counts as
/// <see cref="PermissionAnswer.Reject"/>.
/// </summary>
public interface IPermissionPrompter
{
    Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken);
}

/// <summary>The user's answer.</summary>
public enum PermissionAnswer
{
    AllowOnce,
    AllowForSession,
    Reject,

    /// <summary>Nobody could be asked (print mode): refused, and the model is told how the user can allow it, not that the user said no.</summary>
    Unattended,
}

/// <summary>A call waiting for the user's approval.</summary>
/// <param name="Reason">Why the policy asks (may be null).</param>
/// <param name="Subject">What permission rules match: a relative path or a command line.</param>
/// <param name="ArgumentsJson">The call's arguments as compact JSON.</param>
/// <param name="Preview">
/// What the call will change, exactly as it will run (Edit and Write: a <see cref="DiffDisplay"/> of the bytes they
/// will write); null when the call previews nothing. Front ends show it before the question.
/// </param>
public sealed record PermissionRequest(
    string CallId,
    string ToolName,
    string Title,
    ToolKind Kind,
    PermissionAction Action,
    string Subject,
    IReadOnlyList<string> Locations,
    string? Reason,
    string ArgumentsJson,
    ToolDisplay? Preview = null);

/// <summary>
/// A prompter that refuses everything because nobody can answer (print mode): every request is
/// <see cref="PermissionAnswer.Unattended"/>, and <paramref name="refused"/> (if any) hears of it, e.g. to tell the
/// user on stderr how to allow it.
/// </summary>
public sealed class RejectingPermissionPrompter(Action<PermissionRequest>? refused = null) : IPermissionPrompter
{
    public Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(request);
        refused?.Invoke(request);
        return Task.FromResult(PermissionAnswer.Unattended);
    }
}
