using System.Net;
using System.Net.Http.Headers;
using System.Runtime.CompilerServices;
using System.Text;
using System.Text.Json;
using KimiCode.Provider.Wire;
using Microsoft.Extensions.AI;

namespace KimiCode.Provider;

/// <summary>
/// An <see cref="IChatClient"/> for Kimi Code (and plain OpenAI-compatible endpoints): chat
/// completions over HTTP with SSE streaming, an honest error taxonomy (<see cref="ProviderException"/>)
/// and retries of transient failures. Tokens come from <see cref="KimiProviderOptions.Tokens"/>.
/// </summary>
public sealed class KimiChatClient : IChatClient
{
    private const int MaxErrorBodyBytes = 64 * 1024;

    private readonly KimiProviderOptions _options;
    private readonly HttpClient _http;
    private readonly string _baseUrl;
    private readonly ChatClientMetadata _metadata;

    /// <param name="handler">HTTP handler (tests and the emulator inject one); null uses a pooled SocketsHttpHandler owned by this client.</param>
    public KimiChatClient(KimiProviderOptions options, HttpMessageHandler? handler = null)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentNullException.ThrowIfNull(options.BaseUrl);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Model);
        ArgumentNullException.ThrowIfNull(options.Tokens);
        _options = options;
        _http = new HttpClient(handler ?? new SocketsHttpHandler { ConnectTimeout = options.Timeouts.Connect }, disposeHandler: handler is null)
        {
            // Answers stream for minutes: the headers and stream-idle timeouts bound silence, not the whole answer.
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _baseUrl = options.BaseUrl.AbsoluteUri.TrimEnd('/');
        _metadata = new ChatClientMetadata("kimi", options.BaseUrl, options.Model);
    }

    /// <inheritdoc />
    public async Task<ChatResponse> GetResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(ChatRequestBuilder.Build(_options, messages, options, stream: false), ProviderJsonContext.Default.WireChatRequest);
        return await WithRetriesAsync(async ct =>
        {
            using HttpResponseMessage response = await SendAsync(HttpMethod.Post, "/chat/completions", body, ct).ConfigureAwait(false);
            string? traceId = ProviderErrors.TraceId(response.Headers);
            WireChatChunk completion = await ReadJsonAsync(response, "a chat completion", ProviderJsonContext.Default.WireChatChunk, traceId, ct).ConfigureAwait(false);
            if (completion.Error is { } error)
            {
                throw ProviderErrors.FromStreamError(error, traceId);
            }

            return ResponseMapping.ToChatResponse(completion, traceId);
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public async IAsyncEnumerable<ChatResponseUpdate> GetStreamingResponseAsync(IEnumerable<ChatMessage> messages, ChatOptions? options = null, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(messages);
        byte[] body = JsonSerializer.SerializeToUtf8Bytes(ChatRequestBuilder.Build(_options, messages, options, stream: true), ProviderJsonContext.Default.WireChatRequest);
        bool yieldedAny = false;
        var budget = new RetryBudget(_options.Retry, _options.TimeProvider);
        for (int attempt = 1; ; attempt++)
        {
            ProviderException? failure = null;
            HttpResponseMessage? response = null;
            try
            {
                response = await SendAsync(HttpMethod.Post, "/chat/completions", body, cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderException ex)
            {
                failure = ex;
            }

            if (response is not null)
            {
                using (response)
                {
                    string? traceId = ProviderErrors.TraceId(response.Headers);
                    Stream? stream = null;
                    try
                    {
                        stream = Bounded(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), response, traceId, "an SSE stream (text/event-stream)", LooksLikeSse);
                    }
                    catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
                    {
                        failure = ProviderErrors.StreamInterrupted("the connection failed: " + ex.Message.TrimEnd('.'), traceId, ex);
                    }

                    IAsyncEnumerator<ChatResponseUpdate> updates = new ChatStreamReader(stream ?? Stream.Null, traceId, _baseUrl).ReadAsync(cancellationToken).GetAsyncEnumerator(cancellationToken);
                    await using ConfiguredAsyncDisposable updatesScope = updates.ConfigureAwait(false);
                    while (stream is not null)
                    {
                        bool has;
                        try
                        {
                            has = await updates.MoveNextAsync().ConfigureAwait(false);
                        }
                        catch (ProviderException ex) when (!yieldedAny)
                        {
                            // Nothing reached the caller yet, so a retry is invisible to it; once
                            // output went out, a retry would duplicate it and the error must surface.
                            failure = ex;
                            break;
                        }

                        if (!has)
                        {
                            break;
                        }

                        yieldedAny = true;
                        yield return updates.Current;
                    }
                }

                if (failure is null)
                {
                    yield break;
                }
            }

            TimeSpan? delay = budget.Next(failure!, attempt, out ProviderException final);
            if (delay is null)
            {
                throw final;
            }

            RetryNotice notice = Notice(failure!, attempt, delay.Value);
            yield return new ChatResponseUpdate(ChatRole.Assistant, [notice]);
            await Task.Delay(delay.Value, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    /// <summary>Lists the models the endpoint serves (<c>GET {base}/models</c>).</summary>
    public async Task<IReadOnlyList<KimiModelInfo>> ListModelsAsync(CancellationToken cancellationToken)
    {
        return await WithRetriesAsync<IReadOnlyList<KimiModelInfo>>(async ct =>
        {
            using HttpResponseMessage response = await SendAsync(HttpMethod.Get, "/models", null, ct).ConfigureAwait(false);
            string? traceId = ProviderErrors.TraceId(response.Headers);
            WireModelList list = await ReadJsonAsync(response, "a model list", ProviderJsonContext.Default.WireModelList, traceId, ct).ConfigureAwait(false);
            return (list.Data ?? [])
                .Where(m => !string.IsNullOrEmpty(m.Id))
                .Select(m => new KimiModelInfo(
                    m.Id!,
                    m.ContextLength,
                    m.DisplayName,
                    m.SupportsReasoning ?? false,
                    m.SupportsImageIn ?? false,
                    m.SupportsVideoIn ?? false,
                    m.SupportsToolUse ?? true,
                    m.SupportsThinkingType))
                .ToList();
        }, cancellationToken).ConfigureAwait(false);
    }

    /// <inheritdoc />
    public object? GetService(Type serviceType, object? serviceKey = null)
    {
        ArgumentNullException.ThrowIfNull(serviceType);
        if (serviceKey is not null)
        {
            return null;
        }

        if (serviceType == typeof(ChatClientMetadata))
        {
            return _metadata;
        }

        return serviceType.IsInstanceOfType(this) ? this : null;
    }

    /// <inheritdoc />
    public void Dispose() => _http.Dispose();

    private async Task<T> WithRetriesAsync<T>(Func<CancellationToken, Task<T>> operation, CancellationToken cancellationToken)
    {
        var budget = new RetryBudget(_options.Retry, _options.TimeProvider);
        for (int attempt = 1; ; attempt++)
        {
            ProviderException failure;
            try
            {
                return await operation(cancellationToken).ConfigureAwait(false);
            }
            catch (ProviderException ex)
            {
                failure = ex;
            }

            TimeSpan? delay = budget.Next(failure, attempt, out ProviderException final);
            if (delay is null)
            {
                throw final;
            }

            Notice(failure, attempt, delay.Value);
            await Task.Delay(delay.Value, _options.TimeProvider, cancellationToken).ConfigureAwait(false);
        }
    }

    private RetryNotice Notice(ProviderException failure, int failedAttempt, TimeSpan delay)
    {
        var notice = new RetryNotice
        {
            Attempt = failedAttempt + 1,
            MaxAttempts = _options.Retry.MaxAttempts,
            Delay = delay,
            Code = failure.Code,
            StatusCode = failure.StatusCode,
            Message = failure.Message,
        };
        _options.OnRetry?.Invoke(notice);
        return notice;
    }

    /// <summary>
    /// One HTTP exchange with the current token; on 401, asks the token source once for a
    /// refreshed token and repeats. Returns only a successful response; failures are classified.
    /// </summary>
    private async Task<HttpResponseMessage> SendAsync(HttpMethod method, string path, byte[]? body, CancellationToken cancellationToken)
    {
        List<KeyValuePair<string, string>> headers = RequestHeaders.Merge(_options);
        string token = await _options.Tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);
        HttpResponseMessage response = await SendWithTokenAsync(method, path, body, headers, token, cancellationToken).ConfigureAwait(false);
        if (response.StatusCode == HttpStatusCode.Unauthorized)
        {
            string? refreshed = await _options.Tokens.RefreshAfterUnauthorizedAsync(token, cancellationToken).ConfigureAwait(false);
            if (refreshed is not null)
            {
                response.Dispose();
                response = await SendWithTokenAsync(method, path, body, headers, refreshed, cancellationToken).ConfigureAwait(false);
            }
        }

        if (response.IsSuccessStatusCode)
        {
            return response;
        }

        using (response)
        {
            string errorBody = await ReadErrorBodyAsync(response, cancellationToken).ConfigureAwait(false);
            throw ProviderErrors.FromResponse((int)response.StatusCode, response.ReasonPhrase, errorBody, response.Headers,
                RequestHeaders.Find(headers, "X-Msh-Platform"), _options.TimeProvider);
        }
    }

    private async Task<HttpResponseMessage> SendWithTokenAsync(HttpMethod method, string path, byte[]? body, List<KeyValuePair<string, string>> headers, string token, CancellationToken cancellationToken)
    {
        var uri = new Uri(_baseUrl + path);
        using var request = new HttpRequestMessage(method, uri);
        if (body is not null)
        {
            request.Content = new ByteArrayContent(body);
            request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        }

        foreach (KeyValuePair<string, string> header in headers)
        {
            if (!request.Headers.TryAddWithoutValidation(header.Key, header.Value))
            {
                // Content headers (e.g. Content-Type) live on the content.
                if (request.Content is not null)
                {
                    request.Content.Headers.Remove(header.Key);
                    request.Content.Headers.TryAddWithoutValidation(header.Key, header.Value);
                }
            }
        }

        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        TimeSpan headersTimeout = _options.Timeouts.Headers;
        using CancellationTokenSource? headersTimer = headersTimeout == Timeout.InfiniteTimeSpan ? null : new CancellationTokenSource(headersTimeout, _options.TimeProvider);
        using CancellationTokenSource? linked = headersTimer is null ? null : CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, headersTimer.Token);
        try
        {
            return await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, linked?.Token ?? cancellationToken).ConfigureAwait(false);
        }
        catch (Exception ex) when (headersTimer is { IsCancellationRequested: true } && !cancellationToken.IsCancellationRequested
                                   && ex is HttpRequestException or IOException or OperationCanceledException)
        {
            throw ProviderErrors.HeadersTimeout(uri, headersTimeout);
        }
        catch (OperationCanceledException ex) when (ex.InnerException is TimeoutException && !cancellationToken.IsCancellationRequested)
        {
            // Our HttpClient has no overall timeout, so a timeout from the handler is its connect timeout.
            throw ProviderErrors.ConnectTimeout(uri, _options.Timeouts.Connect, ex);
        }
        catch (Exception ex) when (ex is HttpRequestException or IOException or OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Network(uri, ex);
        }
    }

    private async Task<string> ReadErrorBodyAsync(HttpResponseMessage response, CancellationToken cancellationToken)
    {
        try
        {
            Stream stream = Bounded(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), response, ProviderErrors.TraceId(response.Headers));
            await using ConfiguredAsyncDisposable streamScope = stream.ConfigureAwait(false);
            byte[] buffer = new byte[MaxErrorBodyBytes];
            int total = 0;
            int read;
            while (total < buffer.Length && (read = await stream.ReadAsync(buffer.AsMemory(total), cancellationToken).ConfigureAwait(false)) > 0)
            {
                total += read;
            }

            return Encoding.UTF8.GetString(buffer, 0, total);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException or ProviderException && !cancellationToken.IsCancellationRequested)
        {
            // The status alone still classifies the error (a body that stalls counts as empty).
            return string.Empty;
        }
    }

    private async Task<T> ReadJsonAsync<T>(HttpResponseMessage response, string what, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, string? traceId, CancellationToken cancellationToken)
    {
        string text;
        try
        {
            Stream body = Bounded(await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false), response, traceId, "JSON (" + what + ")", LooksLikeJson);
            await using ConfiguredAsyncDisposable bodyScope = body.ConfigureAwait(false);
            using var copy = new MemoryStream();
            await body.CopyToAsync(copy, cancellationToken).ConfigureAwait(false);
            text = Encoding.UTF8.GetString(copy.GetBuffer(), 0, (int)copy.Length);
        }
        catch (Exception ex) when (ex is IOException or HttpRequestException && !cancellationToken.IsCancellationRequested)
        {
            throw ProviderErrors.Network(response.RequestMessage?.RequestUri ?? new Uri(_baseUrl), ex);
        }

        try
        {
            return JsonSerializer.Deserialize(text, typeInfo) ?? throw ProviderErrors.BadResponse(what, text, _baseUrl, traceId);
        }
        catch (JsonException ex)
        {
            throw ProviderErrors.BadResponse(what, text, _baseUrl, traceId, ex);
        }
    }

    /// <summary>
    /// <paramref name="body"/> with every read bounded by the stream idle timeout; with <paramref name="expected"/>, a 200
    /// whose Content-Type is HTML or whose first bytes fail <paramref name="looksRight"/> is reported as not the API.
    /// </summary>
    private IdleTimeoutStream Bounded(Stream body, HttpResponseMessage response, string? traceId, string? expected = null, Func<byte, bool>? looksRight = null)
    {
        Uri uri = response.RequestMessage?.RequestUri ?? new Uri(_baseUrl);
        TimeSpan idle = _options.Timeouts.StreamIdle;
        string? contentType = response.Content.Headers.ContentType?.MediaType;
        Func<ReadOnlyMemory<byte>, ProviderException?>? check = expected is null || looksRight is null
            ? null
            : first =>
            {
                ReadOnlySpan<byte> data = first.Span.TrimStart(" \r\n\t"u8);
                bool html = contentType is not null && contentType.Contains("html", StringComparison.OrdinalIgnoreCase);
                return html || !looksRight(data[0])
                    ? ProviderErrors.NotTheApi(_baseUrl, contentType, expected, Encoding.UTF8.GetString(data[..Math.Min(data.Length, 4 * Snippet.MaxLength)]), traceId)
                    : null;
            };
        return new IdleTimeoutStream(body, idle, _options.TimeProvider, () => ProviderErrors.StreamIdleTimeout(uri, idle, traceId), check);
    }

    /// <summary>An SSE body starts with a field (<c>data:</c>, <c>event:</c>, <c>id:</c>, <c>retry:</c>) or a comment (<c>:</c>).</summary>
    private static bool LooksLikeSse(byte first) => first is (byte)'d' or (byte)'e' or (byte)'i' or (byte)'r' or (byte)':';

    private static bool LooksLikeJson(byte first) => first is (byte)'{' or (byte)'[';
}
