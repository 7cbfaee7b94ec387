using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// Reads a tool's JSON arguments and records the first problem as a message the model can act on
/// (it names the argument and the expected type). Typical use: read every argument, then check <see cref="Error"/>.
/// </summary>
internal sealed class ToolArguments
{
    private readonly JsonElement _arguments;
    private readonly string _toolName;

    public ToolArguments(JsonElement arguments, string toolName, IReadOnlyCollection<string> knownNames)
    {
        _arguments = arguments;
        _toolName = toolName;
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            Error = $"{toolName}: the arguments must be a JSON object with the fields {Join(knownNames)}; got {Describe(arguments)}.";
            return;
        }

        foreach (var property in arguments.EnumerateObject())
        {
            if (!knownNames.Contains(property.Name))
            {
                Error = $"{toolName}: unknown argument '{property.Name}'. The accepted arguments are {Join(knownNames)}.";
                return;
            }
        }
    }

    /// <summary>The first problem found, or null.</summary>
    public string? Error { get; private set; }

    public string RequiredString(string name)
    {
        if (Error is not null)
        {
            return "";
        }

        if (!_arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            Error = $"{_toolName}: the required argument '{name}' (a string) is missing.";
            return "";
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error = $"{_toolName}: argument '{name}' must be a string; got {Describe(value)}.";
            return "";
        }

        return value.GetString()!;
    }

    public string? OptionalString(string name)
    {
        if (Error is not null || !_arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind != JsonValueKind.String)
        {
            Error = $"{_toolName}: argument '{name}' must be a string; got {Describe(value)}.";
            return null;
        }

        return value.GetString();
    }

    public bool? OptionalBoolean(string name)
    {
        if (Error is not null || !_arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        if (value.ValueKind is not (JsonValueKind.True or JsonValueKind.False))
        {
            Error = $"{_toolName}: argument '{name}' must be a boolean (true or false); got {Describe(value)}.";
            return null;
        }

        return value.GetBoolean();
    }

    public long? OptionalInteger(string name, long minimum, long maximum)
    {
        if (Error is not null || !_arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        long number;
        if (value.ValueKind != JsonValueKind.Number)
        {
            Error = $"{_toolName}: argument '{name}' must be an integer; got {Describe(value)}.";
            return null;
        }

        if (!value.TryGetInt64(out number))
        {
            // 10.0 is an integer written as a float; 10.5 is not.
            if (value.TryGetDouble(out var real) && real == Math.Floor(real) && Math.Abs(real) < long.MaxValue)
            {
                number = (long)real;
            }
            else
            {
                Error = $"{_toolName}: argument '{name}' must be an integer; got {value.GetRawText()}.";
                return null;
            }
        }

        if (number < minimum || number > maximum)
        {
            Error = maximum >= int.MaxValue
                ? $"{_toolName}: argument '{name}' must be at least {minimum}; got {number}."
                : $"{_toolName}: argument '{name}' must be between {minimum} and {maximum}; got {number}.";
            return null;
        }

        return number;
    }

    /// <summary>The raw value of an argument, or null when absent; the caller validates it.</summary>
    public JsonElement? Raw(string name)
    {
        if (Error is not null || !_arguments.TryGetProperty(name, out var value) || value.ValueKind == JsonValueKind.Null)
        {
            return null;
        }

        return value;
    }

    /// <summary>Records a problem found by the caller (the first one wins).</summary>
    public void Fail(string message) => Error ??= $"{_toolName}: {message}";

    internal static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    private static string Join(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));
}
