using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>The validated values of one call's arguments (see <see cref="ToolParameters.TryParse"/>).</summary>
public sealed class ToolArguments
{
    private readonly Dictionary<ToolParameter, object?> _values;

    internal ToolArguments(Dictionary<ToolParameter, object?> values)
    {
        _values = values;
    }

    /// <summary>The value of <paramref name="parameter"/>: what the call gave, or the parameter's value when left out.</summary>
    /// <exception cref="ArgumentException">The parameter is not one of the parsed <see cref="ToolParameters"/>.</exception>
    public T Get<T>(ToolParameter<T> parameter)
    {
        ArgumentNullException.ThrowIfNull(parameter);
        if (!_values.TryGetValue(parameter, out var value))
        {
            throw new ArgumentException($"'{parameter.Name}' is not a parameter of these arguments.", nameof(parameter));
        }

        return (T)value!;
    }
}

/// <summary>
/// Where arguments are being read, for the wording of problems: the tool, and the item inside the arguments
/// (null at the top level, <c>todos[0]</c> inside an array item).
/// </summary>
internal readonly record struct ArgumentScope(string ToolName, string? Where)
{
    /// <summary>"Read: …" at the top level, "TodoWrite: todos[0]: …" inside an item.</summary>
    public string Error(string message) => Where is null ? $"{ToolName}: {message}" : $"{ToolName}: {Where}: {message}";

    /// <summary>"Grep: argument 'output_mode' …" at the top level, "TodoWrite: todos[0].status …" inside an item.</summary>
    public string LabelError(string name, string message) =>
        Where is null ? $"{ToolName}: argument '{name}' {message}" : $"{ToolName}: {Where}.{name} {message}";

    public static string Describe(JsonElement value) => value.ValueKind switch
    {
        JsonValueKind.String => "a string",
        JsonValueKind.Number => $"the number {value.GetRawText()}",
        JsonValueKind.True or JsonValueKind.False => $"the boolean {value.GetRawText()}",
        JsonValueKind.Array => "an array",
        JsonValueKind.Object => "an object",
        JsonValueKind.Null => "null",
        _ => "nothing",
    };

    /// <summary>'a', 'b', 'c'.</summary>
    public static string Quoted(IEnumerable<string> names) => string.Join(", ", names.Select(n => $"'{n}'"));

    /// <summary>"a", "b" or "c".</summary>
    public static string Alternatives(IReadOnlyList<string> values) => values.Count == 1
        ? $"\"{values[0]}\""
        : string.Join(", ", values.Take(values.Count - 1).Select(v => $"\"{v}\"")) + $" or \"{values[^1]}\"";
}
