using System.Buffers;
using System.Diagnostics.CodeAnalysis;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KimiCode.Agent.Tools;

/// <summary>
/// A tool's arguments described once: the JSON schema the model sees (<see cref="Schema"/>), the validation a call
/// goes through (<see cref="TryParse"/>: unknown names, required, types, ranges, enums, in declaration order, the
/// first problem worded so the model can fix its call), and the typed values the tool reads.
/// </summary>
/// <example>
/// <code>
/// static readonly ToolParameter&lt;string&gt; FilePath = Required.String("file_path", "The file to read.");
/// static readonly ToolParameter&lt;int?&gt; Limit = Optional.Integer("limit", 1, int.MaxValue, "How many lines.");
/// static readonly ToolParameters Parameters = new(FilePath, Limit);
/// …
/// if (!Parameters.TryParse(arguments, Name, out var args, out var error)) return ToolPreparation.Fail(error);
/// int limit = args.Get(Limit) ?? 2000;
/// </code>
/// </example>
public sealed class ToolParameters
{
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    private readonly ToolParameter[] _parameters;
    private readonly string[] _names;

    /// <summary>An object schema with <paramref name="parameters"/> as its properties, in this order; names must be unique.</summary>
    public ToolParameters(params ToolParameter[] parameters)
    {
        ArgumentNullException.ThrowIfNull(parameters);
        _parameters = [.. parameters];
        _names = [.. _parameters.Select(p => (p ?? throw new ArgumentNullException(nameof(parameters))).Name)];
        if (_names.Distinct(StringComparer.Ordinal).Count() != _names.Length)
        {
            throw new ArgumentException("Parameter names must be unique.", nameof(parameters));
        }

        var buffer = new ArrayBufferWriter<byte>();
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            WriteSchema(writer);
        }

        using var document = JsonDocument.Parse(buffer.WrittenMemory);
        Schema = document.RootElement.Clone();
    }

    /// <summary>The parameters, in declaration order.</summary>
    public IReadOnlyList<ToolParameter> Parameters => _parameters;

    /// <summary>
    /// The JSON schema: <c>{"type":"object","properties":{…},"required":[…],"additionalProperties":false}</c>.
    /// </summary>
    public JsonElement Schema { get; }

    /// <summary>The shape in messages, e.g. <c>{content, status, activeForm?}</c> (optional names end with ?).</summary>
    internal string Shape => "{" + string.Join(", ", _parameters.Select(p => p.IsRequired ? p.Name : p.Name + "?")) + "}";

    /// <summary>Validates the arguments of a <paramref name="toolName"/> call and reads their values.</summary>
    public bool TryParse(JsonElement arguments, string toolName, [NotNullWhen(true)] out ToolArguments? values, [NotNullWhen(false)] out string? error)
        => TryParse(arguments, new ArgumentScope(toolName, null), out values, out error);

    internal bool TryParse(JsonElement arguments, ArgumentScope scope, [NotNullWhen(true)] out ToolArguments? values, [NotNullWhen(false)] out string? error)
    {
        values = null;
        if (arguments.ValueKind != JsonValueKind.Object)
        {
            error = scope.Error($"the arguments must be a JSON object with the fields {ArgumentScope.Quoted(_names)}; got {ArgumentScope.Describe(arguments)}.");
            return false;
        }

        foreach (var property in arguments.EnumerateObject())
        {
            if (!_names.Contains(property.Name, StringComparer.Ordinal))
            {
                error = scope.Error($"unknown argument '{property.Name}'. The accepted arguments are {ArgumentScope.Quoted(_names)}.");
                return false;
            }
        }

        var read = new Dictionary<ToolParameter, object?>(_parameters.Length);
        foreach (var parameter in _parameters)
        {
            if (!arguments.TryGetProperty(parameter.Name, out var value) || value.ValueKind == JsonValueKind.Null)
            {
                if (parameter.IsRequired)
                {
                    error = scope.Error($"the required argument '{parameter.Name}' ({parameter.TypePhrase}) is missing.");
                    return false;
                }

                read[parameter] = parameter.Absent;
                continue;
            }

            if (!parameter.TryRead(value, scope, out var result, out var problem))
            {
                error = problem!;
                return false;
            }

            read[parameter] = result;
        }

        values = new ToolArguments(read);
        error = null;
        return true;
    }

    internal void WriteSchema(Utf8JsonWriter writer)
    {
        writer.WriteStartObject();
        writer.WriteString("type", "object");
        writer.WriteStartObject("properties");
        foreach (var parameter in _parameters)
        {
            writer.WritePropertyName(parameter.Name);
            parameter.WriteSchema(writer);
        }

        writer.WriteEndObject();
        writer.WriteStartArray("required");
        foreach (var parameter in _parameters.Where(p => p.IsRequired))
        {
            writer.WriteStringValue(parameter.Name);
        }

        writer.WriteEndArray();
        writer.WriteBoolean("additionalProperties", false);
        writer.WriteEndObject();
    }
}
