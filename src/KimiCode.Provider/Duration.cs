using System.Globalization;

namespace KimiCode.Provider;

/// <summary>Durations as people read them in messages: "0.3 s", "90 s", "10 min", "1 h 30 min".</summary>
internal static class Duration
{
    /// <summary>Seconds with up to three decimals: "0.3 s", "15 s".</summary>
    public static string Seconds(TimeSpan value) =>
        string.Create(CultureInfo.InvariantCulture, $"{Math.Round(value.TotalSeconds, 3):0.###} s");

    /// <summary>Elapsed time: one decimal under 10 s ("1.5 s"), whole seconds above.</summary>
    public static string Elapsed(TimeSpan value) => value.TotalSeconds < 10
        ? string.Create(CultureInfo.InvariantCulture, $"{Math.Round(value.TotalSeconds, 1):0.#} s")
        : string.Create(CultureInfo.InvariantCulture, $"{Math.Round(value.TotalSeconds):0} s");

    /// <summary>A wait in the largest sensible units, rounded up: "45 s", "10 min", "2 min 30 s", "1 h 5 min".</summary>
    public static string Human(TimeSpan value)
    {
        long seconds = (long)Math.Ceiling(Math.Max(0, value.TotalSeconds));
        if (seconds < 60)
        {
            return string.Create(CultureInfo.InvariantCulture, $"{seconds} s");
        }

        if (seconds < 3600)
        {
            long minutes = seconds / 60;
            long rest = seconds % 60;
            return rest == 0
                ? string.Create(CultureInfo.InvariantCulture, $"{minutes} min")
                : string.Create(CultureInfo.InvariantCulture, $"{minutes} min {rest} s");
        }

        long totalMinutes = (seconds + 59) / 60;
        long hours = totalMinutes / 60;
        long mins = totalMinutes % 60;
        return mins == 0
            ? string.Create(CultureInfo.InvariantCulture, $"{hours} h")
            : string.Create(CultureInfo.InvariantCulture, $"{hours} h {mins} min");
    }
}
