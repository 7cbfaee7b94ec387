using System.Collections.Concurrent;
using System.Net;
using System.Net.Sockets;
using System.Text;

namespace KimiCode.Testing;

/// <summary>One scripted answer of <see cref="LocalWebServer"/>.</summary>
public sealed record WebPage(int Status, string ContentType, string Body, string? Location = null);

/// <summary>
/// A tiny HTTP/1.1 server on 127.0.0.1 (any free port) for pages a tool fetches directly: each path answers what
/// <see cref="Serve"/> set (404 otherwise), one request per connection. Records the paths asked for.
/// </summary>
public sealed class LocalWebServer : IAsyncDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private readonly ConcurrentDictionary<string, WebPage> _pages = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;

    public LocalWebServer()
    {
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
        _loop = Task.Run(AcceptAsync);
    }

    public int Port { get; }

    /// <summary><c>http://127.0.0.1:PORT</c>.</summary>
    public string BaseUrl => $"http://127.0.0.1:{Port}";

    /// <summary>The request paths (with query) in arrival order.</summary>
    public ConcurrentQueue<string> Requested { get; } = new();

    public void Serve(string path, WebPage page) => _pages[path] = page;

    public void ServeHtml(string path, string html) => Serve(path, new WebPage(200, "text/html; charset=utf-8", html));

    public void Redirect(string path, string location) => Serve(path, new WebPage(302, "text/plain", "moved", location));

    private async Task AcceptAsync()
    {
        while (!_stop.IsCancellationRequested)
        {
            TcpClient client;
            try
            {
                client = await _listener.AcceptTcpClientAsync(_stop.Token);
            }
            catch (Exception) when (_stop.IsCancellationRequested)
            {
                return;
            }

            _ = Task.Run(() => AnswerAsync(client));
        }
    }

    private async Task AnswerAsync(TcpClient client)
    {
        using (client)
        {
            try
            {
                var stream = client.GetStream();
                using var reader = new StreamReader(stream, Encoding.ASCII, false, 1024, leaveOpen: true);
                var requestLine = await reader.ReadLineAsync(_stop.Token) ?? "";
                while (!string.IsNullOrEmpty(await reader.ReadLineAsync(_stop.Token)))
                {
                    // headers are not needed
                }

                var path = requestLine.Split(' ') is { Length: >= 2 } parts ? parts[1] : "/";
                Requested.Enqueue(path);
                var page = _pages.TryGetValue(path, out var found) ? found : new WebPage(404, "text/plain", "not found");
                var body = Encoding.UTF8.GetBytes(page.Body);
                var head = new StringBuilder()
                    .Append($"HTTP/1.1 {page.Status} {(page.Status == 200 ? "OK" : "Other")}\r\n")
                    .Append($"Content-Type: {page.ContentType}\r\n")
                    .Append($"Content-Length: {body.Length}\r\n")
                    .Append(page.Location is null ? "" : $"Location: {page.Location}\r\n")
                    .Append("Connection: close\r\n\r\n");
                await stream.WriteAsync(Encoding.ASCII.GetBytes(head.ToString()), _stop.Token);
                await stream.WriteAsync(body, _stop.Token);
            }
            catch (Exception ex) when (ex is IOException or OperationCanceledException or SocketException)
            {
                // The client went away.
            }
        }
    }

    public async ValueTask DisposeAsync()
    {
        _stop.Cancel();
        _listener.Stop();
        await _loop.ConfigureAwait(ConfigureAwaitOptions.SuppressThrowing);
        _stop.Dispose();
    }
}
