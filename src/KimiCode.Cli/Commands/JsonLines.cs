using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KimiCode.Cli.Commands;

/// <summary>Writes one compact JSON object per line (for <c>--json</c> and <c>stream-json</c> output) without reflection.</summary>
internal static class JsonLines
{
    private static readonly JsonWriterOptions Options = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Format(Action<Utf8JsonWriter> writeProperties)
    {
        var buffer = new System.Buffers.ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, Options))
        {
            writer.WriteStartObject();
            writeProperties(writer);
            writer.WriteEndObject();
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    public static async Task WriteAsync(TextWriter output, Action<Utf8JsonWriter> writeProperties)
    {
        await output.WriteLineAsync(Format(writeProperties)).ConfigureAwait(false);
        await output.FlushAsync().ConfigureAwait(false);
    }
}
