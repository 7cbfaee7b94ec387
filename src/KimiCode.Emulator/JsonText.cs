using System.Buffers;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;

namespace KimiCode.Emulator;

/// <summary>Builds JSON text with <see cref="Utf8JsonWriter"/>: no reflection, so the emulator stays trim- and AOT-clean.</summary>
internal static class JsonText
{
    // Relaxed escaping keeps quotes and non-ASCII readable in logs and SSE dumps; the output is never embedded in HTML.
    private static readonly JsonWriterOptions WriterOptions = new() { Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping };

    public static string Write(Action<Utf8JsonWriter> build)
    {
        var buffer = new ArrayBufferWriter<byte>(256);
        using (var writer = new Utf8JsonWriter(buffer, WriterOptions))
        {
            build(writer);
        }

        return Encoding.UTF8.GetString(buffer.WrittenSpan);
    }

    /// <summary>The OpenAI error shape the coding API uses: <c>{"error":{"message":…,"type":…}}</c>.</summary>
    public static string OpenAiError(string message, string type) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteStartObject("error");
        w.WriteString("message", message);
        w.WriteString("type", type);
        w.WriteEndObject();
        w.WriteEndObject();
    });

    /// <summary>The OAuth error shape (RFC 6749 §5.2): <c>{"error":…,"error_description":…}</c>.</summary>
    public static string OAuthError(string error, string description) => Write(w =>
    {
        w.WriteStartObject();
        w.WriteString("error", error);
        w.WriteString("error_description", description);
        w.WriteEndObject();
    });

    /// <summary>A default OpenAI-shaped body for a failure status, as the real service words it.</summary>
    public static string DefaultErrorForStatus(int status) => status switch
    {
        400 => OpenAiError("Invalid request (emulated fault)", "invalid_request_error"),
        401 => OpenAiError("The API Key appears to be invalid or may have expired. Please verify your credentials and try again.", "invalid_authentication_error"),
        402 => OpenAiError("Your membership has expired. Renew it to continue.", "membership_expired_error"),
        403 => OpenAiError("Kimi For Coding is currently only available for Coding Agents such as Kimi CLI, Claude Code, Roo Code, Kilo Code, etc.", "access_terminated_error"),
        404 => OpenAiError("Not found (emulated fault)", "resource_not_found_error"),
        429 => OpenAiError("Your account is rate limited, please try again after a while (emulated fault).", "rate_limit_reached_error"),
        529 => OpenAiError("The engine is currently overloaded, please try again later (emulated fault).", "engine_overloaded_error"),
        >= 500 => OpenAiError("The server had an error while processing your request (emulated fault).", "server_error"),
        _ => OpenAiError($"Emulated fault with status {status}.", "invalid_request_error"),
    };

    /// <summary>True when the text parses as JSON (used to pick the content type of fault bodies).</summary>
    public static bool IsJson(string text)
    {
        try
        {
            using var _ = JsonDocument.Parse(text);
            return true;
        }
        catch (JsonException)
        {
            return false;
        }
    }
}
