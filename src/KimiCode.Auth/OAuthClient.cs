using System.Globalization;
using System.Net;
using System.Text;
using System.Text.Json;

namespace KimiCode.Auth;

/// <summary>
/// The Kimi OAuth endpoints: RFC 8628 device authorization, device-code polling and refresh, all as form posts
/// to <c>{oauthHost}/api/oauth/…</c> with <c>client_id</c> and the identity headers. Errors become
/// <see cref="OAuthException"/> classified for the caller; no message ever contains a token.
/// </summary>
public sealed class OAuthClient
{
    private const string DeviceCodeGrant = "urn:ietf:params:oauth:grant-type:device_code";
    private readonly HttpClient _httpClient;
    private readonly IReadOnlyList<KeyValuePair<string, string>> _identityHeaders;
    private readonly TimeProvider _timeProvider;

    public OAuthClient(HttpClient httpClient, string oauthHost, IReadOnlyList<KeyValuePair<string, string>> identityHeaders, TimeProvider? timeProvider = null)
    {
        ArgumentNullException.ThrowIfNull(httpClient);
        ArgumentException.ThrowIfNullOrWhiteSpace(oauthHost);
        ArgumentNullException.ThrowIfNull(identityHeaders);
        _httpClient = httpClient;
        OAuthHost = oauthHost.TrimEnd('/');
        _identityHeaders = identityHeaders;
        _timeProvider = timeProvider ?? TimeProvider.System;
    }

    public string OAuthHost { get; }

    /// <summary>The token endpoint's own timeout (<c>[network] token_timeout_s</c>, independent of the chat client's): 30 s.</summary>
    public static readonly TimeSpan DefaultRequestTimeout = TimeSpan.FromSeconds(30);

    /// <summary>How long one call may take, from sending the request to the end of the answer's body; tests shorten it.</summary>
    public TimeSpan RequestTimeout { get; init; } = DefaultRequestTimeout;

    public async Task<DeviceAuthorization> RequestDeviceAuthorizationAsync(CancellationToken cancellationToken)
    {
        var (status, body, mediaType) = await PostAsync("/api/oauth/device_authorization", [new("client_id", KimiCodeEndpoints.ClientId)], cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            throw ErrorFor(status, body, mediaType, TryParseError(body), sentSecret: null);
        }

        var response = Deserialize(body, AuthJsonContext.Default.DeviceAuthorizationResponse, status);
        if (string.IsNullOrEmpty(response.DeviceCode) || string.IsNullOrEmpty(response.UserCode) || string.IsNullOrEmpty(response.VerificationUri))
        {
            throw ProtocolError(status, "the device authorization lacks device_code, user_code or verification_uri");
        }

        return new DeviceAuthorization(
            response.UserCode,
            response.DeviceCode,
            response.VerificationUri,
            string.IsNullOrEmpty(response.VerificationUriComplete) ? response.VerificationUri : response.VerificationUriComplete,
            TimeSpan.FromSeconds(response.ExpiresIn is > 0 and var e ? e : 900),
            TimeSpan.FromSeconds(response.Interval is > 0 and var i ? i : 5));
    }

    public async Task<TokenPollResult> PollDeviceTokenAsync(string deviceCode, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(deviceCode);
        var (status, body, mediaType) = await PostAsync(
            "/api/oauth/token",
            [new("grant_type", DeviceCodeGrant), new("device_code", deviceCode), new("client_id", KimiCodeEndpoints.ClientId)],
            cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.OK)
        {
            return TokenPollResult.Success(ToCredential(status, body));
        }

        var error = TryParseError(body);
        return error?.Error switch
        {
            "authorization_pending" => TokenPollResult.Pending,
            "slow_down" => TokenPollResult.SlowDown,
            "expired_token" => TokenPollResult.Expired,
            "access_denied" => TokenPollResult.Denied,
            _ => throw ErrorFor(status, body, mediaType, error, sentSecret: deviceCode),
        };
    }

    public async Task<OAuthCredential> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        var (status, body, mediaType) = await PostAsync(
            "/api/oauth/token",
            [new("grant_type", "refresh_token"), new("refresh_token", refreshToken), new("client_id", KimiCodeEndpoints.ClientId)],
            cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.OK)
        {
            return ToCredential(status, body);
        }

        throw ErrorFor(status, body, mediaType, TryParseError(body), sentSecret: refreshToken);
    }

    private async Task<(HttpStatusCode Status, byte[] Body, string? MediaType)> PostAsync(string path, KeyValuePair<string, string>[] form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(OAuthHost + path));
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.ParseAdd("application/json");
        foreach (var (name, value) in _identityHeaders)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        // Real time on purpose: the timeout bounds a network wait, not a token lifetime.
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(RequestTimeout);
        try
        {
            using var response = await _httpClient.SendAsync(request, timeout.Token).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(timeout.Token).ConfigureAwait(false);
            return (response.StatusCode, body, response.Content.Headers.ContentType?.MediaType);
        }
        catch (HttpRequestException ex)
        {
            var reason = ex.HttpRequestError == HttpRequestError.Unknown ? FirstLine(ex.Message) : ex.HttpRequestError.ToString();
            throw NetworkError($"Could not reach {OAuthHost} ({reason}). Check your connection or KIMI_CODE_OAUTH_HOST.", $"could not reach {OAuthHost} ({reason})", ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // Our timeout, or HttpClient.Timeout: a cancellation the caller did not ask for.
            var seconds = RequestTimeout.TotalSeconds.ToString("0.###", CultureInfo.InvariantCulture);
            throw NetworkError(
                $"No answer from {OAuthHost} within {seconds} s (token timeout; check your connection, or raise [network] token_timeout_s or KIMI_CODE_TOKEN_TIMEOUT_S).",
                $"no answer from {OAuthHost} within {seconds} s ([network] token_timeout_s)",
                ex);
        }
    }

    private OAuthCredential ToCredential(HttpStatusCode status, byte[] body)
    {
        var token = Deserialize(body, AuthJsonContext.Default.TokenResponse, status);
        if (string.IsNullOrEmpty(token.AccessToken) || string.IsNullOrEmpty(token.RefreshToken))
        {
            throw ProtocolError(status, "the token response lacks access_token or refresh_token");
        }

        var expiresIn = token.ExpiresIn is > 0 and < int.MaxValue and var e ? (long)e : 900;
        var now = _timeProvider.GetUtcNow().ToUnixTimeSeconds();
        return new OAuthCredential(token.AccessToken, token.RefreshToken, now + expiresIn, token.Scope ?? "kimi-code", token.TokenType ?? "Bearer", expiresIn);
    }

    private T Deserialize<T>(byte[] body, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> typeInfo, HttpStatusCode status)
        where T : class
    {
        try
        {
            return JsonSerializer.Deserialize(body, typeInfo) ?? throw ProtocolError(status, "empty JSON body");
        }
        catch (JsonException)
        {
            // Never quote a 200 body: it may hold tokens.
            throw ProtocolError(status, "the body is not the expected JSON");
        }
    }

    private static OAuthErrorResponse? TryParseError(byte[] body)
    {
        try
        {
            return body.Length == 0 ? null : JsonSerializer.Deserialize(body, AuthJsonContext.Default.OAuthErrorResponse);
        }
        catch (JsonException)
        {
            return null;
        }
    }

    /// <summary>
    /// Only the OAuth server's own word ends a login: a JSON OAuth error body (<c>error</c> a string) that says
    /// <c>invalid_grant</c>, or any such body on a 401/403. A 401/403 whose body is HTML, empty or otherwise not an
    /// OAuth error came from something in between (a proxy, a captive portal, a gateway), so it is transient like a
    /// 429, a 5xx or a network failure: the refresh token may never have reached the server.
    /// </summary>
    /// <param name="sentSecret">The refresh token or device code this request carried: servers sometimes quote the
    /// offending parameter back, and nothing quoted from the body may repeat it.</param>
    private OAuthException ErrorFor(HttpStatusCode status, byte[] body, string? mediaType, OAuthErrorResponse? error, string? sentSecret)
    {
        var code = (int)status;
        var oauthError = error?.Error is { Length: > 0 } e ? Clip(Redact(e, sentSecret), 60) : null;
        if (oauthError is not null && (code is 401 or 403 || oauthError == "invalid_grant"))
        {
            return new OAuthException(
                OAuthErrorKind.InvalidGrant,
                AuthErrorCodes.InvalidGrant,
                $"{OAuthHost} rejected the refresh token (HTTP {code}, {oauthError}). Run `kimi login` to sign in again.")
            { OAuthError = oauthError, StatusCode = code, Answer = $"{OAuthHost} answered HTTP {code} ({oauthError})" };
        }

        if (code == 429 || code >= 500)
        {
            return new OAuthException(
                OAuthErrorKind.Transient,
                AuthErrorCodes.ServerUnavailable,
                $"{OAuthHost} answered HTTP {code}{(oauthError is null ? string.Empty : " (" + oauthError + ")")}; this is usually temporary. Try again in a minute.")
            { OAuthError = oauthError, StatusCode = code, Answer = $"{OAuthHost} answered HTTP {code}" };
        }

        if (oauthError is null)
        {
            // Not the OAuth server's shape: a proxy's or portal's page, or nothing at all. Never proof of a dead token.
            var what = DescribeBody(body, mediaType);
            return new OAuthException(
                OAuthErrorKind.Transient,
                AuthErrorCodes.ServerUnavailable,
                $"{OAuthHost} answered HTTP {code} with {what}, not an OAuth error (a proxy or captive portal in between?){(body.Length == 0 ? string.Empty : ": " + Snippet(body, sentSecret))}. Try again later, or check KIMI_CODE_OAUTH_HOST and your proxy settings.")
            { StatusCode = code, Answer = $"{OAuthHost} answered HTTP {code} with {what}, not an OAuth error (a proxy in between?)" };
        }

        var detail = oauthError + (error!.ErrorDescription is { Length: > 0 } d ? ": " + Clip(Redact(d, sentSecret), 120) : string.Empty);
        return new OAuthException(
            OAuthErrorKind.Protocol,
            AuthErrorCodes.Protocol,
            $"Unexpected answer from {OAuthHost} (HTTP {code}: {detail}). Check KIMI_CODE_OAUTH_HOST or try again later.")
        { OAuthError = oauthError, StatusCode = code, Answer = $"{OAuthHost} answered HTTP {code} ({oauthError})" };
    }

    private static string DescribeBody(byte[] body, string? mediaType)
    {
        if (body.Length == 0)
        {
            return "an empty body";
        }

        if (mediaType is { Length: > 0 } && mediaType.Contains("html", StringComparison.OrdinalIgnoreCase))
        {
            return "an HTML page";
        }

        var start = Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 64)).TrimStart();
        if (start.StartsWith('<'))
        {
            return start.StartsWith("<?xml", StringComparison.OrdinalIgnoreCase) ? "an XML body" : "an HTML page";
        }

        return start.StartsWith('{') || start.StartsWith('[') ? "JSON without an OAuth error" : "a non-JSON body";
    }

    private OAuthException ProtocolError(HttpStatusCode status, string what)
        => new(OAuthErrorKind.Protocol, AuthErrorCodes.Protocol, $"Unexpected answer from {OAuthHost} (HTTP {(int)status}: {what}). Check KIMI_CODE_OAUTH_HOST or try again later.")
        {
            StatusCode = (int)status,
            Answer = $"{OAuthHost} answered HTTP {(int)status} with something this client does not understand ({what})",
        };

    private static OAuthException NetworkError(string message, string answer, Exception inner)
        => new(OAuthErrorKind.Transient, AuthErrorCodes.Network, message, inner) { Answer = answer };

    /// <summary>A short, single-line, printable view of an error body (HTML pages, proxies' garbage).</summary>
    private static string Snippet(byte[] body, string? sentSecret)
    {
        if (body.Length == 0)
        {
            return "empty body";
        }

        // Redact before cutting, so no prefix of the secret survives the cut.
        var text = Redact(Encoding.UTF8.GetString(body, 0, Math.Min(body.Length, 4096)), sentSecret);
        text = text[..Math.Min(text.Length, 400)];
        var builder = new StringBuilder();
        var lastSpace = false;
        foreach (var c in text)
        {
            var printable = c is >= ' ' and <= '~';
            if (!printable || c == ' ')
            {
                if (!lastSpace && builder.Length > 0)
                {
                    builder.Append(' ');
                }

                lastSpace = true;
                continue;
            }

            builder.Append(c);
            lastSpace = false;
        }

        return Clip(builder.ToString().Trim(), 80);
    }

    private static string Redact(string text, string? secret)
        => string.IsNullOrEmpty(secret) ? text : text.Replace(secret, "(redacted)", StringComparison.Ordinal);

    private static string Clip(string value, int max)
    {
        var line = FirstLine(value);
        return line.Length <= max ? line : string.Concat(line.AsSpan(0, max), "…");
    }

    private static string FirstLine(string value)
    {
        var index = value.IndexOfAny(['\r', '\n']);
        return (index < 0 ? value : value[..index]).Trim();
    }

}
