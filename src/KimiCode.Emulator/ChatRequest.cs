using System.Text;
using System.Text.Json;

namespace KimiCode.Emulator;

/// <summary>The parts of a chat-completions request the emulator looks at.</summary>
internal sealed class ChatRequest
{
    public required string Model { get; init; }

    public required bool Stream { get; init; }

    public required bool IncludeUsage { get; init; }

    public required IReadOnlyList<ChatMessage> Messages { get; init; }

    /// <summary>The request sent <c>thinking: {type: "disabled"}</c>: the default model then answers without reasoning.</summary>
    public bool ThinkingDisabled { get; init; }

    /// <summary>Raw JSON length of all messages: the emulator's stand-in for a tokenizer (about 4 characters a token).</summary>
    public required int TotalChars { get; init; }

    /// <summary>Parses the body; returns null and an error message when it is not a usable request.</summary>
    public static ChatRequest? Parse(string body, out string? error)
    {
        error = null;
        JsonDocument document;
        try
        {
            document = JsonDocument.Parse(body);
        }
        catch (JsonException)
        {
            error = "Invalid request: the body is not valid JSON.";
            return null;
        }

        using (document)
        {
            var root = document.RootElement;
            if (root.ValueKind != JsonValueKind.Object)
            {
                error = "Invalid request: the body must be a JSON object.";
                return null;
            }

            if (!root.TryGetProperty("model", out var model) || model.ValueKind != JsonValueKind.String || string.IsNullOrEmpty(model.GetString()))
            {
                error = "Invalid request: model is required.";
                return null;
            }

            if (!root.TryGetProperty("messages", out var messages) || messages.ValueKind != JsonValueKind.Array || messages.GetArrayLength() == 0)
            {
                error = "Invalid request: messages must be a non-empty array.";
                return null;
            }

            var list = new List<ChatMessage>();
            var totalChars = 0;
            foreach (var message in messages.EnumerateArray())
            {
                if (message.ValueKind != JsonValueKind.Object)
                {
                    error = "Invalid request: every message must be an object.";
                    return null;
                }

                totalChars += message.GetRawText().Length;
                list.Add(ChatMessage.From(message));
            }

            var includeUsage = root.TryGetProperty("stream_options", out var streamOptions)
                && streamOptions.ValueKind == JsonValueKind.Object
                && streamOptions.TryGetProperty("include_usage", out var include)
                && include.ValueKind == JsonValueKind.True;

            return new ChatRequest
            {
                Model = model.GetString()!,
                Stream = root.TryGetProperty("stream", out var stream) && stream.ValueKind == JsonValueKind.True,
                IncludeUsage = includeUsage,
                Messages = list,
                TotalChars = totalChars,
                ThinkingDisabled = root.TryGetProperty("thinking", out var thinking)
                    && thinking.ValueKind == JsonValueKind.Object
                    && thinking.TryGetProperty("type", out var thinkingType)
                    && thinkingType.ValueKind == JsonValueKind.String
                    && thinkingType.ValueEquals("disabled"u8),
            };
        }
    }
}

/// <summary>One message: role, flattened text, and the tool-call links used by validation.</summary>
internal sealed class ChatMessage
{
    public required string Role { get; init; }

    public required string Text { get; init; }

    /// <summary>True when <c>content</c> is exactly the empty string (the real service rejects that on assistant messages).</summary>
    public required bool ContentIsEmptyString { get; init; }

    public required IReadOnlyList<(string Id, string Name)> ToolCalls { get; init; }

    public string? ToolCallId { get; init; }

    /// <summary>The image parts of the content (on user and tool messages alike).</summary>
    public IReadOnlyList<ImagePart> Images { get; init; } = [];

    /// <summary>Why an image part is unacceptable; null when all are fine.</summary>
    public string? ImageError { get; init; }

    public static ChatMessage From(JsonElement message)
    {
        var role = message.TryGetProperty("role", out var r) && r.ValueKind == JsonValueKind.String ? r.GetString()! : "";
        var text = new StringBuilder();
        var emptyString = false;
        var images = new List<ImagePart>();
        string? imageError = null;
        if (message.TryGetProperty("content", out var content))
        {
            if (content.ValueKind == JsonValueKind.String)
            {
                text.Append(content.GetString());
                emptyString = text.Length == 0;
            }
            else if (content.ValueKind == JsonValueKind.Array)
            {
                // Content parts: the text parts make the text; image_url parts are checked and counted.
                foreach (var part in content.EnumerateArray())
                {
                    if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("text", out var t) && t.ValueKind == JsonValueKind.String)
                    {
                        text.Append(t.GetString());
                    }
                    else if (part.ValueKind == JsonValueKind.Object && part.TryGetProperty("type", out var type) && type.ValueEquals("image_url"u8))
                    {
                        var image = ImagePart.From(part);
                        if (image.Error is not null)
                        {
                            imageError ??= image.Error;
                        }
                        else
                        {
                            images.Add(image);
                        }
                    }
                }
            }
        }

        var calls = new List<(string, string)>();
        if (message.TryGetProperty("tool_calls", out var toolCalls) && toolCalls.ValueKind == JsonValueKind.Array)
        {
            foreach (var call in toolCalls.EnumerateArray())
            {
                var id = call.ValueKind == JsonValueKind.Object && call.TryGetProperty("id", out var i) && i.ValueKind == JsonValueKind.String ? i.GetString()! : "";
                var name = call.ValueKind == JsonValueKind.Object
                    && call.TryGetProperty("function", out var f) && f.ValueKind == JsonValueKind.Object
                    && f.TryGetProperty("name", out var n) && n.ValueKind == JsonValueKind.String ? n.GetString()! : "";
                calls.Add((id, name));
            }
        }

        var toolCallId = message.TryGetProperty("tool_call_id", out var tc) && tc.ValueKind == JsonValueKind.String ? tc.GetString() : null;
        return new ChatMessage { Role = role, Text = text.ToString(), ContentIsEmptyString = emptyString, ToolCalls = calls, ToolCallId = toolCallId, Images = images, ImageError = imageError };
    }
}

/// <summary>
/// One <c>{"type":"image_url","image_url":{"url":…}}</c> part: a <c>data:image/(png|jpeg|gif|webp);base64,…</c> URL
/// whose payload decodes, or an http(s) URL. Anything else is the reason the request is refused.
/// </summary>
internal sealed record ImagePart(string MediaType, int Bytes, string? Error)
{
    private static readonly string[] Accepted = ["image/png", "image/jpeg", "image/gif", "image/webp"];

    public static ImagePart From(JsonElement part)
    {
        if (!part.TryGetProperty("image_url", out var imageUrl) || imageUrl.ValueKind != JsonValueKind.Object
            || !imageUrl.TryGetProperty("url", out var urlElement) || urlElement.ValueKind != JsonValueKind.String)
        {
            return Bad("Invalid request: an image_url part needs image_url.url");
        }

        var url = urlElement.GetString()!;
        if (url.StartsWith("http://", StringComparison.Ordinal) || url.StartsWith("https://", StringComparison.Ordinal))
        {
            return new ImagePart("url", 0, null);
        }

        var comma = url.IndexOf(',', StringComparison.Ordinal);
        var header = comma > 5 && url.StartsWith("data:", StringComparison.Ordinal) ? url[5..comma] : null;
        if (header is null || !header.EndsWith(";base64", StringComparison.Ordinal))
        {
            return Bad("Invalid request: image_url.url must be an http(s) URL or a base64 data URL");
        }

        var mediaType = header[..^";base64".Length];
        if (!Accepted.Contains(mediaType, StringComparer.Ordinal))
        {
            return Bad($"Invalid request: unsupported image type {mediaType}");
        }

        try
        {
            return new ImagePart(mediaType, Convert.FromBase64String(url[(comma + 1)..]).Length, null);
        }
        catch (FormatException)
        {
            return Bad("Invalid request: image_url data is not valid base64");
        }
    }

    private static ImagePart Bad(string error) => new("", 0, error);
}
