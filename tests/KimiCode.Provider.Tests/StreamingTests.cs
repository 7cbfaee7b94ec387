using System.Text.Json;
using KimiCode.Provider.Tests.Fakes;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests;

public sealed class StreamingTests
{
    [Fact]
    public async Task GetStreamingResponseAsync_ThinkingTextAndInterleavedParallelToolCalls_AssemblesEverything()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder()
            .Role()
            .Reasoning("Let me ")
            .Reasoning("look.")
            .Content("Reading both.")
            .ToolCallStart(0, "call_a", "read_file")
            .ToolCallStart(1, "call_b", "grep")
            .ToolCallArguments(0, "{\"path\":")
            .ToolCallArguments(1, "{\"pattern\":\"TODO\"")
            .ToolCallArguments(0, "\"a.txt\"}")
            .ToolCallArguments(1, ",\"max\":3}")
            .Finish("tool_calls")
            .Usage(120, 30)
            .Done()
            .Build(), traceId: "trace-xyz");

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        Assert.Equal("Let me look.", string.Concat(updates.SelectMany(u => u.Contents).OfType<TextReasoningContent>().Select(r => r.Text)));
        Assert.Equal("Reading both.", string.Concat(updates.SelectMany(u => u.Contents).OfType<TextContent>().Select(t => t.Text)));
        List<FunctionCallContent> calls = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().ToList();
        Assert.Equal(2, calls.Count);
        Assert.Equal(("call_a", "read_file"), (calls[0].CallId, calls[0].Name));
        Assert.Equal("a.txt", ((JsonElement)calls[0].Arguments!["path"]!).GetString());
        Assert.Equal(("call_b", "grep"), (calls[1].CallId, calls[1].Name));
        Assert.Equal("TODO", ((JsonElement)calls[1].Arguments!["pattern"]!).GetString());
        Assert.Equal(3, ((JsonElement)calls[1].Arguments!["max"]!).GetInt32());
        Assert.All(calls, c => Assert.Null(c.Exception));
        Assert.Equal(ChatFinishReason.ToolCalls, updates.Single(u => u.FinishReason is not null).FinishReason);
        UsageDetails usage = updates.SelectMany(u => u.Contents).OfType<UsageContent>().Single().Details;
        Assert.Equal((120L, 30L, 150L), (usage.InputTokenCount!.Value, usage.OutputTokenCount!.Value, usage.TotalTokenCount!.Value));
        Assert.All(updates, u => Assert.Equal("trace-xyz", u.AdditionalProperties?["trace_id"]));
        Assert.All(updates, u => Assert.Equal(("chatcmpl-1", "kimi-for-coding"), (u.ResponseId, u.ModelId)));
        Assert.All(updates, u => Assert.Equal(ChatRole.Assistant, u.Role));
    }

    [Fact]
    public async Task GetStreamingResponseAsync_SequentialToolCalls_YieldsFirstCallWhenSecondStarts()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder()
            .ToolCallStart(0, "call_a", "read_file", "{\"path\":\"a\"}")
            .ToolCallStart(1, "call_b", "read_file", "{\"path\":")
            .ToolCallArguments(1, "\"b\"}")
            .Finish("tool_calls")
            .Done()
            .Build());

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        int firstCallAt = updates.FindIndex(u => u.Contents.OfType<FunctionCallContent>().Any(c => c.CallId == "call_a"));
        int secondCallAt = updates.FindIndex(u => u.Contents.OfType<FunctionCallContent>().Any(c => c.CallId == "call_b"));
        int finishAt = updates.FindIndex(u => u.FinishReason is not null);
        Assert.True(firstCallAt >= 0 && firstCallAt < finishAt, "the first call should go out before the finish chunk");
        Assert.Null(updates[firstCallAt].FinishReason);
        Assert.Equal(finishAt, secondCallAt);
        Assert.Equal("b", ((JsonElement)updates[secondCallAt].Contents.OfType<FunctionCallContent>().Single().Arguments!["path"]!).GetString());
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UsageInsideChoice_ReportsUsageWithCachedTokens()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder()
            .Content("ok")
            .Finish("stop", choiceUsage: SseBuilder.UsageJson(1000, 5, cached: 800))
            .Done()
            .Build());

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        ChatResponseUpdate last = updates.Single(u => u.FinishReason is not null);
        Assert.Equal(ChatFinishReason.Stop, last.FinishReason);
        UsageDetails usage = last.Contents.OfType<UsageContent>().Single().Details;
        Assert.Equal(1000, usage.InputTokenCount);
        Assert.Equal(5, usage.OutputTokenCount);
        Assert.Equal(800, usage.CachedInputTokenCount);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_UnknownFinishReason_KeepsValueWithoutThrowing()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder().Content("x").Finish("brand_new_reason").Done().Build());

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        Assert.Equal("brand_new_reason", updates.Single(u => u.FinishReason is not null).FinishReason!.Value.Value);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_LengthAndContentFilter_MapToKnownReasons()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder().Content("x").Finish("length").Done().Build());
        h.Handler.EnqueueSse(new SseBuilder().Content("x").Finish("content_filter").Done().Build());

        Assert.Equal(ChatFinishReason.Length, (await h.StreamAsync()).Single(u => u.FinishReason is not null).FinishReason);
        Assert.Equal(ChatFinishReason.ContentFilter, (await h.StreamAsync()).Single(u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_BrokenToolArguments_YieldsCallWithExceptionInsteadOfThrowing()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder()
            .ToolCallStart(0, "call_a", "write_file", "{\"path\": \"a.txt\", \"content\": ")
            .Finish("tool_calls")
            .Done()
            .Build());

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        FunctionCallContent call = updates.SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();
        Assert.Equal(("call_a", "write_file"), (call.CallId, call.Name));
        Assert.NotNull(call.Exception);
        Assert.Contains("write_file", call.Exception.Message, StringComparison.Ordinal);
        Assert.Contains("{\"path\": \"a.txt\"", call.Exception.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ToolCallWithoutArguments_HasEmptyArguments()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder().ToolCallStart(0, "call_a", "list_files").Finish("tool_calls").Done().Build());

        FunctionCallContent call = (await h.StreamAsync()).SelectMany(u => u.Contents).OfType<FunctionCallContent>().Single();

        Assert.Null(call.Exception);
        Assert.NotNull(call.Arguments);
        Assert.Empty(call.Arguments);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_InvalidChunkJson_ThrowsBadResponseWithSnippetAndDoesNotRetry()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder().Raw("{\"id\":\"x\",\"choices\":[{not json at all").Done().Build());

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.BadResponse, error.Code);
        Assert.Contains("{\"id\":\"x\",\"choices\":[{not json at all", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("The server at https://api.test/coding/v1 sent a stream chunk that is not valid JSON: ", error.Message, StringComparison.Ordinal);
        Assert.Contains("not the Kimi API; check base_url", error.Message, StringComparison.Ordinal);
        Assert.IsType<JsonException>(error.InnerException, exactMatch: false);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_HugeInvalidChunk_SnippetIsTruncated()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder().Raw("{" + new string('x', 10_000)).Build());

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.BadResponse, error.Code);
        Assert.True(error.Message.Length < 400, $"message too long: {error.Message.Length}");
        Assert.Contains("…", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamCutAfterOutput_ThrowsStreamInterruptedWithoutRetry()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder().Content("partial an").Build());
        var seen = new List<ChatResponseUpdate>();

        var error = await Assert.ThrowsAsync<ProviderException>(async () =>
        {
            await foreach (ChatResponseUpdate update in h.Client.GetStreamingResponseAsync(Harness.Prompt(), cancellationToken: TestContext.Current.CancellationToken))
            {
                seen.Add(update);
            }
        });

        Assert.Equal(ProviderErrorCodes.StreamInterrupted, error.Code);
        Assert.Equal("The answer stream ended before the answer was complete (no finish_reason and no [DONE] before the connection closed). Try again.", error.Message);
        Assert.Equal("partial an", Assert.Single(seen).Text);
        Assert.Single(h.Handler.Requests);
        Assert.Empty(h.Notices);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ConnectionFailsAfterOutput_ThrowsStreamInterrupted()
    {
        using var h = new Harness();
        byte[] first = System.Text.Encoding.UTF8.GetBytes(new SseBuilder().Content("hello").Build());
        h.Handler.EnqueueSseStream(() => new FailingStream(first));

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.StreamInterrupted, error.Code);
        Assert.Contains("connection reset by peer", error.Message, StringComparison.Ordinal);
        Assert.Single(h.Handler.Requests);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_StreamCutBeforeOutput_RetriesTransparently()
    {
        using var h = new Harness(o => o.Retry.BaseDelay = TimeSpan.Zero);
        h.Handler.EnqueueSse(new SseBuilder().Role().Build());
        h.Handler.EnqueueSse(new SseBuilder().Content("complete answer").Finish("stop").Done().Build());

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        Assert.Equal(2, h.Handler.Requests.Count);
        Assert.Equal("complete answer", string.Concat(updates.Select(u => u.Text)));
        RetryNotice notice = Assert.Single(updates.SelectMany(u => u.Contents).OfType<RetryNotice>());
        Assert.Equal(ProviderErrorCodes.StreamInterrupted, notice.Code);
        Assert.Equal(2, notice.Attempt);
        Assert.Single(h.Notices);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_FinishWithoutDone_CompletesNormally()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder().Content("all").Finish("stop").Build());

        List<ChatResponseUpdate> updates = await h.StreamAsync();

        Assert.Equal("all", string.Concat(updates.Select(u => u.Text)));
        Assert.Equal(ChatFinishReason.Stop, updates[^1].FinishReason);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_ErrorObjectInsideStream_ThrowsClassifiedError()
    {
        using var h = new Harness(o => o.Retry.MaxAttempts = 1);
        h.Handler.EnqueueSse(new SseBuilder().Raw("""{"error":{"message":"The engine is currently overloaded","type":"engine_overloaded_error"}}""").Build());

        var error = await Assert.ThrowsAsync<ProviderException>(() => h.StreamAsync());

        Assert.Equal(ProviderErrorCodes.Overloaded, error.Code);
        Assert.Equal("The engine is currently overloaded", error.ServerMessage);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledMidStream_ThrowsOperationCanceled()
    {
        using var h = new Harness();
        h.Handler.EnqueueSse(new SseBuilder().Content("one").Content("two").Finish("stop").Done().Build());
        using var cts = new CancellationTokenSource();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (ChatResponseUpdate update in h.Client.GetStreamingResponseAsync(Harness.Prompt(), cancellationToken: cts.Token))
            {
                await cts.CancelAsync();
            }
        });

        Assert.IsNotType<ProviderException>(error.InnerException);
    }

    [Fact]
    public async Task GetStreamingResponseAsync_CancelledBeforeStart_ThrowsOperationCanceledAndSendsNothing()
    {
        using var h = new Harness();
        using var cts = new CancellationTokenSource();
        await cts.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => h.StreamWithTokenAsync(null, null, cts.Token));

        Assert.Empty(h.Handler.Requests);
    }

    private sealed class FailingStream(byte[] prefix) : Stream
    {
        private int _position;

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => false;

        public override long Length => throw new NotSupportedException();

        public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

        public override int Read(byte[] buffer, int offset, int count)
        {
            if (_position >= prefix.Length)
            {
                throw new IOException("connection reset by peer");
            }

            int n = Math.Min(count, prefix.Length - _position);
            Array.Copy(prefix, _position, buffer, offset, n);
            _position += n;
            return n;
        }

        public override void Flush()
        {
        }

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();
    }
}
