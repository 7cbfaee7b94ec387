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

    public async Task<DeviceAuthorization> RequestDeviceAuthorizationAsync(CancellationToken cancellationToken)
    {
        var (status, body) = await PostAsync("/api/oauth/device_authorization", [new("client_id", KimiCodeEndpoints.ClientId)], cancellationToken).ConfigureAwait(false);
        if (status != HttpStatusCode.OK)
        {
            throw ErrorFor(status, body, TryParseError(body), sentSecret: null);
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
        var (status, body) = await PostAsync(
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
            _ => throw ErrorFor(status, body, error, sentSecret: deviceCode),
        };
    }

    public async Task<OAuthCredential> RefreshAsync(string refreshToken, CancellationToken cancellationToken)
    {
        ArgumentException.ThrowIfNullOrEmpty(refreshToken);
        var (status, body) = await PostAsync(
            "/api/oauth/token",
            [new("grant_type", "refresh_token"), new("refresh_token", refreshToken), new("client_id", KimiCodeEndpoints.ClientId)],
            cancellationToken).ConfigureAwait(false);
        if (status == HttpStatusCode.OK)
        {
            return ToCredential(status, body);
        }

        throw ErrorFor(status, body, TryParseError(body), sentSecret: refreshToken);
    }

    private async Task<(HttpStatusCode Status, byte[] Body)> PostAsync(string path, KeyValuePair<string, string>[] form, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(OAuthHost + path));
        request.Content = new FormUrlEncodedContent(form);
        request.Headers.Accept.ParseAdd("application/json");
        foreach (var (name, value) in _identityHeaders)
        {
            request.Headers.Remove(name);
            request.Headers.TryAddWithoutValidation(name, value);
        }

        try
        {
            using var response = await _httpClient.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var body = await response.Content.ReadAsByteArrayAsync(cancellationToken).ConfigureAwait(false);
            return (response.StatusCode, body);
        }
        catch (HttpRequestException ex)
        {
            throw NetworkError(ex.HttpRequestError == HttpRequestError.Unknown ? FirstLine(ex.Message) : ex.HttpRequestError.ToString(), ex);
        }
        catch (OperationCanceledException ex) when (!cancellationToken.IsCancellationRequested)
        {
            // HttpClient.Timeout surfaces as a cancellation the caller did not ask for.
            throw NetworkError("timed out", ex);
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

    /// <param name="sentSecret">The refresh token or device code this request carried: servers sometimes quote the
    /// offending parameter back, and nothing quoted from the body may repeat it.</param>
    private OAuthException ErrorFor(HttpStatusCode status, byte[] body, OAuthErrorResponse? error, string? sentSecret)
    {
        var code = (int)status;
        var oauthError = error?.Error is { Length: > 0 } e ? Clip(Redact(e, sentSecret), 60) : null;
        if (code is 401 or 403 || oauthError == "invalid_grant")
        {
            return new OAuthException(
                OAuthErrorKind.InvalidGrant,
                AuthErrorCodes.InvalidGrant,
                $"{OAuthHost} rejected the refresh token (HTTP {code}{(oauthError is null ? string.Empty : ", " + oauthError)}). Run `kimi login` to sign in again.")
            { OAuthError = oauthError, StatusCode = code };
        }

        if (code == 429 || code >= 500)
        {
            return new OAuthException(
                OAuthErrorKind.Transient,
                AuthErrorCodes.ServerUnavailable,
                $"{OAuthHost} answered HTTP {code}{(oauthError is null ? string.Empty : " (" + oauthError + ")")}; this is usually temporary. Try again in a minute.")
            { OAuthError = oauthError, StatusCode = code };
        }

        var detail = oauthError is not null
            ? oauthError + (error!.ErrorDescription is { Length: > 0 } d ? ": " + Clip(Redact(d, sentSecret), 120) : string.Empty)
            : Snippet(body, sentSecret);
        return new OAuthException(
            OAuthErrorKind.Protocol,
            AuthErrorCodes.Protocol,
            $"Unexpected answer from {OAuthHost} (HTTP {code}: {detail}). Check KIMI_CODE_OAUTH_HOST or try again later.")
        { OAuthError = oauthError, StatusCode = code };
    }

    private OAuthException ProtocolError(HttpStatusCode status, string what)
        => new(OAuthErrorKind.Protocol, AuthErrorCodes.Protocol, $"Unexpected answer from {OAuthHost} (HTTP {(int)status}: {what}). Check KIMI_CODE_OAUTH_HOST or try again later.")
        {
            StatusCode = (int)status,
        };

    private OAuthException NetworkError(string reason, Exception inner)
        => new(OAuthErrorKind.Transient, AuthErrorCodes.Network, $"Could not reach {OAuthHost} ({reason}). Check your connection or KIMI_CODE_OAUTH_HOST.", inner);

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
