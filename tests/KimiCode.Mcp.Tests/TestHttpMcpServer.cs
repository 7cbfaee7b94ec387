using System.Collections.Concurrent;
using KimiCode.McpTestServer;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KimiCode.Mcp.Tests;

/// <summary>
/// The test server's tools over HTTP, in process, with the official SDK's ASP.NET Core server: streamable HTTP at
/// <c>/mcp</c>, legacy SSE at <c>/mcp/sse</c>, on 127.0.0.1 and a free port. With a required token, a request without
/// <c>Authorization: Bearer &lt;token&gt;</c> gets 401. Every request's <c>X-Test</c> header is recorded.
/// </summary>
internal sealed class TestHttpMcpServer : IAsyncDisposable
{
    private readonly WebApplication _app;
    private readonly ConcurrentQueue<string> _testHeaders;

    private TestHttpMcpServer(WebApplication app, ConcurrentQueue<string> testHeaders)
    {
        _app = app;
        _testHeaders = testHeaders;
    }

    public string BaseUrl => _app.Urls.First();

    public IReadOnlyList<string> TestHeaders => [.. _testHeaders];

    public static async Task<TestHttpMcpServer> StartAsync(string? requiredToken = null, TestAuthorizationServer? authorization = null)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls("http://127.0.0.1:0");
        builder.Logging.ClearProviders();
        var options = TestTools.ServerOptions();
        builder.Services.AddMcpServer(o =>
        {
            o.ServerInfo = options.ServerInfo;
            o.ToolCollection = options.ToolCollection;
#pragma warning disable MCP9004 // legacy SSE is what the sse transport test needs
        }).WithHttpTransport(o =>
        {
            o.Stateless = false;
            o.EnableLegacySse = true;
        });
#pragma warning restore MCP9004
        var app = builder.Build();
        var seen = new ConcurrentQueue<string>();
        app.Use(async (context, next) =>
        {
            if (context.Request.Headers.TryGetValue("X-Test", out var value))
            {
                seen.Enqueue(value.ToString());
            }

            if (authorization is not null && context.Request.Path.StartsWithSegments("/mcp") && !authorization.Accepts(context.Request.Headers.Authorization.ToString()))
            {
                authorization.Challenge(context);
                return;
            }

            if (requiredToken is not null && context.Request.Headers.Authorization.ToString() != "Bearer " + requiredToken)
            {
                context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                return;
            }

            await next(context);
        });
        authorization?.Map(app);
        app.MapMcp("/mcp");
        await app.StartAsync();
        return new TestHttpMcpServer(app, seen);
    }

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
