using System.Text;
using System.Text.Json;
using Microsoft.AspNetCore.Http;

namespace KimiCode.Emulator;

/// <summary>Turns a <see cref="ModelTurn"/> into a chat.completion object or an SSE stream of chat.completion.chunk events.</summary>
/// <param name="chunkSize">Characters per streamed piece of thinking, text and tool-call arguments.</param>
internal sealed class ChatResponseWriter(ChatRequest request, ModelTurn turn, DateTimeOffset now, int chunkSize)
{
    private static readonly TimeSpan CutDrainDelay = TimeSpan.FromMilliseconds(100);
    private readonly string _id = "chatcmpl-" + Ids.Random(24);
    private readonly long _created = now.ToUnixTimeSeconds();

    private string FinishReason => turn.FinishReason ?? (turn.ToolCalls.Count > 0 ? "tool_calls" : "stop");

    public Task WriteCompletionAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var json = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("id", _id);
            w.WriteString("object", "chat.completion");
            w.WriteNumber("created", _created);
            w.WriteString("model", request.Model);
            w.WriteStartArray("choices");
            w.WriteStartObject();
            w.WriteNumber("index", 0);
            w.WriteStartObject("message");
            w.WriteString("role", "assistant");
            if (turn.Text.Length == 0 && turn.ToolCalls.Count > 0)
            {
                w.WriteNull("content");
            }
            else
            {
                w.WriteString("content", turn.Text);
            }

            if (turn.Thinking.Length > 0)
            {
                w.WriteString("reasoning_content", turn.Thinking);
            }

            if (turn.ToolCalls.Count > 0)
            {
                w.WriteStartArray("tool_calls");
                for (var i = 0; i < turn.ToolCalls.Count; i++)
                {
                    var call = turn.ToolCalls[i];
                    w.WriteStartObject();
                    w.WriteNumber("index", i);
                    w.WriteString("id", call.Id);
                    w.WriteString("type", "function");
                    w.WriteStartObject("function");
                    w.WriteString("name", call.Name);
                    w.WriteString("arguments", call.Arguments);
                    w.WriteEndObject();
                    w.WriteEndObject();
                }

                w.WriteEndArray();
            }

            w.WriteEndObject();
            w.WriteString("finish_reason", FinishReason);
            w.WriteEndObject();
            w.WriteEndArray();
            WriteUsage(w);
            w.WriteEndObject();
        });
        return HttpResults.WriteJsonAsync(context, 200, json, cancellationToken);
    }

    /// <summary>A chunk cut off in the middle of its JSON: what a garbled or foreign stream looks like.</summary>
    internal const string MalformedJson = "{\"id\":\"chatcmpl-garbled\",\"object\":\"chat.completion.chunk\",\"choices\":[{\"delta\":{\"content\":<<garbage>>";

    /// <summary>
    /// Streams the turn. A <paramref name="fault"/> can cut the connection after N chunks (no [DONE]), go silent after N
    /// chunks for a while and then cut it, or slip a garbage <c>data:</c> line in after the first chunk.
    /// </summary>
    public async Task WriteStreamAsync(HttpContext context, EmulatorFault? fault, CancellationToken cancellationToken)
    {
        context.Response.StatusCode = 200;
        context.Response.ContentType = "text/event-stream";
        context.Response.Headers.CacheControl = "no-cache";
        await context.Response.StartAsync(cancellationToken);

        var cutAfterChunks = fault?.CutStreamAfterChunks;
        var stallAfterChunks = fault?.StallAfterChunks;
        var sent = 0;
        var broken = false;
        foreach (var chunk in BuildChunks())
        {
            if (cutAfterChunks is { } limit && sent >= limit)
            {
                broken = true;
                break;
            }

            if (stallAfterChunks is { } stallAt && sent >= stallAt)
            {
                // Silence on an open stream: the headers and some chunks arrived, then nothing.
                await Task.Delay(fault!.StallMs, cancellationToken);
                broken = true;
                break;
            }

            if (sent > 0 && turn.DelayMs > 0)
            {
                await Task.Delay(turn.DelayMs, cancellationToken);
            }

            await WriteEventAsync(context, chunk, cancellationToken);
            sent++;
            if (sent == 1 && fault is { MalformedSse: true })
            {
                await WriteEventAsync(context, MalformedJson, cancellationToken);
            }
        }

        if (broken || cutAfterChunks is not null || stallAfterChunks is not null)
        {
            // Emulates a dropped connection: the client sees the stream end with no [DONE].
            // Kestrel's abort discards output still queued for the socket, so give the flushed chunks a moment to leave first.
            await Task.Delay(CutDrainDelay, cancellationToken);
            context.Abort();
            return;
        }

        await WriteEventAsync(context, "[DONE]", cancellationToken);
    }

    internal IEnumerable<string> BuildChunks()
    {
        yield return Chunk(w =>
        {
            w.WriteString("role", "assistant");
            w.WriteString("content", "");
        });

        foreach (var piece in Split(turn.Thinking, chunkSize))
        {
            yield return Chunk(w => w.WriteString("reasoning_content", piece));
        }

        foreach (var piece in Split(turn.Text, chunkSize))
        {
            yield return Chunk(w => w.WriteString("content", piece));
        }

        for (var i = 0; i < turn.ToolCalls.Count; i++)
        {
            var index = i;
            var call = turn.ToolCalls[i];
            yield return Chunk(w => ToolCallDelta(w, index, call.Id, call.Name, ""));
        }

        // Parallel tool calls arrive interleaved: one argument piece of each call in turn, routed by index.
        var pieces = turn.ToolCalls.Select(c => Split(c.Arguments, chunkSize).ToList()).ToList();
        var longest = pieces.Count == 0 ? 0 : pieces.Max(p => p.Count);
        for (var round = 0; round < longest; round++)
        {
            for (var i = 0; i < pieces.Count; i++)
            {
                if (round < pieces[i].Count)
                {
                    var index = i;
                    var piece = pieces[i][round];
                    yield return Chunk(w => ToolCallDelta(w, index, null, null, piece));
                }
            }
        }

        yield return Chunk(_ => { }, FinishReason);

        if (request.IncludeUsage)
        {
            yield return JsonText.Write(w =>
            {
                WriteChunkHeader(w);
                w.WriteStartArray("choices");
                w.WriteEndArray();
                WriteUsage(w);
                w.WriteEndObject();
            });
        }
    }

    private static void ToolCallDelta(Utf8JsonWriter w, int index, string? id, string? name, string arguments)
    {
        w.WriteStartArray("tool_calls");
        w.WriteStartObject();
        w.WriteNumber("index", index);
        if (id is not null)
        {
            w.WriteString("id", id);
            w.WriteString("type", "function");
        }

        w.WriteStartObject("function");
        if (name is not null)
        {
            w.WriteString("name", name);
        }

        w.WriteString("arguments", arguments);
        w.WriteEndObject();
        w.WriteEndObject();
        w.WriteEndArray();
    }

    private static IEnumerable<string> Split(string text, int size)
    {
        // Split on text elements would be kinder, but surrogate pairs are the only real hazard: never cut one in half.
        var start = 0;
        while (start < text.Length)
        {
            var length = Math.Min(size, text.Length - start);
            if (start + length < text.Length && char.IsHighSurrogate(text[start + length - 1]))
            {
                length++;
            }

            yield return text.Substring(start, length);
            start += length;
        }
    }

    private static async Task WriteEventAsync(HttpContext context, string data, CancellationToken cancellationToken)
    {
        await context.Response.WriteAsync("data: " + data + "\n\n", Encoding.UTF8, cancellationToken);
        await context.Response.Body.FlushAsync(cancellationToken);
    }

    private string Chunk(Action<Utf8JsonWriter> delta, string? finishReason = null) => JsonText.Write(w =>
    {
        WriteChunkHeader(w);
        w.WriteStartArray("choices");
        w.WriteStartObject();
        w.WriteNumber("index", 0);
        w.WriteStartObject("delta");
        delta(w);
        w.WriteEndObject();
        if (finishReason is null)
        {
            w.WriteNull("finish_reason");
        }
        else
        {
            w.WriteString("finish_reason", finishReason);
        }

        w.WriteEndObject();
        w.WriteEndArray();
        w.WriteEndObject();
    });

    private void WriteChunkHeader(Utf8JsonWriter w)
    {
        w.WriteStartObject();
        w.WriteString("id", _id);
        w.WriteString("object", "chat.completion.chunk");
        w.WriteNumber("created", _created);
        w.WriteString("model", request.Model);
    }

    private void WriteUsage(Utf8JsonWriter w)
    {
        var completionChars = turn.Thinking.Length + turn.Text.Length + turn.ToolCalls.Sum(c => c.Name.Length + c.Arguments.Length);
        long prompt = (request.TotalChars + 3) / 4;
        long completion = Math.Max(1, (completionChars + 3) / 4);
        long cached = 0;
        long? total = null;
        if (turn.Usage is { } usage)
        {
            prompt = usage.GetValueOrDefault("prompt_tokens", prompt);
            completion = usage.GetValueOrDefault("completion_tokens", completion);
            cached = usage.GetValueOrDefault("cached_tokens", cached);
            total = usage.TryGetValue("total_tokens", out var t) ? t : null;
        }

        w.WriteStartObject("usage");
        w.WriteNumber("prompt_tokens", prompt);
        w.WriteNumber("completion_tokens", completion);
        w.WriteNumber("total_tokens", total ?? prompt + completion);
        w.WriteNumber("cached_tokens", cached);
        w.WriteEndObject();
    }
}
