using ModelContextProtocol.Protocol;

namespace KimiCode.Mcp.Tests;

/// <summary>Streamable HTTP and legacy SSE against the official SDK's ASP.NET Core server, in process.</summary>
public sealed class McpHttpTests
{
    [Theory]
    [InlineData(McpTransport.Http, "/mcp")]
    [InlineData(McpTransport.Sse, "/mcp/sse")]
    public async Task Http_ToolListedAndCalledWithHeadersAndBearerToken(McpTransport transport, string path)
    {
        await using var http = await TestHttpMcpServer.StartAsync(requiredToken: "tok-123");
        using var folder = new TempFolder("kimi-mcp");
        var config = new McpServerConfig
        {
            Name = "remote",
            Transport = transport,
            Url = new Uri(http.BaseUrl + path),
            Headers = [new("X-Test", "from-headers")],
            BearerTokenEnvVar = "REMOTE_TOKEN",
        };
        var context = McpFixtures.Context(folder.Path) with { GetVariable = name => name == "REMOTE_TOKEN" ? "tok-123" : null };
        await using var server = new McpServerConnection(config, context);
        await server.StartAsync().WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.True(server.State == McpServerState.Ready, server.Reason);
        var result = await server.CallAsync("echo", McpFixtures.Args("""{"text": "over http"}"""), TestContext.Current.CancellationToken);

        Assert.Equal("echo: over http", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Contains("from-headers", http.TestHeaders);
    }

    [Fact]
    public async Task Http_WrongToken_FailedWithTheHttpStatus()
    {
        await using var http = await TestHttpMcpServer.StartAsync(requiredToken: "right");
        using var folder = new TempFolder("kimi-mcp");
        var config = new McpServerConfig { Name = "remote", Transport = McpTransport.Http, Url = new Uri(http.BaseUrl + "/mcp"), Headers = [new("Authorization", "Bearer wrong")] };
        await using var server = await McpFixtures.ConnectAsync(config, folder.Path);

        Assert.Equal(McpServerState.Failed, server.State);
        Assert.Contains("401", server.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_BearerVariableUnset_FailedNamingTheVariable()
    {
        using var folder = new TempFolder("kimi-mcp");
        var config = new McpServerConfig { Name = "remote", Transport = McpTransport.Http, Url = new Uri("http://127.0.0.1:9/mcp"), BearerTokenEnvVar = "NOT_SET_ANYWHERE_42" };
        await using var server = new McpServerConnection(config, McpFixtures.Context(folder.Path) with { GetVariable = _ => null });
        await server.StartAsync().WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.Equal(McpServerState.Failed, server.State);
        Assert.Contains("bearerTokenEnvVar names NOT_SET_ANYWHERE_42, which is not set", server.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Http_NothingListening_FailedQuickly()
    {
        using var folder = new TempFolder("kimi-mcp");
        var config = new McpServerConfig { Name = "gone", Transport = McpTransport.Http, Url = new Uri("http://127.0.0.1:9/mcp") };
        await using var server = await McpFixtures.ConnectAsync(config, folder.Path);

        Assert.Equal(McpServerState.Failed, server.State);
        Assert.NotNull(server.Reason);
    }
}
