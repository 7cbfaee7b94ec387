using System.Net;
using System.Net.Http.Headers;
using System.Text;
using KimiCode.Protocol;

namespace KimiCode.Agent.Tools.Web;

/// <summary>A failure of a web service call, worded for the model (what happened and what to do instead).</summary>
public sealed class WebServiceException(string message) : Exception(message);

/// <summary>
/// One Kimi Code web service (search or fetch): a JSON POST to its endpoint with the bearer token (OAuth through the
/// shared token source, refreshed once after a 401, or an API key), the identity headers, <c>X-Msh-Tool-Call-Id</c>
/// and the service's <c>custom_headers</c> (which win). The answer is read up to <see cref="MaxAnswerBytes"/>.
/// </summary>
public sealed class WebService
{
    /// <summary>An answer larger than this is cut (the tools bound what reaches the model much lower anyway).</summary>
    public const int MaxAnswerBytes = 4 * 1024 * 1024;

    private readonly HttpClient _http;
    private readonly IAccessTokenSource? _tokens;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _headers;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _customHeaders;

    /// <param name="label">How messages name the service, e.g. "The search service".</param>
    /// <param name="http">The client (its handler logs; no timeout of its own: <paramref name="timeout"/> bounds each call).</param>
    /// <param name="endpoint">The service URL.</param>
    /// <param name="tokens">The bearer token source; null sends no Authorization header.</param>
    /// <param name="headers">Identity and environment headers, sent first.</param>
    /// <param name="customHeaders">The service's <c>custom_headers</c>, sent last so they win.</param>
    /// <param name="timeout">How long one call may take.</param>
    public WebService(string label, HttpClient http, Uri endpoint, IAccessTokenSource? tokens, IReadOnlyList<KeyValuePair<string, string>> headers, IReadOnlyList<KeyValuePair<string, string>> customHeaders, TimeSpan timeout)
    {
        Label = label;
        _http = http ?? throw new ArgumentNullException(nameof(http));
        Endpoint = endpoint ?? throw new ArgumentNullException(nameof(endpoint));
        _tokens = tokens;
        _headers = headers ?? [];
        _customHeaders = customHeaders ?? [];
        Timeout = timeout;
    }

    /// <summary>How messages name the service.</summary>
    public string Label { get; }

    /// <summary>The service URL.</summary>
    public Uri Endpoint { get; }

    /// <summary>How long one call may take.</summary>
    public TimeSpan Timeout { get; }

    /// <summary>
    /// POSTs <paramref name="json"/> and returns the answer body of a 200. Throws <see cref="WebServiceException"/> for
    /// any other status, a timeout or a transport failure; cancellation by <paramref name="cancellationToken"/> propagates.
    /// </summary>
    public async Task<string> PostAsync(string json, string? accept, string callId, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            var token = await TokenAsync(timeout.Token).ConfigureAwait(false);
            var (status, body) = await SendAsync(json, accept, callId, token, timeout.Token).ConfigureAwait(false);
            if (status == HttpStatusCode.Unauthorized && _tokens is not null && token is not null
                && await _tokens.RefreshAfterUnauthorizedAsync(token, timeout.Token).ConfigureAwait(false) is { } fresh)
            {
                (status, body) = await SendAsync(json, accept, callId, fresh, timeout.Token).ConfigureAwait(false);
            }

            return status == HttpStatusCode.OK ? body : throw new WebServiceException(Describe(status, body));
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebServiceException($"{Label} ({Endpoint.Host}) did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex)
        {
            throw new WebServiceException($"{Label} at {Endpoint.Host} could not be reached ({ex.Message}).");
        }
        catch (KimiCodeException ex)
        {
            throw new WebServiceException($"{Label} has no usable credential: {ex.Message}");
        }
    }

    private async Task<string?> TokenAsync(CancellationToken cancellationToken)
        => _tokens is null ? null : await _tokens.GetAccessTokenAsync(cancellationToken).ConfigureAwait(false);

    private async Task<(HttpStatusCode Status, string Body)> SendAsync(string json, string? accept, string callId, string? token, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Endpoint)
        {
            Content = new StringContent(json, Encoding.UTF8, "application/json"),
        };
        foreach (var (name, value) in _headers)
        {
            Set(request, name, value);
        }

        if (token is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        }

        if (accept is not null)
        {
            Set(request, "Accept", accept);
        }

        if (callId.Length > 0)
        {
            Set(request, "X-Msh-Tool-Call-Id", callId);
        }

        foreach (var (name, value) in _customHeaders)
        {
            Set(request, name, value);
        }

        using var response = await _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken).ConfigureAwait(false);
        await using var stream = await response.Content.ReadAsStreamAsync(cancellationToken).ConfigureAwait(false);
        var (bytes, _) = await BoundedRead.ReadAsync(stream, MaxAnswerBytes, cancellationToken).ConfigureAwait(false);
        return (response.StatusCode, Encoding.UTF8.GetString(bytes));
    }

    private static void Set(HttpRequestMessage request, string name, string value)
    {
        request.Headers.Remove(name);
        request.Headers.TryAddWithoutValidation(name, value);
    }

    /// <summary>What a non-200 answer means for the model, honestly: nothing was found is not what happened.</summary>
    private string Describe(HttpStatusCode status, string body)
    {
        var code = (int)status;
        var detail = body.Trim();
        detail = detail.Length > 200 ? detail[..200] + "…" : detail;
        detail = detail.Length > 0 ? $" ({detail.ReplaceLineEndings(" ")})" : "";
        return code switch
        {
            401 => $"{Label} rejected the credential (HTTP 401){detail}. The login may have expired: the user should run `kimi login` (or fix the service's api_key).",
            403 => $"{Label} refused access (HTTP 403){detail}. This account may not use it.",
            429 => $"{Label} is rate-limiting requests (HTTP 429){detail}. Wait before trying again, or go on without it.",
            >= 500 => $"{Label} failed (HTTP {code}){detail}. It may work again later; go on without it for now.",
            _ => $"{Label} answered HTTP {code}{detail}.",
        };
    }
}

/// <summary>Reads a stream up to a byte limit.</summary>
internal static class BoundedRead
{
    /// <summary>At most <paramref name="limit"/> bytes of <paramref name="stream"/>, and whether more were there.</summary>
    public static async Task<(byte[] Bytes, bool Truncated)> ReadAsync(Stream stream, int limit, CancellationToken cancellationToken)
    {
        using var buffer = new MemoryStream();
        var chunk = new byte[81920];
        while (true)
        {
            var read = await stream.ReadAsync(chunk.AsMemory(0, (int)Math.Min(chunk.Length, limit + 1 - buffer.Length)), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                return (buffer.ToArray(), false);
            }

            buffer.Write(chunk, 0, read);
            if (buffer.Length > limit)
            {
                return (buffer.GetBuffer().AsSpan(0, limit).ToArray(), true);
            }
        }
    }
}
