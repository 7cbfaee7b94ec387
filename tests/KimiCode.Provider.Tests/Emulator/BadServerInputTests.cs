using System.Net.Http.Headers;
using System.Text;
using KimiCode.Emulator;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider.Tests.Emulator;

/// <summary>
/// Broken answers from the server end as a typed <see cref="ProviderException"/> or as a
/// <see cref="FunctionCallContent"/> carrying its exception, never as another exception type.
/// </summary>
public sealed class BadServerInputTests
{
    [Fact]
    public async Task Streaming_ChunkIsNotJson_ThrowsBadResponseWithoutRetry()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.LoadScript("""{"turns":[{"text":"Hello there, friend.","chunk_size":5}]}""");
        // The emulator only writes valid JSON, so the wire is damaged on the way in: the third event is cut short.
        using var tamper = new CorruptingHandler(eventIndex: 2);
        KimiChatClient client = session.Client(o => o.Retry.MaxAttempts = 10, tamper);

        StreamOutcome outcome = await session.StreamAsync(client);

        ProviderException error = outcome.ExpectError();
        Assert.Equal(ProviderErrorCodes.BadResponse, error.Code);
        Assert.StartsWith($"The server at {session.Emulator.CodingBaseUrl.TrimEnd('/')} sent a stream chunk that is not valid JSON: {{\"id\":\"chatcmpl-", error.Message, StringComparison.Ordinal);
        Assert.EndsWith(" This is not the Kimi API; check base_url in config.toml (or KIMI_CODE_BASE_URL).", error.Message, StringComparison.Ordinal);
        Assert.StartsWith("trace-", error.TraceId, StringComparison.Ordinal);
        Assert.Equal("Hello", outcome.Text); // the event before the damaged one got through
        Assert.Single(session.ChatRequests);
        Assert.Equal(1, tamper.Corrupted);
    }

    [Fact]
    public async Task NonStreaming_BodyIsNotJson_ThrowsBadResponse()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        using var tamper = new CorruptingHandler(eventIndex: 0);
        KimiChatClient client = session.Client(handler: tamper);

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct));

        Assert.Equal(ProviderErrorCodes.BadResponse, error.Code);
        Assert.StartsWith($"The server at {session.Emulator.CodingBaseUrl.TrimEnd('/')} sent a chat completion that is not valid JSON: {{\"id\":\"chatcmpl-", error.Message, StringComparison.Ordinal);
        Assert.Single(session.ChatRequests);
    }

    [Fact]
    public async Task Streaming_UnknownFinishReason_KeptAsIsAndAnswerComplete()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.LoadScript("""{"turns":[{"text":"Partial answer","finish_reason":"model_context_window_exceeded"},{"text":"again","finish_reason":"weird"}]}""");
        KimiChatClient client = session.Client();

        StreamOutcome streamed = (await session.StreamAsync(client)).ExpectSuccess();
        ChatResponse response = await client.GetResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct);

        Assert.Equal("Partial answer", streamed.Text);
        Assert.Equal(new ChatFinishReason("model_context_window_exceeded"), Assert.Single(streamed.Updates, u => u.FinishReason is not null).FinishReason);
        Assert.Equal("again", response.Text);
        Assert.Equal(new ChatFinishReason("weird"), response.FinishReason);
    }

    [Fact]
    public async Task Streaming_ToolCallArgumentsNotJson_CallCarriesExceptionOthersIntact()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.LoadScript("""
            {"turns":[{"tool_calls":[
              {"id":"call_bad","name":"Write","arguments":"{\"path\": \"a.txt\", \"content\": \"unterminated"},
              {"id":"call_good","name":"Read","arguments":{"path":"b.txt"}}
            ],"chunk_size":4}]}
            """);
        KimiChatClient client = session.Client();

        StreamOutcome outcome = (await session.StreamAsync(client)).ExpectSuccess();

        Assert.Collection(
            outcome.Calls,
            bad =>
            {
                Assert.Equal(("call_bad", "Write"), (bad.CallId, bad.Name));
                InvalidDataException exception = Assert.IsType<InvalidDataException>(bad.Exception);
                Assert.StartsWith("The tool-call arguments for 'Write' are not valid JSON (", exception.Message, StringComparison.Ordinal);
                Assert.EndsWith("): {\"path\": \"a.txt\", \"content\": \"unterminated", exception.Message, StringComparison.Ordinal);
            },
            good =>
            {
                Assert.Equal(("call_good", "Read"), (good.CallId, good.Name));
                Assert.Null(good.Exception);
                Assert.Equal("b.txt", good.Arguments!["path"]!.ToString());
            });
        Assert.Equal(ChatFinishReason.ToolCalls, Assert.Single(outcome.Updates, u => u.FinishReason is not null).FinishReason);
    }

    [Fact]
    public async Task NonStreaming_ToolCallArgumentsNotAnObject_CallCarriesException()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.LoadScript("""{"turns":[{"tool_calls":[{"id":"call_1","name":"Bash","arguments":"ls -la"}]}]}""");
        KimiChatClient client = session.Client();

        ChatResponse response = await client.GetResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct);

        FunctionCallContent call = Assert.Single(response.Messages.SelectMany(m => m.Contents).OfType<FunctionCallContent>());
        Assert.Equal(("call_1", "Bash"), (call.CallId, call.Name));
        Assert.Contains("ls -la", Assert.IsType<InvalidDataException>(call.Exception).Message, StringComparison.Ordinal);
    }

    [Fact]
    public async Task HtmlErrorPage_502_ThrowsServerWithSingleLineSnippet()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault
        {
            Status = 502,
            Count = 2,
            Body = "<html>\r\n<head><title>502 Bad Gateway</title></head>\r\n<body>\r\n<center><h1>502 Bad Gateway</h1></center>\r\n<hr><center>nginx</center>\r\n</body>\r\n</html>\r\n",
        });
        KimiChatClient client = session.Client();

        StreamOutcome outcome = await session.StreamAsync(client);

        ProviderException error = outcome.ExpectError();
        Assert.Equal(ProviderErrorCodes.Server, error.Code);
        Assert.Equal(
            "The server failed (502: <html> <head><title>502 Bad Gateway</title></head> <body> <center><h1>502 Bad Gateway</h1></center> <hr><center>nginx</center> </body> </html>). Try again later. (gave up after 2 attempts in 0 s)",
            error.Message);
        Assert.DoesNotContain('\n', error.Message);
        Assert.Null(error.ServerErrorType);
        Assert.Equal([502, 502], session.ChatRequests.Select(r => r.StatusCode));
    }

    [Fact]
    public async Task HtmlErrorPage_LongPage_MessageKeepsAShortSnippet()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        session.State.InjectFault(new EmulatorFault { Status = 502, Count = 2, Body = "<html><body>" + string.Concat(Enumerable.Repeat("<p>upstream error</p>\n", 200)) + "</body></html>" });
        KimiChatClient client = session.Client();

        ProviderException error = await Assert.ThrowsAsync<ProviderException>(() => client.GetResponseAsync(EmulatorSession.Prompt(), cancellationToken: session.Ct));

        Assert.Equal(ProviderErrorCodes.Server, error.Code);
        Assert.True(error.Message.Length < 300, error.Message);
        Assert.Contains("…", error.Message, StringComparison.Ordinal);
    }

    /// <summary>
    /// Passes requests to the real emulator and damages the answer: in an SSE answer, event
    /// <c>eventIndex</c> loses the second half of its JSON; a JSON answer loses its second half.
    /// </summary>
    private sealed class CorruptingHandler(int eventIndex) : DelegatingHandler(new SocketsHttpHandler())
    {
        public int Corrupted { get; private set; }

        protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            HttpResponseMessage response = await base.SendAsync(request, cancellationToken);
            if (!response.IsSuccessStatusCode)
            {
                return response;
            }

            string body = await response.Content.ReadAsStringAsync(cancellationToken);
            MediaTypeHeaderValue? type = response.Content.Headers.ContentType;
            if (type?.MediaType == "text/event-stream")
            {
                string[] events = body.Split("\n\n");
                string data = events[eventIndex];
                events[eventIndex] = data[..(data.Length / 2)];
                body = string.Join("\n\n", events);
            }
            else
            {
                body = body[..(body.Length / 2)];
            }

            Corrupted++;
            response.Content.Dispose();
            var damaged = new StringContent(body, Encoding.UTF8);
            damaged.Headers.ContentType = type;
            response.Content = damaged;
            return response;
        }
    }
}
