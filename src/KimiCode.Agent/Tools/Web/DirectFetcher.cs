using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KimiCode.Agent.Tools.Web;

/// <summary>A page fetched directly: its final URL, media type and text (decoded), and whether it was cut at the size cap.</summary>
public sealed record FetchedPage(WebUrl Url, string MediaType, string Text, bool Truncated);

/// <summary>
/// Fetches a page straight from its server, guarded against server-side request forgery: only http and https, at most
/// <see cref="MaxRedirects"/> redirects (each target checked again), at most <see cref="MaxBytes"/> read, no proxy, no
/// cookies, <see cref="Timeout"/> for the whole fetch. Every host is resolved by the connection itself, every address it
/// resolves to is checked (<see cref="NetworkAddress"/>), and the socket connects to the address that was checked, so a
/// DNS answer that changes between check and use (rebinding) cannot lead it inside. Internal addresses are reached only
/// for the one host the user approved (<c>approvedHost</c>); a redirect to any other internal host is refused.
/// </summary>
public sealed class DirectFetcher
{
    public const int MaxRedirects = 5;
    public const int MaxBytes = 5 * 1024 * 1024;

    /// <summary>The resolver (tests answer with fixed addresses); the system's by default.</summary>
    public Func<string, CancellationToken, Task<IPAddress[]>> Resolve { get; init; } = static (host, ct) => Dns.GetHostAddressesAsync(host, ct);

    /// <summary>Why an address is internal, or null when it is public (<see cref="NetworkAddress.InternalReason"/>; tests may treat their loopback server as public).</summary>
    public Func<IPAddress, string?> Classify { get; init; } = NetworkAddress.InternalReason;

    /// <summary>The first of <paramref name="addresses"/> that is internal, with why; null when all are public.</summary>
    public (IPAddress Address, string Reason)? FirstInternal(IEnumerable<IPAddress> addresses)
    {
        foreach (var address in addresses)
        {
            if (Classify(address) is { } reason)
            {
                return (address, reason);
            }
        }

        return null;
    }

    /// <summary>The whole fetch (every redirect and the body) must finish within this.</summary>
    public TimeSpan Timeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>Connecting to one server must finish within this.</summary>
    public TimeSpan ConnectTimeout { get; init; } = TimeSpan.FromSeconds(10);

    /// <summary>The User-Agent sent.</summary>
    public string UserAgent { get; init; } = "Mozilla/5.0 (compatible; KimiCode/1.0; +https://www.kimi.com/code)";

    /// <summary>
    /// Fetches <paramref name="url"/>. <paramref name="approvedHost"/> (a <see cref="WebUrl.Host"/>) may be internal
    /// because the user allowed it. Throws <see cref="WebServiceException"/> with a message for the model on failure.
    /// </summary>
    public async Task<FetchedPage> FetchAsync(WebUrl url, string? approvedHost, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(url);
        var guard = new ConnectGuard(this, approvedHost);
        using var handler = new SocketsHttpHandler
        {
            AllowAutoRedirect = false,
            UseProxy = false,
            UseCookies = false,
            AutomaticDecompression = DecompressionMethods.All,
            ConnectTimeout = ConnectTimeout,
            ConnectCallback = guard.ConnectAsync,
        };
        using var http = new HttpClient(handler) { Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        var current = url;
        try
        {
            for (var hop = 0; ; hop++)
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, current.Uri);
                request.Headers.TryAddWithoutValidation("User-Agent", UserAgent);
                request.Headers.TryAddWithoutValidation("Accept", "text/html,application/xhtml+xml,text/markdown;q=0.9,text/plain;q=0.8,*/*;q=0.5");
                using var response = await http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, timeout.Token).ConfigureAwait(false);
                var status = (int)response.StatusCode;
                if (status is >= 300 and < 400 && response.Headers.Location is { } location)
                {
                    if (hop >= MaxRedirects)
                    {
                        throw new WebServiceException($"{url} redirected more than {MaxRedirects} times; not followed further.");
                    }

                    current = NextHop(current, location, approvedHost);
                    continue;
                }

                if (status != 200)
                {
                    throw new WebServiceException($"{current} answered HTTP {status} ({response.ReasonPhrase}).");
                }

                var mediaType = response.Content.Headers.ContentType?.MediaType?.ToLowerInvariant() ?? "";
                await using var stream = await response.Content.ReadAsStreamAsync(timeout.Token).ConfigureAwait(false);
                var (bytes, truncated) = await BoundedRead.ReadAsync(stream, MaxBytes, timeout.Token).ConfigureAwait(false);
                var text = Decode(bytes, response.Content.Headers.ContentType?.CharSet);
                return new FetchedPage(current, mediaType, text, truncated);
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new WebServiceException($"{current} did not answer within {Timeout.TotalSeconds:0} s.");
        }
        catch (HttpRequestException ex)
        {
            throw new WebServiceException(guard.Refusal ?? $"{current.Host} could not be reached ({ex.Message}).");
        }
    }

    private static WebUrl NextHop(WebUrl current, Uri location, string? approvedHost)
    {
        var target = location.IsAbsoluteUri ? location : new Uri(current.Uri, location);
        if (!WebUrl.TryParse(target.AbsoluteUri, out var next, out var error))
        {
            throw new WebServiceException($"{current} redirected to a URL FetchURL does not follow: {error}");
        }

        if (next.LiteralConcern is { } concern && next.Host != approvedHost)
        {
            throw new WebServiceException(Refused(current, next, concern));
        }

        return next;
    }

    private static string Refused(WebUrl from, WebUrl to, string concern)
        => $"{from} redirected to {to}, and {concern}: not followed, so a web page cannot steer FetchURL into the user's network. If that address is really needed, call FetchURL with it directly (the user will be asked).";

    private static string Decode(byte[] bytes, string? charset)
    {
        Encoding encoding = Encoding.UTF8;
        if (!string.IsNullOrWhiteSpace(charset))
        {
            try
            {
                encoding = Encoding.GetEncoding(charset.Trim('"', ' '));
            }
            catch (Exception ex) when (ex is ArgumentException or NotSupportedException)
            {
                // An unknown charset: UTF-8 is the best guess on today's web.
            }
        }

        return encoding.GetString(bytes);
    }

    /// <summary>The connection step: resolve, check every address, connect to a checked one.</summary>
    private sealed class ConnectGuard(DirectFetcher owner, string? approvedHost)
    {
        public string? Refusal { get; private set; }

        public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
        {
            var host = context.DnsEndPoint.Host;
            var normalized = WebUrl.NormalizeHost(host);
            var addresses = WebUrl.ParseAddress(host) is { } literal ? [literal] : await owner.Resolve(normalized, cancellationToken).ConfigureAwait(false);
            if (addresses.Length == 0)
            {
                throw new HttpRequestException($"{host} has no address");
            }

            if (normalized != approvedHost && owner.FirstInternal(addresses) is { } bad)
            {
                Refusal = $"{host} resolves to {bad.Address}, {bad.Reason}: FetchURL does not go there unless the user allows it. Fetch a public URL instead, or ask the user to allow this host with a permission rule such as FetchURL(domain:{normalized}).";
                throw new HttpRequestException(Refusal);
            }

            Exception? last = null;
            foreach (var address in addresses)
            {
                var socket = new Socket(address.AddressFamily, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
                try
                {
                    await socket.ConnectAsync(new IPEndPoint(address, context.DnsEndPoint.Port), cancellationToken).ConfigureAwait(false);
                    return new NetworkStream(socket, ownsSocket: true);
                }
                catch (SocketException ex)
                {
                    socket.Dispose();
                    last = ex;
                }
                catch
                {
                    socket.Dispose();
                    throw;
                }
            }

            throw new HttpRequestException($"could not connect to {host}: {last?.Message}", last);
        }
    }
}
