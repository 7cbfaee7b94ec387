using System.Net.ServerSentEvents;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using KimiCode.Provider.Wire;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider;

/// <summary>
/// Reads one streamed chat completion (SSE) into <see cref="ChatResponseUpdate"/>s: text, reasoning,
/// usage, finish reason, and tool calls assembled by <c>index</c>. Throws only
/// <see cref="ProviderException"/> (bad_response, stream_interrupted, server) or cancellation.
/// </summary>
internal sealed class ChatStreamReader
{
    private static ReadOnlySpan<byte> Done => "[DONE]"u8;

    private readonly Stream _stream;
    private readonly string? _traceId;
    private readonly string _baseUrl;
    private readonly SortedDictionary<int, ToolCallBuilder> _openCalls = [];
    private readonly HashSet<int> _emittedCalls = [];
    private string? _responseId;
    private string? _modelId;
    private DateTimeOffset? _createdAt;

    public ChatStreamReader(Stream stream, string? traceId, string baseUrl)
    {
        _stream = stream;
        _traceId = traceId;
        _baseUrl = baseUrl;
    }

    public async IAsyncEnumerable<ChatResponseUpdate> ReadAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        SseParser<WireChatChunk?> parser = SseParser.Create(_stream, ParseItem);
        bool finished = false;
        IAsyncEnumerator<SseItem<WireChatChunk?>> items = parser.EnumerateAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
        await using ConfiguredAsyncDisposable itemsScope = items.ConfigureAwait(false);
        while (true)
        {
            bool hasItem;
            try
            {
                hasItem = await items.MoveNextAsync().ConfigureAwait(false);
            }
            catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
            {
                throw ProviderErrors.StreamInterrupted("the connection failed: " + ex.Message.TrimEnd('.'), _traceId, ex);
            }

            if (!hasItem)
            {
                break;
            }

            // Buffered data would otherwise keep flowing after the caller cancelled.
            cancellationToken.ThrowIfCancellationRequested();
            WireChatChunk? chunk = items.Current.Data;
            if (chunk is null)
            {
                // [DONE]: the server says the answer is complete.
                finished = true;
                break;
            }

            if (chunk.Error is { } error)
            {
                throw ProviderErrors.FromStreamError(error, _traceId);
            }

            ChatResponseUpdate? update = Translate(chunk, ref finished);
            if (update is not null)
            {
                yield return update;
            }
        }

        if (!finished)
        {
            throw ProviderErrors.StreamInterrupted("no finish_reason and no [DONE] before the connection closed", _traceId);
        }

        if (_openCalls.Count > 0)
        {
            var update = NewUpdate(null);
            FlushCalls(update.Contents);
            yield return update;
        }
    }

    private WireChatChunk? ParseItem(string eventType, ReadOnlySpan<byte> data)
    {
        ReadOnlySpan<byte> trimmed = data.Trim(" \r\n\t"u8);
        if (trimmed.SequenceEqual(Done))
        {
            return null;
        }

        if (trimmed.IsEmpty)
        {
            return new WireChatChunk();
        }

        try
        {
            return JsonSerializer.Deserialize(trimmed, ProviderJsonContext.Default.WireChatChunk) ?? new WireChatChunk();
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.BadResponse("a stream chunk", Encoding.UTF8.GetString(trimmed[..Math.Min(trimmed.Length, 4 * Snippet.MaxLength)]), _baseUrl, _traceId, ex);
        }
    }

    private ChatResponseUpdate? Translate(WireChatChunk chunk, ref bool finished)
    {
        _responseId = chunk.Id ?? _responseId;
        _modelId = chunk.Model ?? _modelId;
        if (chunk.Created is { } created)
        {
            _createdAt = DateTimeOffset.FromUnixTimeSeconds(created);
        }

        ChatResponseUpdate? update = null;
        WireChoice? choice = chunk.Choices is { Count: > 0 } choices ? choices[0] : null;
        if (choice?.Delta is { } delta)
        {
            if (!string.IsNullOrEmpty(delta.ReasoningContent))
            {
                (update ??= NewUpdate(chunk)).Contents.Add(new TextReasoningContent(delta.ReasoningContent));
            }

            if (!string.IsNullOrEmpty(delta.Content))
            {
                (update ??= NewUpdate(chunk)).Contents.Add(new TextContent(delta.Content));
            }

            if (delta.ToolCalls is { } calls)
            {
                foreach (WireToolCall call in calls)
                {
                    AddToolCallDelta(call, chunk, ref update);
                }
            }
        }

        if (choice?.FinishReason is { } finishReason)
        {
            update ??= NewUpdate(chunk);
            FlushCalls(update.Contents);
            update.FinishReason = ResponseMapping.FinishReason(finishReason);
            finished = true;
        }

        if ((chunk.Usage ?? choice?.Usage) is { } usage)
        {
            (update ??= NewUpdate(chunk)).Contents.Add(new UsageContent(ResponseMapping.Usage(usage)));
        }

        return update;
    }

    private void AddToolCallDelta(WireToolCall call, WireChatChunk chunk, ref ChatResponseUpdate? update)
    {
        int index = call.Index ?? (_openCalls.Count == 0 ? 0 : _openCalls.Keys.Max());
        if (_emittedCalls.Contains(index))
        {
            // The call already went out with complete arguments; a stray trailing fragment
            // (e.g. whitespace) must not turn into a second, nameless call.
            return;
        }

        if (!_openCalls.TryGetValue(index, out ToolCallBuilder? builder))
        {
            // A new call started: earlier calls whose arguments already form complete JSON are
            // done and go out now, so a front end can show them while the rest streams. Calls
            // with unfinished arguments stay open (servers may interleave argument fragments).
            foreach ((int openIndex, ToolCallBuilder open) in _openCalls.ToArray())
            {
                if (openIndex < index && ToolArguments.IsCompleteJson(open.Arguments.ToString()))
                {
                    (update ??= NewUpdate(chunk)).Contents.Add(open.Build());
                    _openCalls.Remove(openIndex);
                    _emittedCalls.Add(openIndex);
                }
            }

            builder = new ToolCallBuilder();
            _openCalls[index] = builder;
        }

        if (!string.IsNullOrEmpty(call.Id))
        {
            builder.Id = call.Id;
        }

        if (!string.IsNullOrEmpty(call.Function?.Name))
        {
            builder.Name = call.Function.Name;
        }

        if (call.Function?.Arguments is { Length: > 0 } fragment)
        {
            builder.Arguments.Append(fragment);
        }
    }

    /// <summary>Emits every open call, in index order (at finish_reason or the end of the stream).</summary>
    private void FlushCalls(IList<AIContent> contents)
    {
        foreach ((int index, ToolCallBuilder builder) in _openCalls)
        {
            contents.Add(builder.Build());
            _emittedCalls.Add(index);
        }

        _openCalls.Clear();
    }

    private ChatResponseUpdate NewUpdate(WireChatChunk? chunk)
    {
        var update = new ChatResponseUpdate
        {
            Role = ChatRole.Assistant,
            ResponseId = _responseId,
            MessageId = _responseId,
            ModelId = _modelId,
            CreatedAt = _createdAt,
            RawRepresentation = chunk,
            Contents = [],
        };
        if (_traceId is not null)
        {
            update.AdditionalProperties = new AdditionalPropertiesDictionary { ["trace_id"] = _traceId };
        }

        return update;
    }

    private sealed class ToolCallBuilder
    {
        public string Id { get; set; } = string.Empty;

        public string Name { get; set; } = string.Empty;

        public StringBuilder Arguments { get; } = new();

        public FunctionCallContent Build() => ToolArguments.ToFunctionCall(Id, Name, Arguments.ToString());
    }
}
