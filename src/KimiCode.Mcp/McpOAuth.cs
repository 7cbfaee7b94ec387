using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KimiCode.Config;
using ModelContextProtocol.Authentication;

namespace KimiCode.Mcp;

/// <summary>
/// OAuth of HTTP servers (MCP authorization: protected resource metadata, authorization server metadata, dynamic
/// client registration, authorization code + PKCE), on the SDK's client support. Tokens live in
/// <c>$KIMI_CODE_HOME/credentials/mcp/&lt;server&gt;.json</c> (0600, atomic). Without <see cref="OpenBrowser"/> a server
/// that needs a login fails with "run `kimi mcp login &lt;name&gt;`" instead of starting a browser flow mid-turn.
/// </summary>
public sealed record McpOAuthContext
{
    /// <summary>The folder of the token files (<c>credentials/mcp</c> under kimi's home).</summary>
    public required string CredentialsDirectory { get; init; }

    /// <summary>Opens the authorization URL (the browser); null when no interactive login may happen.</summary>
    public Func<Uri, Task>? OpenBrowser { get; init; }

    public static string DirectoryUnder(string home) => Path.Combine(home, "credentials", "mcp");
}

/// <summary>
/// The token file of one server. With <paramref name="resource"/>, tokens are bound to that URL: a file written for
/// another URL (a project's mcp.json reusing a user server's name for its own host) is never handed out.
/// </summary>
public sealed class McpTokenStore(string directory, string serverName, Uri? resource = null) : ITokenCache
{
    public string FilePath { get; } = Path.Combine(directory, serverName + ".json");

    public bool Exists => File.Exists(FilePath);

    /// <summary>Removes the token file; false when there was none.</summary>
    public bool Delete()
    {
        if (!File.Exists(FilePath))
        {
            return false;
        }

        File.Delete(FilePath);
        return true;
    }

    public ValueTask<TokenContainer?> GetTokensAsync(CancellationToken cancellationToken)
    {
        try
        {
            var stored = File.Exists(FilePath) ? JsonSerializer.Deserialize(File.ReadAllText(FilePath), McpOAuthJson.Default.StoredMcpTokens) : null;
            bool bound = resource is null || stored?.Resource == resource.AbsoluteUri;
            return ValueTask.FromResult(bound ? stored?.ToContainer() : null);
        }
        catch (JsonException)
        {
            return ValueTask.FromResult<TokenContainer?>(null);
        }
    }

    public ValueTask StoreTokensAsync(TokenContainer tokens, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(tokens);
        Directory.CreateDirectory(Path.GetDirectoryName(FilePath)!);
        if (!OperatingSystem.IsWindows())
        {
            File.SetUnixFileMode(Path.GetDirectoryName(FilePath)!, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }

        AtomicFile.WriteAllText(FilePath, JsonSerializer.Serialize(StoredMcpTokens.From(tokens) with { Resource = resource?.AbsoluteUri }, McpOAuthJson.Default.StoredMcpTokens));
        return ValueTask.CompletedTask;
    }
}

internal sealed record StoredMcpTokens
{
    public string? AccessToken { get; init; }
    public string? RefreshToken { get; init; }
    public string? TokenType { get; init; }
    public string? Scope { get; init; }
    public int? ExpiresIn { get; init; }
    public DateTimeOffset ObtainedAt { get; init; }
    public string? ClientId { get; init; }
    public string? ClientSecret { get; init; }
    public string? TokenEndpointAuthMethod { get; init; }
    public string? AuthorizationServer { get; init; }
    public string? Resource { get; init; }

    public static StoredMcpTokens From(TokenContainer t) => new()
    {
        AccessToken = t.AccessToken,
        RefreshToken = t.RefreshToken,
        TokenType = t.TokenType,
        Scope = t.Scope,
        ExpiresIn = t.ExpiresIn,
        ObtainedAt = t.ObtainedAt,
        ClientId = t.ClientId,
        ClientSecret = t.ClientSecret,
        TokenEndpointAuthMethod = t.TokenEndpointAuthMethod,
        AuthorizationServer = t.AuthorizationServer,
    };

    public TokenContainer ToContainer() => new()
    {
        AccessToken = AccessToken!,
        RefreshToken = RefreshToken,
        TokenType = TokenType!,
        Scope = Scope,
        ExpiresIn = ExpiresIn,
        ObtainedAt = ObtainedAt,
        ClientId = ClientId,
        ClientSecret = ClientSecret,
        TokenEndpointAuthMethod = TokenEndpointAuthMethod,
        AuthorizationServer = AuthorizationServer,
    };
}

[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.SnakeCaseLower, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StoredMcpTokens))]
internal sealed partial class McpOAuthJson : JsonSerializerContext;

/// <summary>
/// The redirect target of a login: a listener on 127.0.0.1 and a random port that takes one callback request and
/// answers it with a short page.
/// </summary>
internal sealed class LoopbackRedirect : IDisposable
{
    private readonly TcpListener _listener;

    public LoopbackRedirect()
    {
        _listener = new TcpListener(IPAddress.Loopback, 0);
        _listener.Start();
        RedirectUri = new Uri($"http://127.0.0.1:{((IPEndPoint)_listener.LocalEndpoint).Port}/callback");
    }

    public Uri RedirectUri { get; }

    private static readonly TimeSpan RequestReadTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Opens the authorization URL and waits for the browser to come back with the code.</summary>
    public async Task<AuthorizationResult> AuthorizeAsync(Uri authorizationUri, Func<Uri, Task> openBrowser, CancellationToken cancellationToken)
    {
        // Listening already while the browser opens: an opener that waits for the page must not wait for itself.
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var callback = WaitForCallbackAsync(waiting.Token);
        try
        {
            await openBrowser(authorizationUri).ConfigureAwait(false);
        }
        catch
        {
            await waiting.CancelAsync().ConfigureAwait(false);
            await ((Task)callback).ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
            throw;
        }

        return await callback.ConfigureAwait(false);
    }

    private async Task<AuthorizationResult> WaitForCallbackAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            using var client = await _listener.AcceptTcpClientAsync(cancellationToken).ConfigureAwait(false);
            await using var stream = client.GetStream();
            string? target;
            using (var read = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                // A stray local connection that sends nothing must not hold up the browser's redirect.
                read.CancelAfter(RequestReadTimeout);
                try
                {
                    target = await ReadRequestTargetAsync(stream, read.Token).ConfigureAwait(false);
                }
                catch (Exception ex) when (ex is OperationCanceledException or IOException && !cancellationToken.IsCancellationRequested)
                {
                    continue;
                }
            }

            if (target is null || !target.StartsWith("/callback", StringComparison.Ordinal))
            {
                await RespondAsync(stream, "404 Not Found", "Not found.", cancellationToken).ConfigureAwait(false);
                continue;
            }

            var query = ParseQuery(new Uri(RedirectUri, target).Query);
            if (query.TryGetValue("error", out var error))
            {
                await RespondAsync(stream, "400 Bad Request", "Login failed; you can close this window.", cancellationToken).ConfigureAwait(false);
                query.TryGetValue("error_description", out var description);
                throw new McpConnectionException($"the authorization server refused the login: {error}{(description is null ? "" : " (" + description + ")")}");
            }

            await RespondAsync(stream, "200 OK", "Login complete; you can close this window and return to kimi.", cancellationToken).ConfigureAwait(false);
            query.TryGetValue("code", out var code);
            query.TryGetValue("state", out var state);
            query.TryGetValue("iss", out var iss);
            return new AuthorizationResult { Code = code, State = state, Iss = iss };
        }
    }

    public void Dispose() => _listener.Stop();

    private static async Task<string?> ReadRequestTargetAsync(NetworkStream stream, CancellationToken cancellationToken)
    {
        var buffer = new byte[8192];
        int length = 0;
        while (length < buffer.Length)
        {
            int read = await stream.ReadAsync(buffer.AsMemory(length), cancellationToken).ConfigureAwait(false);
            if (read == 0)
            {
                break;
            }

            length += read;
            if (buffer.AsSpan(0, length).IndexOf("\r\n\r\n"u8) >= 0)
            {
                break;
            }
        }

        string head = Encoding.ASCII.GetString(buffer, 0, length);
        int end = head.IndexOf("\r\n", StringComparison.Ordinal);
        string[] words = (end < 0 ? head : head[..end]).Split(' ');
        return words.Length >= 2 && words[0] == "GET" ? words[1] : null;
    }

    /// <summary>Answers the browser; one that went away already is no reason to lose the login.</summary>
    private static async Task RespondAsync(NetworkStream stream, string status, string text, CancellationToken cancellationToken)
    {
        try
        {
            await WriteResponseAsync(stream, status, text, cancellationToken).ConfigureAwait(false);
        }
        catch (IOException)
        {
        }
    }

    private static async Task WriteResponseAsync(NetworkStream stream, string status, string text, CancellationToken cancellationToken)
    {
        byte[] body = Encoding.UTF8.GetBytes($"<!doctype html><title>kimi</title><p>{WebUtility.HtmlEncode(text)}</p>");
        byte[] head = Encoding.ASCII.GetBytes($"HTTP/1.1 {status}\r\nContent-Type: text/html; charset=utf-8\r\nContent-Length: {body.Length}\r\nConnection: close\r\n\r\n");
        await stream.WriteAsync(head, cancellationToken).ConfigureAwait(false);
        await stream.WriteAsync(body, cancellationToken).ConfigureAwait(false);
    }

    private static Dictionary<string, string> ParseQuery(string query)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string pair in query.TrimStart('?').Split('&', StringSplitOptions.RemoveEmptyEntries))
        {
            int eq = pair.IndexOf('=', StringComparison.Ordinal);
            string key = Uri.UnescapeDataString((eq < 0 ? pair : pair[..eq]).Replace('+', ' '));
            values[key] = eq < 0 ? "" : Uri.UnescapeDataString(pair[(eq + 1)..].Replace('+', ' '));
        }

        return values;
    }
}
