using System.Net;
using System.Text;

namespace KimiCode.Provider.Tests.Fakes;

/// <summary>Records every request and answers from a queue of canned responses.</summary>
internal sealed class FakeHttpHandler : HttpMessageHandler
{
    private readonly Queue<Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>>> _responses = new();
    private readonly List<RecordedRequest> _requests = [];

    public IReadOnlyList<RecordedRequest> Requests
    {
        get
        {
            lock (_requests)
            {
                return _requests.ToList();
            }
        }
    }

    public FakeHttpHandler Enqueue(Func<RecordedRequest, CancellationToken, HttpResponseMessage> respond) =>
        EnqueueAsync((request, ct) => Task.FromResult(respond(request, ct)));

    /// <summary>A response that may take its time (or never come: headers that are never sent).</summary>
    public FakeHttpHandler EnqueueAsync(Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> respond)
    {
        lock (_responses)
        {
            _responses.Enqueue(respond);
        }

        return this;
    }

    public FakeHttpHandler EnqueueSse(string body, string? traceId = "trace-1") =>
        Enqueue((_, _) => Response(HttpStatusCode.OK, body, "text/event-stream", traceId));

    public FakeHttpHandler EnqueueSseStream(Func<Stream> stream, string? traceId = "trace-1") =>
        Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(stream()) };
            if (traceId is not null)
            {
                response.Headers.TryAddWithoutValidation("x-trace-id", traceId);
            }

            return response;
        });

    public FakeHttpHandler EnqueueJson(int status, string body, string? traceId = "trace-1", Action<HttpResponseMessage>? configure = null) =>
        Enqueue((_, _) =>
        {
            HttpResponseMessage response = Response((HttpStatusCode)status, body, "application/json", traceId);
            configure?.Invoke(response);
            return response;
        });

    public FakeHttpHandler EnqueueError(int status, string type, string message, Action<HttpResponseMessage>? configure = null) =>
        EnqueueJson(status, "{\"error\":{\"message\":" + System.Text.Json.JsonSerializer.Serialize(message, TestJsonContext.Default.String) + ",\"type\":\"" + type + "\"}}", configure: configure);

    public FakeHttpHandler EnqueueText(int status, string body, string mediaType) =>
        Enqueue((_, _) => Response((HttpStatusCode)status, body, mediaType, null));

    /// <summary>Headers are never sent: the request hangs until it is cancelled.</summary>
    public FakeHttpHandler EnqueueNoHeaders() =>
        EnqueueAsync(async (_, ct) =>
        {
            await Task.Delay(Timeout.Infinite, ct);
            throw new InvalidOperationException("unreachable");
        });

    /// <summary>A 200 answer that sends <paramref name="body"/>'s prefix and then goes silent until the read is cancelled.</summary>
    public FakeHttpHandler EnqueueStalled(StallingStream body, string mediaType = "text/event-stream") =>
        Enqueue((_, _) =>
        {
            var response = new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(body) };
            response.Content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(mediaType);
            return response;
        });

    public FakeHttpHandler EnqueueThrow(Exception exception) => Enqueue((_, _) => throw exception);

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        cancellationToken.ThrowIfCancellationRequested();
        string? body = request.Content is null ? null : await request.Content.ReadAsStringAsync(cancellationToken);
        var headers = new List<KeyValuePair<string, string>>();
        foreach (KeyValuePair<string, IEnumerable<string>> header in request.Headers)
        {
            headers.AddRange(header.Value.Select(v => new KeyValuePair<string, string>(header.Key, v)));
        }

        if (request.Content is not null)
        {
            foreach (KeyValuePair<string, IEnumerable<string>> header in request.Content.Headers)
            {
                headers.AddRange(header.Value.Select(v => new KeyValuePair<string, string>(header.Key, v)));
            }
        }

        var recorded = new RecordedRequest(request.Method, request.RequestUri!, headers, body);
        lock (_requests)
        {
            _requests.Add(recorded);
        }

        Func<RecordedRequest, CancellationToken, Task<HttpResponseMessage>> respond;
        lock (_responses)
        {
            if (!_responses.TryDequeue(out respond!))
            {
                throw new InvalidOperationException($"No canned response left for request #{_requests.Count} ({request.Method} {request.RequestUri}).");
            }
        }

        return await respond(recorded, cancellationToken);
    }

    private static HttpResponseMessage Response(HttpStatusCode status, string body, string mediaType, string? traceId)
    {
        var response = new HttpResponseMessage(status) { Content = new StringContent(body, Encoding.UTF8, mediaType) };
        if (traceId is not null)
        {
            response.Headers.TryAddWithoutValidation("x-trace-id", traceId);
        }

        return response;
    }
}
