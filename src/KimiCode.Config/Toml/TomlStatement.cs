namespace KimiCode.Config.Toml;

internal enum TomlStatementKind
{
    KeyValue,
    Table,
    ArrayTable,
}

/// <summary>
/// Where one top-level statement sits in the source text. For a key/value, <see cref="Path"/> is the
/// absolute key path (header + dotted key) and Value* spans the value; for a header it is the table path
/// and Value* spans the bracketed header. <see cref="LineEnd"/> is just past the line's newline.
/// </summary>
internal sealed record TomlStatement(
    TomlStatementKind Kind,
    string[] Path,
    int LineStart,
    int ValueStart,
    int ValueEnd,
    int LineEnd,
    bool InArrayTable);
