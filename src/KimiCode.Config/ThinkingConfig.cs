using KimiCode.Config.Toml;

namespace KimiCode.Config;

/// <summary><c>[thinking]</c>.</summary>
public sealed record ThinkingConfig
{
    /// <summary><c>enabled</c>; null when the file does not say.</summary>
    public bool? Enabled { get; init; }

    /// <summary><c>effort</c> (<c>low</c>, <c>medium</c>, <c>high</c>, <c>xhigh</c>, <c>max</c>, …) as written, lower-cased; null when absent or blank.</summary>
    public string? Effort { get; init; }

    /// <summary><c>keep</c> as written (e.g. <c>all</c>, or an off-value such as <c>false</c>); null when absent.</summary>
    public string? Keep { get; init; }

    /// <summary>Reads <c>[thinking]</c>; <c>keep</c> may be a string or a boolean (the official client accepts both spellings of "off").</summary>
    internal static ThinkingConfig Read(TomlTable document)
    {
        if (!document.TryGet<TomlTable>("thinking", out var table))
        {
            return new ThinkingConfig();
        }

        string? keep = table.TryGet<object>("keep", out var raw) ? raw switch
        {
            string text => text,
            bool flag => flag ? "all" : "false",
            long number => number.ToString(System.Globalization.CultureInfo.InvariantCulture),
            _ => null,
        } : null;
        return new ThinkingConfig
        {
            Enabled = table.TryGet<bool>("enabled", out var enabled) ? enabled : null,
            Effort = table.TryGet<string>("effort", out var effort) && !string.IsNullOrWhiteSpace(effort) ? effort.Trim().ToLowerInvariant() : null,
            Keep = keep,
        };
    }
}
