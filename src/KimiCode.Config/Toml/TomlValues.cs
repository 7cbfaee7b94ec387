namespace KimiCode.Config.Toml;

/// <summary>Value equality of parsed TOML values, so an edit can tell "same value, other spelling" from a change.</summary>
internal static class TomlValues
{
    /// <summary>Parses the text of one TOML value (as <see cref="TomlWriter.FormatValue"/> writes it).</summary>
    public static object Parse(string valueText) => TomlDocument.Parse("v = " + valueText)["v"];

    /// <summary>
    /// True when <paramref name="a"/> and <paramref name="b"/> are the same TOML value: same type, same scalars, same
    /// array items in order, same table keys (in any order) with the same values.
    /// </summary>
    public static bool Same(object? a, object? b) => (a, b) switch
    {
        (TomlTable x, TomlTable y) => x.Count == y.Count && x.All(entry => y.TryGetValue(entry.Key, out var other) && Same(entry.Value, other)),
        (TomlArray x, TomlArray y) => x.Count == y.Count && x.Zip(y).All(pair => Same(pair.First, pair.Second)),
        (double x, double y) => x.Equals(y),
        (string or long or bool or TomlDateTime, _) => Equals(a, b),
        _ => false,
    };
}
