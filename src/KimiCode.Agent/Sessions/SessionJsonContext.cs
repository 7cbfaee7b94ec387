using System.Text.Json.Serialization;

namespace KimiCode.Agent.Sessions;

/// <summary>All session JSON goes through this source-generated context (trim/AOT clean).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(SessionRecord))]
internal sealed partial class SessionJsonContext : JsonSerializerContext;
