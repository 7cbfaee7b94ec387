using System.Diagnostics.CodeAnalysis;

namespace KimiCode.Config.Toml;

/// <summary>
/// A TOML table: ordered, case-sensitive keys. Values are <see cref="string"/>, <see cref="long"/>,
/// <see cref="double"/>, <see cref="bool"/>, <see cref="TomlDateTime"/>, <see cref="TomlArray"/> or <see cref="TomlTable"/>.
/// </summary>
public sealed class TomlTable : OrderedDictionary<string, object>
{
    public TomlTable()
        : base(StringComparer.Ordinal)
    {
    }

    internal TomlTable(TomlTableOrigin origin, int line)
        : base(StringComparer.Ordinal)
    {
        Origin = origin;
        Line = line;
    }

    public TomlTableOrigin Origin { get; internal set; }

    /// <summary>1-based line where the parser first met this table (0 when built in code).</summary>
    public int Line { get; internal set; }

    /// <summary>The parser section in which dotted keys created this table (dotted tables may only grow in that section).</summary>
    internal int Section { get; set; }

    public bool IsInline => Origin == TomlTableOrigin.Inline;

    public bool TryGet<T>(string key, [MaybeNullWhen(false)] out T value)
    {
        if (TryGetValue(key, out var raw) && raw is T typed)
        {
            value = typed;
            return true;
        }

        value = default;
        return false;
    }
}
