using System.Globalization;
using KimiCode.Agent;
using KimiCode.Cli.Shell;

namespace KimiCode.Cli;

/// <summary>How a scheduled retry reads, in the shell's status line and on print mode's stderr: the wait, the attempt and why.</summary>
internal static class RetryStatus
{
    /// <summary>e.g. "retrying in 4 s (attempt 3 of 10): Could not reach api.kimi.com: Connection refused. …"; "retrying now" once the wait is over.</summary>
    public static string Text(RetryScheduled retry, TimeSpan left)
    {
        var when = left > TimeSpan.Zero ? $"retrying in {Seconds(left)}" : "retrying now";
        var attempt = retry.MaxAttempts > 0
            ? string.Create(CultureInfo.InvariantCulture, $"attempt {retry.Attempt} of {retry.MaxAttempts}")
            : string.Create(CultureInfo.InvariantCulture, $"attempt {retry.Attempt}");
        return $"{when} ({attempt}): {VisibleText.OneLine(retry.Message.Trim())}";
    }

    /// <summary>Whole seconds, rounded up, from 1 s; a shorter wait with one decimal ("0.5 s").</summary>
    public static string Seconds(TimeSpan value) => value.TotalSeconds >= 1
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Ceiling(value.TotalSeconds):0} s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Max(0.1, Math.Round(value.TotalSeconds, 1)):0.#} s");
}
