using System.Diagnostics;
using Microsoft.Extensions.Logging;

namespace KimiCode.Hosting.Logging;

/// <summary>
/// Logs every HTTP request kimi makes (model API and OAuth host alike): method, URL without its query, status, time to
/// the response headers and the server's trace/request id, which is what a bug report needs. Headers and bodies are
/// never logged: they carry the tokens.
/// </summary>
internal sealed partial class HttpLoggingHandler : DelegatingHandler
{
    private static readonly string[] TraceHeaders = ["x-trace-id", "x-request-id", "msh-request-id", "x-msh-trace-id"];

    private readonly ILogger _logger;

    public HttpLoggingHandler(HttpMessageHandler inner, ILogger logger)
        : base(inner)
    {
        _logger = logger;
    }

    protected override async Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var url = request.RequestUri is { } uri ? uri.GetLeftPart(UriPartial.Path) : "(none)";
        try
        {
            var response = await base.SendAsync(request, cancellationToken).ConfigureAwait(false);
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            var traceId = TraceId(response) ?? "-";
            RequestDone(_logger, request.Method.Method, url, (int)response.StatusCode, elapsed, traceId);
            return response;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            RequestCancelled(_logger, request.Method.Method, url, elapsed);
            throw;
        }
        catch (Exception ex) when (ex is HttpRequestException or OperationCanceledException or IOException)
        {
            var elapsed = Stopwatch.GetElapsedTime(started).TotalMilliseconds;
            RequestFailed(_logger, request.Method.Method, url, elapsed, ex);
            throw;
        }
    }

    private static string? TraceId(HttpResponseMessage response)
    {
        foreach (var name in TraceHeaders)
        {
            if (response.Headers.TryGetValues(name, out var values) && values.FirstOrDefault() is { Length: > 0 } value)
            {
                return $"{name}={value}";
            }
        }

        return null;
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Url} -> {Status} in {ElapsedMs:0} ms ({TraceId})")]
    private static partial void RequestDone(ILogger logger, string method, string url, int status, double elapsedMs, string traceId);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Method} {Url} cancelled after {ElapsedMs:0} ms")]
    private static partial void RequestCancelled(ILogger logger, string method, string url, double elapsedMs);

    [LoggerMessage(Level = LogLevel.Warning, Message = "{Method} {Url} failed after {ElapsedMs:0} ms")]
    private static partial void RequestFailed(ILogger logger, string method, string url, double elapsedMs, Exception exception);
}
