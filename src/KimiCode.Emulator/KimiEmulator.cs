using System.Globalization;
using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KimiCode.Emulator;

/// <summary>
/// A local Kimi Code service on 127.0.0.1: OAuth device flow, coding API, open platform, scripted model and faults.
/// Start one per test with port 0; dispose it to stop.
/// </summary>
public sealed class KimiEmulator : IAsyncDisposable
{
    /// <summary>Marks a request whose connection was dropped before the response headers were sent.</summary>
    internal const string DroppedKey = "kimi-emulator.dropped";

    private readonly WebApplication _app;
    private readonly EmulatorOptions _options;
    private readonly OAuthEndpoints _oauth;
    private readonly ChatEndpoints _chat;
    private readonly ControlEndpoints _control;
    private readonly WebEndpoints _web;
    private string _baseUrl = "";

    private KimiEmulator(WebApplication app, EmulatorOptions options, EmulatorState state)
    {
        _app = app;
        _options = options;
        State = state;
        _oauth = new OAuthEndpoints(state, () => _baseUrl);
        _chat = new ChatEndpoints(state, options.TimeProvider, options.ChunkSize);
        _control = new ControlEndpoints(state);
        _web = new WebEndpoints(state, _chat);
    }

    /// <summary><c>http://127.0.0.1:PORT</c>; also the OAuth host.</summary>
    public string BaseUrl => _baseUrl;

    public string CodingBaseUrl => _baseUrl + "/coding/v1";

    public string OpenPlatformBaseUrl => _baseUrl + "/v1";

    public EmulatorState State { get; }

    /// <summary>Signalled when the host is asked to stop (Ctrl-C or SIGTERM in the CLI).</summary>
    internal CancellationToken Stopping => _app.Lifetime.ApplicationStopping;

    public static async Task<KimiEmulator> StartAsync(EmulatorOptions options, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(options);
        var state = new EmulatorState(options);
        if (options.ScriptPath is { } scriptPath)
        {
            state.LoadScript(await File.ReadAllTextAsync(scriptPath, cancellationToken));
        }

        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], ContentRootPath = AppContext.BaseDirectory });
        builder.WebHost.UseKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, options.Port));
        builder.Logging.ClearProviders();
        // stdout belongs to the "listening" line; only warnings and worse, on stderr.
        builder.Logging.AddConsole(console => console.LogToStandardErrorThreshold = LogLevel.Trace);
        builder.Logging.SetMinimumLevel(LogLevel.Warning);
        builder.Services.Configure<ConsoleLifetimeOptions>(o => o.SuppressStatusMessages = true);

        var app = builder.Build();
        var emulator = new KimiEmulator(app, options, state);
        app.Run(emulator.DispatchAsync);
        await app.StartAsync(cancellationToken);

        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.First();
        var port = new Uri(address).Port;
        emulator._baseUrl = string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
        return emulator;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            await _app.StopAsync(CancellationToken.None);
        }
        finally
        {
            await _app.DisposeAsync();
        }
    }

    private async Task DispatchAsync(HttpContext context)
    {
        var cancellationToken = context.RequestAborted;
        var request = context.Request;
        var path = request.Path.Value ?? "/";
        context.Response.Headers["x-trace-id"] = "trace-" + Ids.Random(16);

        string body;
        using (var reader = new StreamReader(request.Body))
        {
            body = await reader.ReadToEndAsync(cancellationToken);
        }

        if (path.StartsWith("/_emulator/", StringComparison.Ordinal))
        {
            await _control.HandleAsync(context, path["/_emulator/".Length..], body, cancellationToken);
            return;
        }

        var entry = State.BeginRequest(new RecordedRequest(
            request.Method,
            path,
            request.QueryString.Value ?? "",
            CopyHeaders(request.Headers),
            body,
            0,
            _options.TimeProvider.GetUtcNow()));
        context.Response.OnStarting(() =>
        {
            // Kestrel still runs this for a connection the emulator dropped before any header left: that client saw no status.
            if (!context.Items.ContainsKey(DroppedKey))
            {
                State.CompleteRequest(entry, context.Response.StatusCode);
            }

            return Task.CompletedTask;
        });

        try
        {
            await RouteAsync(context, request.Method, path, body, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // The client went away; nothing left to answer.
        }
        catch (IOException) when (context.Response.HasStarted)
        {
            // The client dropped a stream mid-way: end the connection quietly instead of logging an application error.
            context.Abort();
        }
        catch (Exception) when (!context.Response.HasStarted)
        {
            // Never a 500 for bad input: anything unexpected is reported as a bad request in the API's own shape.
            context.Response.Clear();
            await HttpResults.WriteJsonAsync(context, 400, JsonText.OpenAiError("Invalid request: the emulator could not process it.", "invalid_request_error"), cancellationToken);
        }
    }

    private async Task RouteAsync(HttpContext context, string method, string path, string body, CancellationToken cancellationToken)
    {
        var target = path switch
        {
            "/coding/v1/chat/completions" or "/v1/chat/completions" => "chat",
            "/coding/v1/models" or "/v1/models" => "models",
            "/api/oauth/token" => "token",
            "/api/oauth/device_authorization" => "device",
            "/coding/v1/search" => "search",
            "/coding/v1/fetch" => "fetch",
            "/coding/v1/usages" => "usages",
            _ => null,
        };

        EmulatorFault? streamFault = null;
        if (target is not null && State.TakeFault(target) is { } fault)
        {
            if (fault.LatencyMs > 0)
            {
                // Latency is wall-clock on purpose: it exercises client timeouts, not token lifetimes.
                await Task.Delay(fault.LatencyMs, cancellationToken);
            }

            if (fault.StallBeforeHeadersMs > 0)
            {
                // Headers never come: hold the request (a client that gives up ends the wait), then drop the connection.
                context.Items[DroppedKey] = true;
                await Task.Delay(fault.StallBeforeHeadersMs, cancellationToken);
                context.Abort();
                return;
            }

            if (fault.IsStreamFault)
            {
                streamFault = fault;
            }
            else if (fault.Status >= 400)
            {
                await ChatEndpoints.WriteModelErrorAsync(context, new ModelError(fault.Status, fault.Body, false, fault.RetryAfterSeconds, fault.ContentType), cancellationToken);
                return;
            }
            else if (fault.Body is { } foreignBody)
            {
                // Not the API at all (a captive portal, a wrong base URL): the body as it is, with the fault's status.
                await ChatEndpoints.WriteModelErrorAsync(context, new ModelError(fault.Status, foreignBody, false, fault.RetryAfterSeconds, fault.ContentType), cancellationToken);
                return;
            }
        }

        switch ((method, path))
        {
            case ("POST", "/api/oauth/device_authorization"):
                await _oauth.DeviceAuthorizationAsync(context, body, cancellationToken);
                break;
            case ("POST", "/api/oauth/token"):
                await _oauth.TokenAsync(context, body, cancellationToken);
                break;
            case ("GET", "/device"):
                await _oauth.DevicePageAsync(context, cancellationToken);
                break;
            case ("POST", "/device/approve"):
                await _oauth.DeviceDecisionAsync(context, body, approve: true, cancellationToken);
                break;
            case ("POST", "/device/deny"):
                await _oauth.DeviceDecisionAsync(context, body, approve: false, cancellationToken);
                break;
            case ("GET", "/coding/v1/models"):
                await _chat.ModelsAsync(context, coding: true, cancellationToken);
                break;
            case ("GET", "/v1/models"):
                await _chat.ModelsAsync(context, coding: false, cancellationToken);
                break;
            case ("POST", "/coding/v1/chat/completions"):
                await _chat.CompletionsAsync(context, body, coding: true, streamFault, cancellationToken);
                break;
            case ("POST", "/v1/chat/completions"):
                await _chat.CompletionsAsync(context, body, coding: false, streamFault, cancellationToken);
                break;
            case ("POST", "/coding/v1/search"):
                await _web.SearchAsync(context, body, cancellationToken);
                break;
            case ("POST", "/coding/v1/fetch"):
                await _web.FetchAsync(context, body, cancellationToken);
                break;
            case ("GET", "/coding/v1/usages"):
                await _web.UsagesAsync(context, cancellationToken);
                break;
            default:
                var status = target is null ? 404 : 405;
                await HttpResults.WriteJsonAsync(
                    context,
                    status,
                    JsonText.OpenAiError(status == 404 ? $"No route for {method} {path}." : $"Method {method} is not allowed on {path}.", status == 404 ? "not_found_error" : "invalid_request_error"),
                    cancellationToken);
                break;
        }
    }

    private static Dictionary<string, string> CopyHeaders(IHeaderDictionary headers)
    {
        var copy = new Dictionary<string, string>(StringComparer.OrdinalIgnoreCase);
        foreach (var (name, values) in headers)
        {
            copy[name.ToLowerInvariant()] = string.Join(", ", values.ToArray());
        }

        return copy;
    }
}
