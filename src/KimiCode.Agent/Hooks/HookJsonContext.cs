using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Agent.Hooks;

/// <summary>A hook's JSON answer on standard output: <c>{"hookSpecificOutput":{"permissionDecision":"deny","permissionDecisionReason":"…"}}</c>.</summary>
internal sealed record HookOutput
{
    [JsonPropertyName("message")]
    public JsonElement? Message { get; init; }

    [JsonPropertyName("hookSpecificOutput")]
    public JsonElement? HookSpecificOutput { get; init; }
}

/// <summary>Hook JSON, both ways, through source generation (trim/AOT clean): input in snake_case, output as the official names.</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HookInput))]
[JsonSerializable(typeof(HookOutput))]
internal sealed partial class HookJsonContext : JsonSerializerContext;
