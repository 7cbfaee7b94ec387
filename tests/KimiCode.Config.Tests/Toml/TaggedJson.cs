using System.Globalization;
using System.Text.Json.Nodes;
using KimiCode.Config.Toml;

namespace KimiCode.Config.Tests.Toml;

/// <summary>Compares a parsed tree with toml-test's tagged JSON, normalising floats and date/times as toml-test does.</summary>
internal static class TaggedJson
{
    public static void AssertEquivalent(JsonNode? expected, object actual, string path = "$")
    {
        switch (expected)
        {
            case JsonObject obj when obj.Count == 2 && obj.ContainsKey("type") && obj.ContainsKey("value") && obj["type"] is JsonValue && obj["value"] is JsonValue:
                AssertScalar((string)obj["type"]!, (string)obj["value"]!, actual, path);
                break;
            case JsonObject obj:
                var table = Assert.IsType<TomlTable>(actual, exactMatch: false);
                Assert.True(
                    obj.Select(p => p.Key).Order(StringComparer.Ordinal).SequenceEqual(table.Keys.Order(StringComparer.Ordinal)),
                    $"{path}: keys differ: expected [{string.Join(", ", obj.Select(p => p.Key))}] got [{string.Join(", ", table.Keys)}]");
                foreach (var (key, value) in obj)
                {
                    AssertEquivalent(value, table[key], path + "." + key);
                }

                break;
            case JsonArray array:
                var list = Assert.IsType<TomlArray>(actual, exactMatch: false);
                Assert.True(array.Count == list.Count, $"{path}: expected {array.Count} items, got {list.Count}");
                for (var i = 0; i < array.Count; i++)
                {
                    AssertEquivalent(array[i], list[i], $"{path}[{i}]");
                }

                break;
            default:
                Assert.Fail($"{path}: unexpected JSON {expected?.ToJsonString()}");
                break;
        }
    }

    private static void AssertScalar(string type, string value, object actual, string path)
    {
        switch (type)
        {
            case "string":
                Assert.True(actual is string s && s == value, $"{path}: expected string {value}, got {actual}");
                break;
            case "integer":
                Assert.True(actual is long l && l == long.Parse(value, CultureInfo.InvariantCulture), $"{path}: expected integer {value}, got {actual}");
                break;
            case "float":
                var expected = value switch
                {
                    "inf" or "+inf" => double.PositiveInfinity,
                    "-inf" => double.NegativeInfinity,
                    "nan" or "+nan" or "-nan" => double.NaN,
                    _ => double.Parse(value, CultureInfo.InvariantCulture),
                };
                Assert.True(actual is double d && (d.Equals(expected) || (double.IsNaN(d) && double.IsNaN(expected))), $"{path}: expected float {value}, got {actual}");
                break;
            case "bool":
                Assert.True(actual is bool b && b == (value == "true"), $"{path}: expected bool {value}, got {actual}");
                break;
            case "datetime" or "datetime-local" or "date-local" or "time-local":
                var kind = type switch
                {
                    "datetime" => TomlDateTimeKind.OffsetDateTime,
                    "datetime-local" => TomlDateTimeKind.LocalDateTime,
                    "date-local" => TomlDateTimeKind.LocalDate,
                    _ => TomlDateTimeKind.LocalTime,
                };
                // Parse the expected text with the TOML reader itself: it normalises T/space, z/Z and precision.
                var parsed = TomlDocument.Parse("v = " + value)["v"];
                var expectedValue = Assert.IsType<TomlDateTime>(parsed);
                Assert.Equal(kind, expectedValue.Kind);
                Assert.True(actual is TomlDateTime dt && dt == expectedValue, $"{path}: expected {type} {value}, got {actual}");
                break;
            default:
                Assert.Fail($"{path}: unknown type {type}");
                break;
        }
    }
}
