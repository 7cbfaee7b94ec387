using Microsoft.AspNetCore.Http;

namespace KimiCode.Emulator;

/// <summary>The OpenAI-compatible APIs: the coding API (OAuth tokens or API keys, platform gate) and the open platform (API keys only).</summary>
internal sealed class ChatEndpoints(EmulatorState state, TimeProvider timeProvider, int chunkSize)
{
    internal const string AccessTerminatedBody =
        "{\"error\":{\"message\":\"Kimi For Coding is currently only available for Coding Agents such as Kimi CLI, Claude Code, Roo Code, Kilo Code, etc.\",\"type\":\"access_terminated_error\"}}";

    private static readonly ModelInfo[] CodingModels =
    [
        new("kimi-for-coding", "Kimi For Coding", 262144, true, true, false, true, "both"),
    ];

    private static readonly ModelInfo[] OpenPlatformModels =
    [
        new("kimi-for-coding", "Kimi For Coding", 262144, true, true, false, true, "both"),
        new("kimi-k2-turbo-preview", "Kimi K2 Turbo", 262144, false, false, false, true, "no"),
    ];

    public async Task ModelsAsync(HttpContext context, bool coding, CancellationToken cancellationToken)
    {
        if (!await AdmitAsync(context, coding, cancellationToken))
        {
            return;
        }

        var json = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("object", "list");
            w.WriteStartArray("data");
            foreach (var model in coding ? CodingModels : OpenPlatformModels)
            {
                w.WriteStartObject();
                w.WriteString("id", model.Id);
                w.WriteString("object", "model");
                w.WriteString("owned_by", "moonshot");
                w.WriteNumber("context_length", model.ContextLength);
                w.WriteString("display_name", model.DisplayName);
                w.WriteBoolean("supports_reasoning", model.SupportsReasoning);
                w.WriteBoolean("supports_image_in", model.SupportsImageIn);
                w.WriteBoolean("supports_video_in", model.SupportsVideoIn);
                w.WriteBoolean("supports_tool_use", model.SupportsToolUse);
                w.WriteString("supports_thinking_type", model.SupportsThinkingType);
                w.WriteEndObject();
            }

            w.WriteEndArray();
            w.WriteEndObject();
        });
        await HttpResults.WriteJsonAsync(context, 200, json, cancellationToken);
    }

    public async Task CompletionsAsync(HttpContext context, string body, bool coding, EmulatorFault? streamFault, CancellationToken cancellationToken)
    {
        if (!await AdmitAsync(context, coding, cancellationToken))
        {
            return;
        }

        var request = ChatRequest.Parse(body, out var parseError);
        if (request is null)
        {
            await InvalidRequestAsync(context, parseError!, cancellationToken);
            return;
        }

        if (!(coding ? CodingModels : OpenPlatformModels).Any(m => m.Id == request.Model))
        {
            await HttpResults.WriteJsonAsync(
                context,
                404,
                JsonText.OpenAiError($"Not found the model {request.Model} or Permission denied", "resource_not_found_error"),
                cancellationToken);
            return;
        }

        var validationError = ChatValidator.Validate(request);
        if (validationError is not null)
        {
            await InvalidRequestAsync(context, validationError, cancellationToken);
            return;
        }

        var turn = state.NextScriptTurn() ?? DefaultModel.Answer(request);
        if (turn.Error is { } error)
        {
            await WriteModelErrorAsync(context, error, cancellationToken);
            return;
        }

        var writer = new ChatResponseWriter(request, turn, timeProvider.GetUtcNow(), turn.ChunkSize ?? chunkSize);
        if (request.Stream)
        {
            await writer.WriteStreamAsync(context, streamFault, cancellationToken);
        }
        else if (streamFault is { MalformedSse: true })
        {
            await HttpResults.WriteJsonAsync(context, 200, ChatResponseWriter.MalformedJson, cancellationToken);
        }
        else if (streamFault is not null)
        {
            // A plain call has no chunks to send first: a stall holds the request, then both faults drop the connection.
            context.Items[KimiEmulator.DroppedKey] = true;
            if (streamFault.StallAfterChunks is not null && streamFault.StallMs > 0)
            {
                await Task.Delay(streamFault.StallMs, cancellationToken);
            }

            context.Abort();
        }
        else
        {
            await writer.WriteCompletionAsync(context, cancellationToken);
        }
    }

    internal static async Task WriteModelErrorAsync(HttpContext context, ModelError error, CancellationToken cancellationToken)
    {
        if (error.RetryAfterSeconds is { } retryAfter)
        {
            context.Response.Headers.RetryAfter = retryAfter.ToString(System.Globalization.CultureInfo.InvariantCulture);
        }

        var body = error.Body ?? JsonText.DefaultErrorForStatus(error.Status);
        var isJson = error.Body is null || error.BodyIsJson || JsonText.IsJson(body);
        var contentType = error.ContentType ?? (isJson ? "application/json; charset=utf-8" : "text/plain; charset=utf-8");
        await HttpResults.WriteTextAsync(context, error.Status, contentType, body, cancellationToken);
    }

    /// <summary>Bearer check first, then (coding API only) the platform gate, in the real service's order.</summary>
    internal async Task<bool> AdmitAsync(HttpContext context, bool coding, CancellationToken cancellationToken)
    {
        var authorization = context.Request.Headers.Authorization.ToString();
        var token = authorization.StartsWith("Bearer ", StringComparison.OrdinalIgnoreCase) ? authorization["Bearer ".Length..].Trim() : "";
        var valid = token.Length > 0 && (state.IsApiKey(token) || (coding && state.IsValidAccessToken(token)));
        if (!valid)
        {
            var message = token.Length == 0
                ? "Missing Authorization: Bearer token. Log in again or set an API key."
                : "The API Key appears to be invalid or may have expired. Please verify your credentials and try again.";
            await HttpResults.WriteJsonAsync(context, 401, JsonText.OpenAiError(message, "invalid_authentication_error"), cancellationToken);
            return false;
        }

        if (coding && !state.IsPlatformAllowed(context.Request.Headers["X-Msh-Platform"].ToString()))
        {
            await HttpResults.WriteJsonAsync(context, 403, AccessTerminatedBody, cancellationToken);
            return false;
        }

        return true;
    }

    private static Task InvalidRequestAsync(HttpContext context, string message, CancellationToken cancellationToken) =>
        HttpResults.WriteJsonAsync(context, 400, JsonText.OpenAiError(message, "invalid_request_error"), cancellationToken);

    private sealed record ModelInfo(
        string Id,
        string DisplayName,
        int ContextLength,
        bool SupportsReasoning,
        bool SupportsImageIn,
        bool SupportsVideoIn,
        bool SupportsToolUse,
        string SupportsThinkingType);
}
