using KimiCode.Agent.Secrets;

namespace KimiCode.Agent.Tools;

/// <summary>Everything a tool may use. Front ends swap the file system and the command runner (ACP routes them to the editor).</summary>
public sealed record ToolContext
{
    /// <summary>Absolute working directory; relative paths resolve against it.</summary>
    public required string WorkingDirectory { get; init; }

    /// <summary>Further absolute directories the user added to the workspace.</summary>
    public IReadOnlyList<string> AdditionalDirectories { get; init; } = [];

    /// <summary>File access.</summary>
    public required IWorkspaceFileSystem Files { get; init; }

    /// <summary>Shell access.</summary>
    public required ICommandRunner Commands { get; init; }

    /// <summary>The environment of every process a tool starts: ours minus the credentials (see <see cref="Secrets.ChildEnvironment"/>).</summary>
    public ChildEnvironment ChildEnvironment { get; init; } = ChildEnvironment.Default;

    /// <summary>Redacts live secrets from tool results and progress before they reach the model, the session file or the screen.</summary>
    public SecretRedactor Secrets { get; init; } = SecretRedactor.None;

    /// <summary>
    /// True for a file a deny rule keeps from <c>Read</c> (judged as written and where it leads): Grep and Glob leave
    /// it out of folder searches, so <c>Read(secrets/**)</c> also hides the files from a search of the whole workspace.
    /// The session fills it from its <see cref="Permissions.PermissionPolicy"/> when the host did not.
    /// </summary>
    public Func<string, bool>? IsReadDenied { get; init; }

    /// <summary>How many skills the model loaded in this turn (the session sets a fresh one per turn; null outside a turn).</summary>
    public Skills.SkillNesting? SkillNesting { get; init; }

    /// <summary>What the <c>Agent</c> tool needs to start a subagent of this session (the session sets it; null outside a turn).</summary>
    internal Subagents.SubagentScope? Subagents { get; init; }

    /// <summary>The session's plan mode (<c>EnterPlanMode</c>, <c>ExitPlanMode</c>); the session sets it, null outside a session.</summary>
    public Plans.PlanMode? Plan { get; init; }

    /// <summary>Who answers plan reviews and <c>AskUserQuestion</c>; null when nobody can (print mode). The session sets it from its prompter.</summary>
    public Plans.IUserQuestions? Questions { get; init; }

    /// <summary>Time.</summary>
    public TimeProvider Time { get; init; } = TimeProvider.System;
}
