using System.Text.Encodings.Web;
using System.Text.Json;

namespace KimiCode.EndToEnd.Tests.Acp;

/// <summary>Small helpers to write JSON by hand in tests (reflection-based serialization is off).</summary>
internal static class AcpJson
{
    /// <summary>A JSON string literal.</summary>
    public static string Str(string value) => "\"" + JsonEncodedText.Encode(value, JavaScriptEncoder.UnsafeRelaxedJsonEscaping) + "\"";

    public static JsonElement Parse(string json)
    {
        using var document = JsonDocument.Parse(json);
        return document.RootElement.Clone();
    }

    public static string Text(this JsonElement element, string property) => element.GetProperty(property).GetString()!;

    public static string Tag(this JsonElement update) => update.GetProperty("sessionUpdate").GetString()!;
}
