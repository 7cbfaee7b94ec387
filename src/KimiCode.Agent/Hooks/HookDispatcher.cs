using System.Text.Json;
using System.Text.RegularExpressions;
using KimiCode.Agent.Secrets;
using KimiCode.Config;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace KimiCode.Agent.Hooks;

/// <summary>What the hooks of one event decided: blocked (with the reason the model sees) or not, and what they said.</summary>
/// <param name="Messages">Standard output (or the JSON <c>message</c>) of hooks that exited 0: text to add to the context.</param>
public sealed record HookVerdict(bool Blocked, string? Reason, IReadOnlyList<string> Messages)
{
    public static HookVerdict Allow { get; } = new(false, null, []);
}

/// <summary>
/// Runs the <c>[[hooks]]</c> of a session:
/// <list type="number">
/// <item>The entries of the event whose <c>matcher</c> (a regular expression, searched) finds the target; an empty
/// matcher takes every target. Entries with the same command run once.</item>
/// <item>They run in parallel, each in its own process group in the project folder, with the event as JSON on stdin
/// and the credentials removed from their environment (<see cref="HookProcess"/>).</item>
/// <item>Exit 2 blocks (stderr is the reason); exit 0 with <c>hookSpecificOutput.permissionDecision = "deny"</c>
/// blocks (<c>permissionDecisionReason</c>); any other exit, a crash, a timeout or a command that cannot start
/// allows (fail-open). Only PreToolUse, UserPromptSubmit and Stop act on a block; the others are observed.</item>
/// </list>
/// </summary>
public sealed partial class HookDispatcher
{
    private readonly ILookup<string, (HookEntry Entry, Regex? Matcher)> _byEvent;
    private readonly string _workingDirectory;
    private readonly ChildEnvironment _environment;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly Lock _pendingGate = new();
    private readonly HashSet<Task> _pending = [];

    public HookDispatcher(IEnumerable<HookEntry> entries, string workingDirectory, ChildEnvironment? environment = null, TimeProvider? time = null, ILogger? logger = null)
    {
        ArgumentNullException.ThrowIfNull(entries);
        _byEvent = entries
            .Select(e => (e, e.Matcher.Length == 0 ? null : new Regex(e.Matcher, RegexOptions.None, TimeSpan.FromSeconds(1))))
            .ToLookup(x => x.e.Event, StringComparer.Ordinal);
        _workingDirectory = workingDirectory;
        _environment = environment ?? ChildEnvironment.Default;
        _time = time ?? TimeProvider.System;
        _logger = logger ?? NullLogger.Instance;
    }

    /// <summary>No hooks at all.</summary>
    public static HookDispatcher None { get; } = new([], ".");

    /// <summary>Notification type: a tool call waits for the user's approval.</summary>
    public const string ApprovalRequired = "approval.required";

    /// <summary>Notification type: a turn ended and the agent waits for the next prompt.</summary>
    public const string TurnCompleted = "turn.completed";

    /// <summary>Fires the observe-only <c>Notification</c> event (<paramref name="type"/> is its matcher target).</summary>
    public void Notify(string type, string title, string? body, HookInput common)
    {
        ArgumentNullException.ThrowIfNull(common);
        Fire("Notification", type, common with { NotificationType = type, Title = title, Body = body });
    }

    /// <summary>True when some entry listens to <paramref name="eventName"/> (callers skip building the payload otherwise).</summary>
    public bool Has(string eventName) => _byEvent.Contains(eventName);

    /// <summary>Runs the matching hooks of <paramref name="eventName"/> and waits for them.</summary>
    public async Task<HookVerdict> RunAsync(string eventName, string target, HookInput input, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(input);
        var matched = Matching(eventName, target);
        if (matched.Count == 0)
        {
            return HookVerdict.Allow;
        }

        var stdin = JsonSerializer.Serialize(input with { HookEventName = eventName, Cwd = _workingDirectory }, HookJsonContext.Default.HookInput);
        var results = await Task.WhenAll(matched.Select(entry => RunOneAsync(eventName, entry, stdin, cancellationToken))).ConfigureAwait(false);
        var messages = new List<string>();
        foreach (var (blocked, reason, message) in results)
        {
            if (blocked)
            {
                return new HookVerdict(true, string.IsNullOrWhiteSpace(reason) ? $"Blocked by {eventName} hook" : reason.Trim(), []);
            }

            if (!string.IsNullOrWhiteSpace(message))
            {
                messages.Add(message.Trim());
            }
        }

        return messages.Count == 0 ? HookVerdict.Allow : new HookVerdict(false, null, messages);
    }

    /// <summary>Starts the matching hooks of an observe-only event without waiting; <see cref="DrainAsync"/> waits for them.</summary>
    public void Fire(string eventName, string target, HookInput input)
    {
        if (!Has(eventName))
        {
            return;
        }

        var task = Task.Run(() => RunAsync(eventName, target, input, CancellationToken.None));
        lock (_pendingGate)
        {
            _pending.Add(task);
        }

        _ = task.ContinueWith(
            t =>
            {
                lock (_pendingGate)
                {
                    _pending.Remove(t);
                }
            },
            CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    /// <summary>Waits for every hook started by <see cref="Fire"/> (each is bounded by its timeout).</summary>
    public async Task DrainAsync()
    {
        Task[] pending;
        lock (_pendingGate)
        {
            pending = [.. _pending];
        }

        await Task.WhenAll(pending).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
    }

    private List<HookEntry> Matching(string eventName, string target)
    {
        var matched = new List<HookEntry>();
        var commands = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (entry, matcher) in _byEvent[eventName])
        {
            if (Matches(matcher, target) && commands.Add(entry.Command))
            {
                matched.Add(entry);
            }
        }

        return matched;
    }

    private static bool Matches(Regex? matcher, string target)
    {
        try
        {
            return matcher is null || matcher.IsMatch(target);
        }
        catch (RegexMatchTimeoutException)
        {
            return false;
        }
    }

    private async Task<(bool Blocked, string? Reason, string? Message)> RunOneAsync(string eventName, HookEntry entry, string stdin, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        HookProcessResult result;
        try
        {
            result = await HookProcess.RunAsync(entry.Command, _workingDirectory, stdin, TimeSpan.FromSeconds(entry.TimeoutSeconds), _environment, _time, cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex)
        {
            // Fail-open: a hook that cannot run never stops the agent.
            result = new HookProcessResult(null, "", ex.Message, false);
        }

        var outcome = Interpret(result);
        var exit = result.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? (result.TimedOut ? "timeout" : "none");
        var elapsedMs = _time.GetElapsedTime(started).TotalMilliseconds;
        HookLog.Finished(_logger, eventName, entry.Line, exit, outcome.Blocked ? "block" : "allow", elapsedMs);

        return outcome;
    }

    /// <summary>Exit 2 and a JSON deny block; everything else allows, and exit 0 may add a message.</summary>
    internal static (bool Blocked, string? Reason, string? Message) Interpret(HookProcessResult result)
    {
        if (result.ExitCode == 2)
        {
            return (true, result.Stderr.Trim(), null);
        }

        if (result.ExitCode != 0)
        {
            return (false, null, null);
        }

        var text = result.Stdout.Trim();
        if (!text.StartsWith('{'))
        {
            return (false, null, text);
        }

        HookOutput? output;
        try
        {
            output = JsonSerializer.Deserialize(text, HookJsonContext.Default.HookOutput);
        }
        catch (JsonException)
        {
            return (false, null, text);
        }

        var specific = output?.HookSpecificOutput is { ValueKind: JsonValueKind.Object } s ? s : default;
        var message = StringOf(output?.Message) ?? (specific.ValueKind == JsonValueKind.Object && specific.TryGetProperty("message", out var m) ? StringOf(m) : null);
        if (specific.ValueKind == JsonValueKind.Object
            && specific.TryGetProperty("permissionDecision", out var decision)
            && decision.ValueKind == JsonValueKind.String && decision.GetString() == "deny")
        {
            var reason = specific.TryGetProperty("permissionDecisionReason", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString() : null;
            return (true, reason ?? message, null);
        }

        return (false, null, message);
    }

    private static string? StringOf(JsonElement? value) => value switch
    {
        { ValueKind: JsonValueKind.String } s => s.GetString(),
        { ValueKind: JsonValueKind.Number or JsonValueKind.True or JsonValueKind.False } v => v.GetRawText(),
        _ => null,
    };

    private static partial class HookLog
    {
        [LoggerMessage(Level = LogLevel.Information, Message = "hook {Event} (config line {Line}): exit {Exit}, {Outcome} after {ElapsedMs:0} ms")]
        public static partial void Finished(ILogger logger, string @event, int line, string exit, string outcome, double elapsedMs);
    }
}
