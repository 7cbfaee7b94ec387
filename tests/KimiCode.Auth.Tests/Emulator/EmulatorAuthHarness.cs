using System.Net;
using System.Net.Sockets;
using KimiCode.Auth.Tests.Infrastructure;
using KimiCode.Emulator;
using EmulatorRequest = KimiCode.Emulator.RecordedRequest;

namespace KimiCode.Auth.Tests.Emulator;

/// <summary>
/// One in-process Kimi Code emulator plus one temporary home per test, and factories for the real library pieces
/// (<see cref="OAuthClient"/>, <see cref="OAuthTokenSource"/>) pointed at it, each with its own HttpClient as a
/// separate process would have.
/// </summary>
internal sealed class EmulatorAuthHarness : IAsyncDisposable
{
    public const string ClientVersion = "9.8.7";

    public static readonly DateTimeOffset Start = DateTimeOffset.FromUnixTimeSeconds(1_800_000_000);

    /// <summary>Real-clock lock retries kept short, so contention tests stay fast.</summary>
    public static readonly RefreshLockOptions FastLock = new()
    {
        RetryMin = TimeSpan.FromMilliseconds(5),
        RetryMax = TimeSpan.FromMilliseconds(20),
        Timeout = TestTimeouts.Default,
    };

    private readonly List<HttpClient> _httpClients = [];
    private IReadOnlyList<KeyValuePair<string, string>>? _identityHeaders;

    private EmulatorAuthHarness(KimiEmulator emulator, TimeProvider time)
    {
        Emulator = emulator;
        Time = time;
        Home = new TempHome();
        Slot = CredentialSlot.NameFor(emulator.BaseUrl, emulator.CodingBaseUrl);
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public KimiEmulator Emulator { get; }

    public EmulatorState State => Emulator.State;

    /// <summary>The library's clock (the emulator's too, unless the test gave it another one).</summary>
    public TimeProvider Time { get; }

    public TempHome Home { get; }

    public CredentialStore Store => Home.Store;

    /// <summary>The slot the CLI would use for this emulator (host + coding base URL).</summary>
    public string Slot { get; }

    public string CredentialPath => Store.PathFor(Slot);

    public string LockTarget => Path.Combine(Home.Home.OAuthDir, Slot);

    public string LockDirectory => LockTarget + ".lock";

    /// <summary>The identity headers plus User-Agent, as the CLI hands them to <see cref="OAuthClient"/>.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> Headers
        => _identityHeaders ??= [.. IdentityHeaders.Create(Home.Home, ClientVersion), new("User-Agent", IdentityHeaders.UserAgent(ClientVersion))];

    public static async Task<EmulatorAuthHarness> StartAsync(TimeProvider time, Action<EmulatorOptions>? configure = null)
    {
        var options = new EmulatorOptions { TimeProvider = time };
        configure?.Invoke(options);
        var emulator = await KimiEmulator.StartAsync(options, Ct);
        return new EmulatorAuthHarness(emulator, time);
    }

    /// <summary>A new OAuthClient on its own HttpClient (optionally through <paramref name="handler"/>).</summary>
    public OAuthClient CreateClient(DelegatingHandler? handler = null, string? oauthHost = null)
    {
        HttpMessageHandler pipeline = new SocketsHttpHandler();
        if (handler is not null)
        {
            handler.InnerHandler = pipeline;
            pipeline = handler;
        }

        var http = new HttpClient(pipeline) { Timeout = TestTimeouts.Default };
        lock (_httpClients)
        {
            _httpClients.Add(http);
        }

        return new OAuthClient(http, oauthHost ?? Emulator.BaseUrl, Headers, Time);
    }

    /// <summary>A token source as a separate kimi process would build it: same home, slot and lock, its own client.</summary>
    public OAuthTokenSource CreateSource(RefreshLockOptions? lockOptions = null, DelegatingHandler? handler = null, string? oauthHost = null)
        => new(Store, Slot, LockTarget, CreateClient(handler, oauthHost), Time, lockOptions);

    /// <summary>Mints a pair at the emulator and stores it as `kimi login` would; the file's expiry follows the library clock.</summary>
    public OAuthCredential LogIn(TimeSpan lifetime)
    {
        var tokens = State.IssueTokens(lifetime);
        var credential = new OAuthCredential(
            tokens.AccessToken,
            tokens.RefreshToken,
            Time.GetUtcNow().ToUnixTimeSeconds() + (long)lifetime.TotalSeconds,
            "kimi-code",
            "Bearer",
            tokens.ExpiresIn);
        Store.Write(Slot, credential);
        return credential;
    }

    /// <summary>Requests the emulator saw on the token endpoint (device polls and refreshes), in arrival order.</summary>
    public EmulatorRequest[] TokenRequests() => State.Requests.Where(r => r.Path == "/api/oauth/token").ToArray();

    public int[] TokenStatuses() => TokenRequests().Select(r => r.StatusCode).ToArray();

    /// <summary>Whether the emulator accepts <paramref name="accessToken"/> on the coding API right now.</summary>
    public async Task<HttpStatusCode> ModelsStatusAsync(string accessToken)
    {
        using var http = new HttpClient { Timeout = TestTimeouts.Default };
        using var request = new HttpRequestMessage(HttpMethod.Get, Emulator.CodingBaseUrl + "/models");
        request.Headers.Authorization = new("Bearer", accessToken);
        request.Headers.TryAddWithoutValidation("X-Msh-Platform", "kimi_cli");
        using var response = await http.SendAsync(request, Ct);
        return response.StatusCode;
    }

    /// <summary>Everything in the credentials folder (to prove no temp file was left behind).</summary>
    public string[] CredentialFolderEntries()
        => Directory.GetFileSystemEntries(Home.Home.CredentialsDir).Select(Path.GetFileName).Order(StringComparer.Ordinal).ToArray()!;

    /// <summary>A loopback URL nobody listens on: bind a free port, then release it.</summary>
    public static string ClosedPortUrl()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        var port = ((IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return $"http://127.0.0.1:{port}";
    }

    /// <summary>No token (or device code) may appear in a message or ToString of the error or any inner error.</summary>
    public static void AssertNoSecrets(Exception error, params IEnumerable<string> secrets)
    {
        var texts = new List<string>();
        for (var e = error; e is not null; e = e.InnerException)
        {
            texts.Add(e.Message);
        }

        texts.Add(error.ToString());
        foreach (var secret in secrets.Where(s => !string.IsNullOrEmpty(s)))
        {
            foreach (var text in texts)
            {
                Assert.DoesNotContain(secret, text, StringComparison.Ordinal);
            }
        }
    }

    /// <summary>A user-facing message is one line.</summary>
    public static void AssertOneLine(Exception error)
    {
        Assert.DoesNotContain('\n', error.Message);
        Assert.DoesNotContain('\r', error.Message);
    }

    public async ValueTask DisposeAsync()
    {
        lock (_httpClients)
        {
            foreach (var http in _httpClients)
            {
                http.Dispose();
            }
        }

        await Emulator.DisposeAsync();
        Home.Dispose();
    }
}

/// <summary>
/// Sits between a client and the emulator like a proxy: lets a test act before a token request is forwarded
/// (a peer doing something meanwhile) or rewrite the emulator's answer (a mangling proxy).
/// </summary>
internal sealed class TokenEndpointInterceptor : DelegatingHandler
{
    /// <summary>Runs once per token request, before it is forwarded.</summary>
    public Func<CancellationToken, Task>? BeforeForward { get; set; }

    /// <summary>Replaces the body of a successful token response.</summary>
    public Func<string, string>? RewriteSuccessBody { get; set; }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var isToken = request.RequestUri!.AbsolutePath == "/api/oauth/token";
        if (isToken && BeforeForward is { } before)
        {
            await before(cancellationToken);
        }

        var response = await base.SendAsync(request, cancellationToken);
        if (isToken && response.IsSuccessStatusCode && RewriteSuccessBody is { } rewrite)
        {
            var original = await response.Content.ReadAsStringAsync(cancellationToken);
            var mediaType = response.Content.Headers.ContentType?.MediaType ?? "application/json";
            response.Content = new StringContent(rewrite(original), System.Text.Encoding.UTF8, mediaType);
        }

        return response;
    }
}
