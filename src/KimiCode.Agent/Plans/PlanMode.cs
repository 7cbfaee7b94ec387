using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Plans;

/// <summary>
/// Plan mode of one session. It is on while the permission policy's mode is <see cref="PermissionMode.Plan"/>, however
/// it got there (<c>EnterPlanMode</c>, <c>/plan</c>, <c>--plan</c>, <c>default_plan_mode</c>, an editor's mode switch);
/// while it is on, the policy lets <c>Write</c> and <c>Edit</c> change only <see cref="FilePath"/>, the session's plan
/// file (<c>plans/plan.md</c> in the session's folder, kept across plan-mode entries). It also words the reminders the
/// model gets with each request (<see cref="NextReminder"/>).
/// </summary>
public sealed class PlanMode
{
    private readonly IPermissionPolicy _policy;
    private readonly Lock _gate = new();
    private bool _reminded;

    /// <summary>Plan mode for a session whose policy is <paramref name="policy"/> and plan file <paramref name="filePath"/>.</summary>
    public PlanMode(IPermissionPolicy policy, string filePath)
    {
        _policy = policy ?? throw new ArgumentNullException(nameof(policy));
        ArgumentException.ThrowIfNullOrEmpty(filePath);
        var full = WorkspacePaths.Normalize(filePath);
        FilePath = WorkspacePaths.RealPath(full) ?? full;
        if (policy is PermissionPolicy real)
        {
            // A policy shared with another session (a subagent runs with its parent's) keeps the first session's plan
            // file, so a second session cannot take the parent's plan file away; both then plan in that one file.
            real.PlanFile ??= FilePath;
            FilePath = real.PlanFile ?? FilePath;
        }
    }

    /// <summary>The plan file (absolute, its folder's links resolved): the one file the model may write in plan mode.</summary>
    public string FilePath { get; }

    /// <summary>True while the session is in plan mode.</summary>
    public bool IsActive => _policy.Mode == PermissionMode.Plan;

    /// <summary>The mode approving a plan returns to: the one before plan mode began.</summary>
    public PermissionMode ModeBeforePlan => _policy.ModeBeforePlan == PermissionMode.Plan ? PermissionMode.Default : _policy.ModeBeforePlan;

    /// <summary>Turns plan mode on (creating the plan file's folder); false when it already was.</summary>
    public bool Enter()
    {
        if (IsActive)
        {
            return false;
        }

        EnsureFolder();
        _policy.Mode = PermissionMode.Plan;
        return true;
    }

    private void EnsureFolder()
    {
        try
        {
            Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Write creates missing folders itself; a failure here shows up there, with its reason.
        }
    }

    /// <summary>Turns plan mode off, switching to <paramref name="mode"/>.</summary>
    public void Exit(PermissionMode mode) => _policy.Mode = mode == PermissionMode.Plan ? PermissionMode.Default : mode;

    /// <summary>The plan file's text; empty when it does not exist yet.</summary>
    public async Task<string> ReadPlanAsync(IWorkspaceFileSystem files, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(files);
        try
        {
            return await files.ReadTextAsync(FilePath, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (ex is FileNotFoundException or DirectoryNotFoundException)
        {
            return "";
        }
    }

    /// <summary>
    /// The reminder for the next request, or null: in plan mode, the whole rules at the start of a turn and on entering
    /// it (noting an earlier plan in the file), a one-line reminder on the other steps; once after leaving it, that its
    /// rules no longer hold. Never recorded in the history: each request carries only the current one.
    /// </summary>
    internal string? NextReminder(bool turnStart)
    {
        lock (_gate)
        {
            if (IsActive)
            {
                bool first = !_reminded;
                _reminded = true;
                if (first)
                {
                    EnsureFolder(); // plan mode may have been switched on from outside (--plan, /plan, an editor)
                }

                if (first && PlanFileHasText())
                {
                    return PlanReminders.Full(FilePath) + "\n\n" + PlanReminders.EarlierPlan;
                }

                return first || turnStart ? PlanReminders.Full(FilePath) : PlanReminders.Sparse(FilePath);
            }

            if (_reminded)
            {
                _reminded = false;
                return PlanReminders.Exited;
            }

            return null;
        }
    }

    private bool PlanFileHasText()
    {
        try
        {
            return File.Exists(FilePath) && new FileInfo(FilePath).Length > 0;
        }
        catch (IOException)
        {
            return false;
        }
    }
}

/// <summary>The texts plan mode adds to requests, as the official client does (our own words).</summary>
internal static class PlanReminders
{
    public static string Full(string planFile) => $"""
        Plan mode is on. Do not change anything: no edits and no commands, except writing the plan file with Write or Edit.
        1. Explore with read-only tools (Read, Glob, Grep).
        2. If the user's preference decides between real alternatives, ask with AskUserQuestion.
        3. Write a concrete plan to the plan file: numbered steps naming the real files, functions and commands.
           Several distinct approaches: pass them to ExitPlanMode as options.
        4. Call ExitPlanMode: it shows the plan to the user for approval.
        End your turn with AskUserQuestion or ExitPlanMode; never ask for approval in text.

        Plan file: {planFile}
        """;

    public static string Sparse(string planFile) =>
        $"Plan mode is still on: read-only except the plan file ({planFile}). Finish the plan there, then call ExitPlanMode.";

    public const string EarlierPlan = "The plan file already holds an earlier plan: read it first, then revise it for this request or replace it.";

    public const string Exited = "Plan mode is off: its read-only and plan-file-only limits no longer apply. Carry out the approved plan under the normal permission rules.";
}
