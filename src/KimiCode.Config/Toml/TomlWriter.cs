using System.Globalization;
using System.Text;

namespace KimiCode.Config.Toml;

/// <summary>
/// Serialises a table tree to TOML: plain keys first, then each sub-table as a <c>[header]</c> section and
/// each array of tables as <c>[[header]]</c> sections. Inline tables and arrays stay inline.
/// </summary>
public static class TomlWriter
{
    public static string Write(TomlTable table)
    {
        ArgumentNullException.ThrowIfNull(table);
        var builder = new StringBuilder();
        WriteSection(builder, table, []);
        return builder.ToString();
    }

    private static void WriteSection(StringBuilder builder, TomlTable table, List<string> path)
    {
        foreach (var (key, value) in table)
        {
            if (IsSection(value))
            {
                continue;
            }

            AppendKey(builder, key).Append(" = ");
            AppendValue(builder, value);
            builder.Append('\n');
        }

        foreach (var (key, value) in table)
        {
            if (!IsSection(value))
            {
                continue;
            }

            path.Add(key);
            if (value is TomlTable sub)
            {
                // A header for every table keeps empty tables; TOML allows defining a table implied earlier.
                builder.Append(builder.Length == 0 ? "[" : "\n[");
                AppendPath(builder, path).Append("]\n");
                WriteSection(builder, sub, path);
            }
            else
            {
                foreach (var item in (TomlArray)value)
                {
                    builder.Append(builder.Length == 0 ? "[[" : "\n[[");
                    AppendPath(builder, path).Append("]]\n");
                    WriteSection(builder, (TomlTable)item, path);
                }
            }

            path.RemoveAt(path.Count - 1);
        }
    }

    private static bool IsSection(object value)
        => value switch
        {
            TomlTable table => !table.IsInline,
            TomlArray array => array.Count > 0 && (array.IsArrayOfTables || array.TrueForAll(i => i is TomlTable { IsInline: false })),
            _ => false,
        };

    private static StringBuilder AppendPath(StringBuilder builder, List<string> path)
    {
        for (var i = 0; i < path.Count; i++)
        {
            if (i > 0)
            {
                builder.Append('.');
            }

            AppendKey(builder, path[i]);
        }

        return builder;
    }

    /// <summary>Bare when the key allows it, otherwise a basic string.</summary>
    public static string FormatKey(string key)
    {
        ArgumentNullException.ThrowIfNull(key);
        return AppendKey(new StringBuilder(key.Length + 2), key).ToString();
    }

    /// <summary>Formats a dotted key path, quoting each part that needs it.</summary>
    public static string FormatKeyPath(IReadOnlyList<string> path)
    {
        ArgumentNullException.ThrowIfNull(path);
        return AppendPath(new StringBuilder(), [.. path]).ToString();
    }

    private static StringBuilder AppendKey(StringBuilder builder, string key)
    {
        var bare = key.Length > 0;
        foreach (var c in key)
        {
            if (!((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '_' || c == '-'))
            {
                bare = false;
                break;
            }
        }

        return bare ? builder.Append(key) : AppendString(builder, key);
    }

    /// <summary>Formats one value as TOML text (strings, numbers, booleans, date/times, arrays, tables inline).</summary>
    public static string FormatValue(object value)
    {
        ArgumentNullException.ThrowIfNull(value);
        return AppendValue(new StringBuilder(), value).ToString();
    }

    private static StringBuilder AppendValue(StringBuilder builder, object value)
    {
        switch (value)
        {
            case string s:
                return AppendString(builder, s);
            case bool b:
                return builder.Append(b ? "true" : "false");
            case long or int or short or byte or sbyte or ushort or uint:
                return builder.Append(Convert.ToInt64(value, CultureInfo.InvariantCulture).ToString(CultureInfo.InvariantCulture));
            case double or float:
                return AppendFloat(builder, Convert.ToDouble(value, CultureInfo.InvariantCulture));
            case TomlDateTime dt:
                return builder.Append(dt.ToString());
            case DateTimeOffset dto:
                return builder.Append(TomlDateTime.FromDateTimeOffset(dto).ToString());
            case TomlTable table:
                return AppendInlineTable(builder, table);
            case IEnumerable<KeyValuePair<string, string>> pairs:
                var inline = new TomlTable();
                foreach (var (k, v) in pairs)
                {
                    inline[k] = v;
                }

                return AppendInlineTable(builder, inline);
            case System.Collections.IEnumerable items:
                var any = false;
                builder.Append('[');
                foreach (var item in items)
                {
                    builder.Append(any ? ", " : " ");
                    AppendValue(builder, item);
                    any = true;
                }

                return builder.Append(any ? " ]" : "]");
            default:
                throw new ArgumentException($"A {value.GetType().Name} cannot be written as a TOML value.", nameof(value));
        }
    }

    private static StringBuilder AppendInlineTable(StringBuilder builder, TomlTable table)
    {
        if (table.Count == 0)
        {
            return builder.Append("{}");
        }

        builder.Append("{ ");
        var first = true;
        foreach (var (key, value) in table)
        {
            if (!first)
            {
                builder.Append(", ");
            }

            first = false;
            AppendKey(builder, key).Append(" = ");
            AppendValue(builder, value);
        }

        return builder.Append(" }");
    }

    private static StringBuilder AppendFloat(StringBuilder builder, double value)
    {
        if (double.IsNaN(value))
        {
            return builder.Append("nan");
        }

        if (double.IsInfinity(value))
        {
            return builder.Append(value > 0 ? "inf" : "-inf");
        }

        var text = value.ToString("R", CultureInfo.InvariantCulture);
        builder.Append(text);
        // "1" or "-0" would read back as integers.
        return text.AsSpan().IndexOfAny('.', 'E', 'e') < 0 ? builder.Append(".0") : builder;
    }

    private static StringBuilder AppendString(StringBuilder builder, string value)
    {
        builder.Append('"');
        foreach (var c in value)
        {
            switch (c)
            {
                case '"': builder.Append("\\\""); break;
                case '\\': builder.Append("\\\\"); break;
                case '\b': builder.Append("\\b"); break;
                case '\t': builder.Append("\\t"); break;
                case '\n': builder.Append("\\n"); break;
                case '\f': builder.Append("\\f"); break;
                case '\r': builder.Append("\\r"); break;
                default:
                    if (c < 0x20 || c == 0x7F)
                    {
                        builder.Append("\\u").Append(((int)c).ToString("X4", CultureInfo.InvariantCulture));
                    }
                    else
                    {
                        builder.Append(c);
                    }

                    break;
            }
        }

        return builder.Append('"');
    }
}
