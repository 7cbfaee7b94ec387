using System.Net;
using System.Text;

namespace KimiCode.Auth.Tests.Infrastructure;

/// <summary>
/// Models the Kimi OAuth host faithfully enough to catch refresh races: single-use rotating refresh tokens
/// (a reused one gets 401 invalid_grant and is counted), device-code polling scripts, and injectable failures.
/// Tokens all start with "secret-" so tests can check that none leaks into a message.
/// </summary>
internal sealed class FakeOAuthServer : HttpMessageHandler
{
    public const string Host = "http://oauth.test";
    private readonly Lock _gate = new();
    private readonly TimeProvider _time;
    private readonly HashSet<string> _usedRefreshTokens = [];
    private string? _liveRefreshToken;
    private int _generation;

    public FakeOAuthServer(TimeProvider time) => _time = time;

    public long ExpiresIn { get; set; } = 900;

    public int RefreshRequests { get; private set; }

    public int Rotations { get; private set; }

    public int ReusedRefreshTokens { get; private set; }

    /// <summary>Answers sent to refresh requests before normal handling resumes (e.g. 500, 500).</summary>
    public Queue<Func<HttpResponseMessage>> RefreshFailures { get; } = new();

    /// <summary>Steps for device-token polls: authorization_pending, slow_down, expired_token, access_denied, approve, 500.</summary>
    public Queue<string> PollScript { get; } = new();

    public List<DateTimeOffset> PollTimes { get; } = [];

    public List<RecordedRequest> Requests { get; } = [];

    public double? DeviceInterval { get; set; } = 5;

    public double DeviceExpiresIn { get; set; } = 900;

    /// <summary>Runs when a refresh request arrives, before it is answered (a peer acting meanwhile).</summary>
    public Action? OnRefresh { get; set; }

    /// <summary>Real latency of a refresh answer, to make concurrent refreshes actually overlap.</summary>
    public TimeSpan RefreshLatency { get; set; }

    public HttpClient CreateClient() => new(this, disposeHandler: false);

    public OAuthClient CreateOAuthClient(IReadOnlyList<KeyValuePair<string, string>>? headers = null)
        => new(CreateClient(), Host, headers ?? [new("X-Msh-Platform", "kimi_cli")], _time);

    /// <summary>Issues a new pair (as a login would) that expires <paramref name="lifetime"/> from now; older refresh tokens die.</summary>
    public OAuthCredential Issue(TimeSpan lifetime)
    {
        lock (_gate)
        {
            return NewPair((long)lifetime.TotalSeconds);
        }
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var body = request.Content is null ? string.Empty : await request.Content.ReadAsStringAsync(cancellationToken);
        var form = ParseForm(body);
        var headers = request.Headers.ToDictionary(h => h.Key, h => string.Join(",", h.Value), StringComparer.OrdinalIgnoreCase);
        var path = request.RequestUri!.AbsolutePath;
        lock (_gate)
        {
            Requests.Add(new RecordedRequest(path, form, headers));
        }

        if (request.Method != HttpMethod.Post || request.Content?.Headers.ContentType?.MediaType != "application/x-www-form-urlencoded")
        {
            return Error(HttpStatusCode.BadRequest, "invalid_request");
        }

        if (!form.TryGetValue("client_id", out var clientId) || clientId != KimiCodeEndpoints.ClientId)
        {
            return Error(HttpStatusCode.Unauthorized, "invalid_client");
        }

        if (path == "/api/oauth/device_authorization")
        {
            var interval = DeviceInterval is { } i ? $",\"interval\":{i}" : string.Empty;
            return Json(HttpStatusCode.OK, $"{{\"user_code\":\"ABCD-1234\",\"device_code\":\"secret-device-code\",\"verification_uri\":\"{Host}/device\",\"verification_uri_complete\":\"{Host}/device?user_code=ABCD-1234\",\"expires_in\":{DeviceExpiresIn}{interval}}}");
        }

        if (path != "/api/oauth/token")
        {
            return new HttpResponseMessage(HttpStatusCode.NotFound) { Content = new StringContent("<html>not found</html>") };
        }

        return form.GetValueOrDefault("grant_type") switch
        {
            "urn:ietf:params:oauth:grant-type:device_code" => Poll(form),
            "refresh_token" => await RefreshAsync(form, cancellationToken),
            _ => Error(HttpStatusCode.BadRequest, "unsupported_grant_type"),
        };
    }

    private HttpResponseMessage Poll(Dictionary<string, string> form)
    {
        lock (_gate)
        {
            PollTimes.Add(_time.GetUtcNow());
            if (form.GetValueOrDefault("device_code") != "secret-device-code")
            {
                return Error(HttpStatusCode.BadRequest, "invalid_grant");
            }

            var step = PollScript.TryDequeue(out var s) ? s : "authorization_pending";
            return step switch
            {
                "approve" => TokenJson(NewPair(ExpiresIn)),
                "500" => new HttpResponseMessage(HttpStatusCode.InternalServerError) { Content = new StringContent("<html>oops</html>") },
                _ => Error(HttpStatusCode.BadRequest, step),
            };
        }
    }

    private async Task<HttpResponseMessage> RefreshAsync(Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (RefreshLatency > TimeSpan.Zero)
        {
            await Task.Delay(RefreshLatency, cancellationToken);
        }

        OnRefresh?.Invoke();
        lock (_gate)
        {
            RefreshRequests++;
            if (RefreshFailures.TryDequeue(out var failure))
            {
                return failure();
            }

            var presented = form.GetValueOrDefault("refresh_token") ?? string.Empty;
            if (presented.Length > 0 && presented == _liveRefreshToken)
            {
                _usedRefreshTokens.Add(presented);
                Rotations++;
                return TokenJson(NewPair(ExpiresIn));
            }

            if (_usedRefreshTokens.Contains(presented))
            {
                ReusedRefreshTokens++;
            }

            return Error(HttpStatusCode.Unauthorized, "invalid_grant");
        }
    }

    private OAuthCredential NewPair(long lifetimeSeconds)
    {
        _generation++;
        var suffix = Guid.NewGuid().ToString("N")[..8];
        var credential = new OAuthCredential(
            $"secret-access-{_generation}-{suffix}",
            $"secret-refresh-{_generation}-{suffix}",
            _time.GetUtcNow().ToUnixTimeSeconds() + lifetimeSeconds,
            "kimi-code",
            "Bearer",
            ExpiresIn);
        if (_liveRefreshToken is not null)
        {
            _usedRefreshTokens.Add(_liveRefreshToken);
        }

        _liveRefreshToken = credential.RefreshToken;
        return credential;
    }

    private static HttpResponseMessage TokenJson(OAuthCredential c)
        => Json(HttpStatusCode.OK, $"{{\"access_token\":\"{c.AccessToken}\",\"refresh_token\":\"{c.RefreshToken}\",\"expires_in\":{c.ExpiresIn},\"scope\":\"{c.Scope}\",\"token_type\":\"{c.TokenType}\"}}");

    public static HttpResponseMessage Error(HttpStatusCode status, string error)
        => Json(status, $"{{\"error\":\"{error}\",\"error_description\":\"{error} happened\"}}");

    public static HttpResponseMessage Json(HttpStatusCode status, string json)
        => new(status) { Content = new StringContent(json, Encoding.UTF8, "application/json") };

    private static Dictionary<string, string> ParseForm(string body)
    {
        var form = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var pair in body.Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split('=', 2);
            form[WebUtility.UrlDecode(parts[0])] = parts.Length > 1 ? WebUtility.UrlDecode(parts[1]) : string.Empty;
        }

        return form;
    }

}

internal sealed record RecordedRequest(string Path, Dictionary<string, string> Form, Dictionary<string, string> Headers);
