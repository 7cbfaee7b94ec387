using System.Text.Json;
using System.Text.Json.Serialization;

namespace KimiCode.Provider.Wire;

/// <summary>All provider JSON goes through this source-generated context (trim/AOT clean).</summary>
[JsonSourceGenerationOptions(DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(WireChatRequest))]
[JsonSerializable(typeof(WireChatChunk))]
[JsonSerializable(typeof(WireErrorEnvelope))]
[JsonSerializable(typeof(WireModelList))]
[JsonSerializable(typeof(List<WireContentPart>))]
[JsonSerializable(typeof(string))]
[JsonSerializable(typeof(JsonElement))]
internal sealed partial class ProviderJsonContext : JsonSerializerContext;
