using System.Globalization;
using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// One argument of a tool: its name, JSON schema and validation in one place. Create them with
/// <see cref="Required"/> and <see cref="Optional"/>, group them in <see cref="ToolParameters"/>, and read the
/// parsed value with <see cref="ToolArguments.Get{T}(ToolParameter{T})"/>.
/// </summary>
public abstract class ToolParameter
{
    private protected ToolParameter(string name, bool isRequired, string? description)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        Name = name;
        IsRequired = isRequired;
        Description = description;
    }

    /// <summary>The argument's JSON name.</summary>
    public string Name { get; }

    /// <summary>Whether a call must give it (null counts as not given).</summary>
    public bool IsRequired { get; }

    /// <summary>What the argument means, for the model (null: no description in the schema).</summary>
    public string? Description { get; }

    /// <summary>The expected value in messages: "a string" in "must be a string" and "(a string) is missing".</summary>
    internal abstract string TypePhrase { get; }

    /// <summary>The value a call that leaves the argument out gets.</summary>
    internal virtual object? Absent => null;

    private protected abstract string JsonType { get; }

    /// <summary>Writes the argument's schema: type, constraints, description.</summary>
    internal void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", JsonType);
        WriteConstraints(writer);
        if (Description is not null)
        {
            writer.WriteString("description", Description);
        }

        writer.WriteEndObject();
    }

    /// <summary>Checks a given (non-null) value; on success <paramref name="result"/> is what <see cref="ToolArguments.Get{T}"/> returns.</summary>
    internal abstract bool TryRead(JsonElement value, ArgumentScope scope, out object? result, out string? error);

    private protected virtual void WriteConstraints(Utf8JsonWriter writer)
    {
    }

    private protected bool WrongType(JsonElement value, ArgumentScope scope, out object? result, out string? error)
    {
        result = null;
        error = scope.Error($"argument '{Name}' must be {TypePhrase}; got {ArgumentScope.Describe(value)}.");
        return false;
    }
}

/// <summary>A <see cref="ToolParameter"/> whose parsed value is a <typeparamref name="T"/>.</summary>
public abstract class ToolParameter<T> : ToolParameter
{
    private protected ToolParameter(string name, bool isRequired, string? description)
        : base(name, isRequired, description)
    {
    }
}

/// <summary>Arguments a call must give.</summary>
public static class Required
{
    /// <summary>A string.</summary>
    public static ToolParameter<string> String(string name, string? description) => new StringParameter<string>(name, true, description, false, null);

    /// <summary>A string with something besides white space in it (schema <c>minLength: 1</c>).</summary>
    public static ToolParameter<string> NonEmptyString(string name, string? description) => new StringParameter<string>(name, true, description, true, null);

    /// <summary>One of <paramref name="values"/>.</summary>
    public static ToolParameter<string> StringEnum(string name, IReadOnlyList<string> values, string? description) =>
        new StringParameter<string>(name, true, description, false, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>An array of objects, each with the arguments <paramref name="items"/> describes.</summary>
    public static ToolParameter<IReadOnlyList<ToolArguments>> Array(string name, ToolParameters items, string? description) =>
        new ObjectArrayParameter<IReadOnlyList<ToolArguments>>(name, true, description, items ?? throw new ArgumentNullException(nameof(items)), 0, int.MaxValue);

    /// <summary>An array of <paramref name="minItems"/> to <paramref name="maxItems"/> objects, each with the arguments <paramref name="items"/> describes.</summary>
    public static ToolParameter<IReadOnlyList<ToolArguments>> Array(string name, ToolParameters items, int minItems, int maxItems, string? description) =>
        new ObjectArrayParameter<IReadOnlyList<ToolArguments>>(name, true, description, items ?? throw new ArgumentNullException(nameof(items)), minItems, maxItems);
}

/// <summary>Arguments a call may leave out (or pass as null).</summary>
public static class Optional
{
    /// <summary>A string; null when left out.</summary>
    public static ToolParameter<string?> String(string name, string? description) => new StringParameter<string?>(name, false, description, false, null);

    /// <summary>One of <paramref name="values"/>; null when left out.</summary>
    public static ToolParameter<string?> StringEnum(string name, IReadOnlyList<string> values, string? description) =>
        new StringParameter<string?>(name, false, description, false, values ?? throw new ArgumentNullException(nameof(values)));

    /// <summary>
    /// An integer from <paramref name="minimum"/> to <paramref name="maximum"/> (<see cref="int.MaxValue"/>: no upper
    /// bound in the schema); 10.0 counts as 10. Null when left out.
    /// </summary>
    public static ToolParameter<int?> Integer(string name, int minimum, int maximum, string? description) =>
        new IntegerParameter(name, description, minimum, maximum);

    /// <summary>An array of <paramref name="minItems"/> to <paramref name="maxItems"/> objects (see <see cref="Required.Array(string, ToolParameters, int, int, string?)"/>); null when left out.</summary>
    public static ToolParameter<IReadOnlyList<ToolArguments>?> Array(string name, ToolParameters items, int minItems, int maxItems, string? description) =>
        new ObjectArrayParameter<IReadOnlyList<ToolArguments>?>(name, false, description, items ?? throw new ArgumentNullException(nameof(items)), minItems, maxItems);

    /// <summary>true or false; null when left out.</summary>
    public static ToolParameter<bool?> Boolean(string name, string? description) => new BooleanParameter<bool?>(name, description, null);

    /// <summary>true or false; <paramref name="defaultValue"/> (also stated in the schema) when left out.</summary>
    public static ToolParameter<bool> Boolean(string name, bool defaultValue, string? description) => new BooleanParameter<bool>(name, description, defaultValue);
}

internal sealed class StringParameter<T>(string name, bool isRequired, string? description, bool nonEmpty, IReadOnlyList<string>? values)
    : ToolParameter<T>(name, isRequired, description)
{
    internal override string TypePhrase => "a string";

    private protected override string JsonType => "string";

    internal override bool TryRead(JsonElement value, ArgumentScope scope, out object? result, out string? error)
    {
        if (value.ValueKind != JsonValueKind.String)
        {
            return WrongType(value, scope, out result, out error);
        }

        var text = value.GetString()!;
        result = text;
        error = null;
        if (nonEmpty && string.IsNullOrWhiteSpace(text))
        {
            error = scope.LabelError(Name, "must not be empty.");
        }
        else if (values is not null && !values.Contains(text, StringComparer.Ordinal))
        {
            error = scope.LabelError(Name, $"must be {ArgumentScope.Alternatives(values)}; got \"{text}\".");
        }

        return error is null;
    }

    private protected override void WriteConstraints(Utf8JsonWriter writer)
    {
        if (nonEmpty)
        {
            writer.WriteNumber("minLength", 1);
        }

        if (values is not null)
        {
            writer.WriteStartArray("enum");
            foreach (var allowed in values)
            {
                writer.WriteStringValue(allowed);
            }

            writer.WriteEndArray();
        }
    }
}

internal sealed class IntegerParameter(string name, string? description, int minimum, int maximum)
    : ToolParameter<int?>(name, false, description)
{
    internal override string TypePhrase => "an integer";

    private protected override string JsonType => "integer";

    internal override bool TryRead(JsonElement value, ArgumentScope scope, out object? result, out string? error)
    {
        if (value.ValueKind != JsonValueKind.Number)
        {
            return WrongType(value, scope, out result, out error);
        }

        result = null;
        if (!value.TryGetInt64(out var number))
        {
            // 10.0 is an integer written as a float; 10.5 is not.
            if (value.TryGetDouble(out var real) && real == Math.Floor(real) && Math.Abs(real) < long.MaxValue)
            {
                number = (long)real;
            }
            else
            {
                error = scope.Error($"argument '{Name}' must be an integer; got {value.GetRawText()}.");
                return false;
            }
        }

        if (number < minimum || number > maximum)
        {
            error = maximum == int.MaxValue
                ? scope.Error($"argument '{Name}' must be at least {minimum}; got {number}.")
                : scope.Error($"argument '{Name}' must be between {minimum} and {maximum}; got {number}.");
            return false;
        }

        result = (int)number;
        error = null;
        return true;
    }

    private protected override void WriteConstraints(Utf8JsonWriter writer)
    {
        writer.WriteNumber("minimum", minimum);
        if (maximum != int.MaxValue)
        {
            writer.WriteNumber("maximum", maximum);
        }
    }
}

internal sealed class BooleanParameter<T>(string name, string? description, bool? defaultValue)
    : ToolParameter<T>(name, false, description)
{
    internal override string TypePhrase => "a boolean (true or false)";

    internal override object? Absent => defaultValue;

    private protected override string JsonType => "boolean";

    internal override bool TryRead(JsonElement value, ArgumentScope scope, out object? result, out string? error)
    {
        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            return WrongType(value, scope, out result, out error);
        }

        result = value.GetBoolean();
        error = null;
        return true;
    }

    private protected override void WriteConstraints(Utf8JsonWriter writer)
    {
        if (defaultValue is { } value)
        {
            writer.WriteBoolean("default", value);
        }
    }
}

internal sealed class ObjectArrayParameter<T>(string name, bool isRequired, string? description, ToolParameters items, int minItems, int maxItems)
    : ToolParameter<T>(name, isRequired, description)
{
    internal override string TypePhrase => $"an array of {items.Shape} objects";

    private protected override string JsonType => "array";

    private protected override void WriteConstraints(Utf8JsonWriter writer)
    {
        writer.WritePropertyName("items");
        items.WriteSchema(writer);
        if (minItems > 0)
        {
            writer.WriteNumber("minItems", minItems);
        }

        if (maxItems < int.MaxValue)
        {
            writer.WriteNumber("maxItems", maxItems);
        }
    }

    internal override bool TryRead(JsonElement value, ArgumentScope scope, out object? result, out string? error)
    {
        if (value.ValueKind != JsonValueKind.Array)
        {
            return WrongType(value, scope, out result, out error);
        }

        var parsed = new List<ToolArguments>();
        result = null;
        foreach (var element in value.EnumerateArray())
        {
            var where = string.Create(CultureInfo.InvariantCulture, $"{(scope.Where is null ? "" : scope.Where + ".")}{Name}[{parsed.Count}]");
            if (!items.TryParse(element, scope with { Where = where }, out var item, out error))
            {
                return false;
            }

            parsed.Add(item);
        }

        if (parsed.Count < minItems || parsed.Count > maxItems)
        {
            error = scope.Error(maxItems == int.MaxValue
                ? string.Create(CultureInfo.InvariantCulture, $"argument '{Name}' needs at least {minItems} items; got {parsed.Count}.")
                : string.Create(CultureInfo.InvariantCulture, $"argument '{Name}' takes {minItems} to {maxItems} items; got {parsed.Count}."));
            return false;
        }

        result = parsed;
        error = null;
        return true;
    }
}
