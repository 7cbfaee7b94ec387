namespace KimiCode.Config.Toml;

/// <summary>A TOML array: either a static array value (<c>[1, 2]</c>) or an array of tables (<c>[[x]]</c>).</summary>
public sealed class TomlArray : List<object>
{
    public TomlArray()
    {
    }

    public TomlArray(IEnumerable<object> items)
        : base(items)
    {
    }

    /// <summary>True when built by <c>[[header]]</c> sections; only those may be extended by later headers.</summary>
    public bool IsArrayOfTables { get; internal set; }
}
