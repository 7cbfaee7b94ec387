using KimiCode.Agent.Secrets;

namespace KimiCode.Agent.Tools;

/// <summary>Runs shell commands for the <c>Bash</c> tool (locally, or in the editor's terminal over ACP).</summary>
public interface ICommandRunner
{
    /// <summary>
    /// Runs <paramref name="request"/>; on timeout or cancellation the whole process group is killed and
    /// the result says so (cancellation still throws <see cref="OperationCanceledException"/> after the kill).
    /// </summary>
    Task<CommandResult> RunAsync(CommandRequest request, IProgress<string>? output, CancellationToken cancellationToken);
}

/// <summary>A shell command to run.</summary>
public sealed record CommandRequest(string Command, string WorkingDirectory, TimeSpan Timeout, int OutputLimitBytes)
{
    /// <summary>What the command's environment must not contain (our credentials); runners apply it.</summary>
    public ChildEnvironment Environment { get; init; } = ChildEnvironment.Default;
}

/// <summary>The outcome of a command. <see cref="ExitCode"/> is null when it was killed.</summary>
public sealed record CommandResult(string Output, int? ExitCode, bool TimedOut, bool Truncated);
