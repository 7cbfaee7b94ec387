using System.Text.Json.Serialization;

namespace KimiCode.Provider.Tests.Fakes;

/// <summary>Reflection-based JSON is off in this test project, so tests use a context too.</summary>
[JsonSerializable(typeof(string))]
internal sealed partial class TestJsonContext : JsonSerializerContext;
