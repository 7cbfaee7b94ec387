using System.Globalization;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization.Metadata;

namespace KimiCode.Acp.JsonRpc;

/// <summary>
/// Says what is wrong with params that did not deserialize, in protocol terms: the JSON path and what was expected
/// there (<c>params.prompt[0].type: expected one of text, image, …, got "video"</c>). It walks the params against the
/// source-generated contract (<see cref="JsonTypeInfo"/>) instead of quoting System.Text.Json, whose messages name
/// .NET types.
/// </summary>
internal static class ParamsProblem
{
    /// <summary>
    /// The first problem found in <paramref name="value"/> (paths start at <paramref name="root"/>, e.g. <c>params</c> or
    /// <c>result</c>), or null when it fits as far as the contract tells.
    /// </summary>
    public static string? Find(JsonElement value, JsonTypeInfo typeInfo, string root = "params")
    {
        ArgumentNullException.ThrowIfNull(typeInfo);
        return Check(value, typeInfo, root);
    }

    private static string? Check(JsonElement element, JsonTypeInfo typeInfo, string path)
    {
        Type type = Nullable.GetUnderlyingType(typeInfo.Type) ?? typeInfo.Type;
        if (type == typeof(JsonElement))
        {
            return null;
        }

        if (element.ValueKind == JsonValueKind.Null)
        {
            // Reached only for members whose contract does not allow null (see CheckObject).
            return $"{path}: expected {Expected(typeInfo, type)}, got null";
        }

        if (typeInfo.PolymorphismOptions is { } polymorphism)
        {
            return CheckUnion(element, typeInfo, polymorphism, path);
        }

        switch (typeInfo.Kind)
        {
            case JsonTypeInfoKind.Object:
                return CheckObject(element, typeInfo, path);
            case JsonTypeInfoKind.Enumerable:
                if (element.ValueKind != JsonValueKind.Array)
                {
                    return $"{path}: expected an array, got {JsonRpcRequest.Describe(element.ValueKind)}";
                }

                if (typeInfo.ElementType is { } itemType)
                {
                    JsonTypeInfo itemInfo = typeInfo.Options.GetTypeInfo(itemType);
                    int index = 0;
                    foreach (JsonElement item in element.EnumerateArray())
                    {
                        if (Check(item, itemInfo, string.Create(CultureInfo.InvariantCulture, $"{path}[{index++}]")) is { } problem)
                        {
                            return problem;
                        }
                    }
                }

                return null;
            case JsonTypeInfoKind.Dictionary:
                return element.ValueKind == JsonValueKind.Object ? null : $"{path}: expected an object, got {JsonRpcRequest.Describe(element.ValueKind)}";
            default:
                return CheckValue(element, typeInfo, type, path);
        }
    }

    private static string? CheckUnion(JsonElement element, JsonTypeInfo typeInfo, JsonPolymorphismOptions polymorphism, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: expected an object, got {JsonRpcRequest.Describe(element.ValueKind)}";
        }

        string discriminator = polymorphism.TypeDiscriminatorPropertyName;
        string choices = string.Join(", ", polymorphism.DerivedTypes.Select(d => Convert.ToString(d.TypeDiscriminator, CultureInfo.InvariantCulture)));
        if (!element.TryGetProperty(discriminator, out JsonElement tag))
        {
            return $"{path}: missing required \"{discriminator}\" (one of {choices})";
        }

        JsonDerivedType? match = tag.ValueKind == JsonValueKind.String
            ? polymorphism.DerivedTypes.Where(d => d.TypeDiscriminator is string name && tag.ValueEquals(name)).Select(static d => (JsonDerivedType?)d).FirstOrDefault()
            : null;
        if (match is not { } derived)
        {
            return $"{path}.{discriminator}: expected one of {choices}, got {Got(tag)}";
        }

        return CheckObject(element, typeInfo.Options.GetTypeInfo(derived.DerivedType), path);
    }

    private static string? CheckObject(JsonElement element, JsonTypeInfo typeInfo, string path)
    {
        if (element.ValueKind != JsonValueKind.Object)
        {
            return $"{path}: expected an object, got {JsonRpcRequest.Describe(element.ValueKind)}";
        }

        var missing = new List<string>();
        foreach (JsonPropertyInfo property in typeInfo.Properties)
        {
            if (!element.TryGetProperty(property.Name, out JsonElement value))
            {
                if (property.IsRequired)
                {
                    missing.Add($"\"{property.Name}\"");
                }

                continue;
            }

            string memberPath = path + "." + property.Name;
            if (value.ValueKind == JsonValueKind.Null)
            {
                if (!property.IsSetNullable)
                {
                    JsonTypeInfo memberInfo = typeInfo.Options.GetTypeInfo(property.PropertyType);
                    return $"{memberPath}: expected {Expected(memberInfo, Nullable.GetUnderlyingType(property.PropertyType) ?? property.PropertyType)}, got null";
                }

                continue;
            }

            if (Check(value, typeInfo.Options.GetTypeInfo(property.PropertyType), memberPath) is { } problem)
            {
                return problem;
            }
        }

        return missing.Count > 0 ? $"{path}: missing required {string.Join(", ", missing)}" : null;
    }

    private static string? CheckValue(JsonElement element, JsonTypeInfo typeInfo, Type type, string path)
    {
        bool fits = type switch
        {
            _ when type == typeof(string) => element.ValueKind == JsonValueKind.String,
            _ when type == typeof(bool) => element.ValueKind is JsonValueKind.True or JsonValueKind.False,
            _ when type.IsEnum => element.ValueKind == JsonValueKind.String && EnumNames(typeInfo, type).Any(n => element.ValueEquals(n)),
            _ when IsInteger(type) => element.ValueKind == JsonValueKind.Number && element.TryGetInt64(out _),
            _ when type == typeof(double) || type == typeof(float) || type == typeof(decimal) => element.ValueKind == JsonValueKind.Number,
            _ => true,
        };
        return fits ? null : $"{path}: expected {Expected(typeInfo, type)}, got {Got(element)}";
    }

    private static string Expected(JsonTypeInfo typeInfo, Type type)
    {
        if (typeInfo.PolymorphismOptions is not null || typeInfo.Kind is JsonTypeInfoKind.Object or JsonTypeInfoKind.Dictionary)
        {
            return "an object";
        }

        if (typeInfo.Kind == JsonTypeInfoKind.Enumerable)
        {
            return "an array";
        }

        return type switch
        {
            _ when type == typeof(string) => "a string",
            _ when type == typeof(bool) => "a boolean",
            _ when type.IsEnum => "one of " + string.Join(", ", EnumNames(typeInfo, type)),
            _ when IsInteger(type) => "an integer",
            _ => "a number",
        };
    }

    /// <summary>The wire names of an enum's members, as its converter writes them.</summary>
    private static IEnumerable<string> EnumNames(JsonTypeInfo typeInfo, Type type)
    {
        JsonTypeInfo enumInfo = typeInfo.Type == type ? typeInfo : typeInfo.Options.GetTypeInfo(type);
        foreach (object raw in Enum.GetValuesAsUnderlyingType(type))
        {
            string json = JsonSerializer.Serialize(Enum.ToObject(type, raw), enumInfo);
            yield return json.Length >= 2 && json[0] == '"' ? json[1..^1] : json;
        }
    }

    private static bool IsInteger(Type type) =>
        type == typeof(int) || type == typeof(long) || type == typeof(uint) || type == typeof(ulong) || type == typeof(short) || type == typeof(ushort) || type == typeof(byte) || type == typeof(sbyte);

    /// <summary>What was sent: a short string is quoted, anything else named by its kind.</summary>
    private static string Got(JsonElement element)
    {
        if (element.ValueKind == JsonValueKind.String)
        {
            string text = element.GetString() ?? "";
            if (text.Length <= 40 && !text.Any(char.IsControl))
            {
                return new StringBuilder(text.Length + 2).Append('"').Append(text).Append('"').ToString();
            }
        }

        return JsonRpcRequest.Describe(element.ValueKind);
    }
}
