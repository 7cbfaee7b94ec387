using System.Collections.Concurrent;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Support;

/// <summary>
/// Default-mode policy for tests: reads and plan updates are free, edits and commands ask unless granted
/// for the session; tools in <see cref="Denied"/> are refused with a reason.
/// </summary>
internal sealed class FakePermissionPolicy : IPermissionPolicy
{
    private readonly HashSet<string> _granted = new(StringComparer.Ordinal);

    public PermissionMode Mode { get; set; } = PermissionMode.Default;

    public Dictionary<string, string> Denied { get; } = new(StringComparer.Ordinal);

    public IReadOnlyCollection<string> Granted => _granted;

    public PermissionVerdict Evaluate(string toolName, PreparedToolCall call)
    {
        if (Denied.TryGetValue(toolName, out string? reason))
        {
            return new PermissionVerdict(PermissionDecision.Deny, reason);
        }

        if (call.Action is PermissionAction.Read or PermissionAction.None || Mode == PermissionMode.Yolo || _granted.Contains(toolName))
        {
            return new PermissionVerdict(PermissionDecision.Allow);
        }

        return new PermissionVerdict(PermissionDecision.Ask, $"{toolName} changes things");
    }

    public void GrantForSession(string toolName, PreparedToolCall call) => _granted.Add(toolName);
}

/// <summary>Answers permission requests from a queue (Reject when empty) and records them.</summary>
internal sealed class ScriptedPrompter : IPermissionPrompter
{
    private readonly ConcurrentQueue<PermissionAnswer> _answers = new();
    private readonly ConcurrentQueue<PermissionRequest> _requests = new();

    public IReadOnlyList<PermissionRequest> Requests => [.. _requests];

    public void Answer(params PermissionAnswer[] answers)
    {
        foreach (PermissionAnswer answer in answers)
        {
            _answers.Enqueue(answer);
        }
    }

    public Task<PermissionAnswer> RequestAsync(PermissionRequest request, CancellationToken cancellationToken)
    {
        _requests.Enqueue(request);
        return Task.FromResult(_answers.TryDequeue(out PermissionAnswer answer) ? answer : PermissionAnswer.Reject);
    }
}
