using System.Text.Json;
using ModelContextProtocol.Protocol;

namespace KimiCode.Mcp.Tests;

/// <summary>OAuth of an HTTP server: login through a loopback redirect, the token file, refresh, PKCE, logout.</summary>
public sealed class McpOAuthTests
{
    private static readonly HttpClient Browser = new();

    [Fact]
    public async Task OAuth_Login_StoresOwnerOnlyTokenFileAndToolCallSucceeds()
    {
        var auth = new TestAuthorizationServer();
        await using var http = await TestHttpMcpServer.StartAsync(authorization: auth);
        using var folder = new TempFolder("kimi-mcp");
        await using var server = await ConnectAsync(http, folder.Path, Open);

        Assert.True(server.State == McpServerState.Ready, server.Reason);
        var result = await server.CallAsync("echo", McpFixtures.Args("""{"text": "authorized"}"""), TestContext.Current.CancellationToken);
        Assert.Equal("echo: authorized", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        var store = new McpTokenStore(Credentials(folder.Path), "remote");
        Assert.True(store.Exists);
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(store.FilePath));
        }

        var tokens = await store.GetTokensAsync(TestContext.Current.CancellationToken);
        Assert.True(auth.Accepts("Bearer " + tokens!.AccessToken));
        Assert.Equal(["authorization_code"], auth.Grants);
    }

    [Fact]
    public async Task OAuth_StrayRequestsToTheLoopbackFirst_LoginStillCompletes()
    {
        var auth = new TestAuthorizationServer();
        await using var http = await TestHttpMcpServer.StartAsync(authorization: auth);
        using var folder = new TempFolder("kimi-mcp");

        // Before the redirect: a favicon request, and a connection that closes without a request line.
        await using var server = await ConnectAsync(http, folder.Path, async uri =>
        {
            var callback = new Uri(System.Web.HttpUtility.ParseQueryString(uri.Query)["redirect_uri"]!);
            using (var favicon = await Browser.GetAsync(new Uri(callback, "/favicon.ico"), TestContext.Current.CancellationToken))
            {
                Assert.Equal(System.Net.HttpStatusCode.NotFound, favicon.StatusCode);
            }

            using (var silent = new System.Net.Sockets.TcpClient())
            {
                await silent.ConnectAsync(callback.Host, callback.Port, TestContext.Current.CancellationToken);
            }

            await Open(uri);
        });

        Assert.True(server.State == McpServerState.Ready, server.Reason);
        Assert.Equal(["authorization_code"], auth.Grants);
    }

    [Fact]
    public async Task OAuth_StoredTokenExpired_RefreshedWithoutBrowserAndCallSucceeds()
    {
        var auth = new TestAuthorizationServer();
        auth.KnowRefreshToken("refresh-old");
        await using var http = await TestHttpMcpServer.StartAsync(authorization: auth);
        using var folder = new TempFolder("kimi-mcp");
        Directory.CreateDirectory(Credentials(folder.Path));
        File.WriteAllText(Path.Combine(Credentials(folder.Path), "remote.json"), JsonSerializer.Serialize(new Dictionary<string, object>
        {
            ["access_token"] = "stale",
            ["refresh_token"] = "refresh-old",
            ["token_type"] = "Bearer",
            ["expires_in"] = 60,
            ["obtained_at"] = DateTimeOffset.UtcNow.AddHours(-2),
            ["client_id"] = "client-1",
            ["token_endpoint_auth_method"] = "none",
            ["authorization_server"] = http.BaseUrl,
            ["resource"] = http.BaseUrl + "/mcp",
        }));

        await using var server = await ConnectAsync(http, folder.Path, openBrowser: null);

        Assert.True(server.State == McpServerState.Ready, server.Reason);
        var result = await server.CallAsync("echo", McpFixtures.Args("""{"text": "refreshed"}"""), TestContext.Current.CancellationToken);
        Assert.Equal("echo: refreshed", Assert.IsType<TextContentBlock>(Assert.Single(result.Content)).Text);
        Assert.Equal(["refresh_token"], auth.Grants);
        var tokens = await new McpTokenStore(Credentials(folder.Path), "remote").GetTokensAsync(TestContext.Current.CancellationToken);
        Assert.NotEqual("stale", tokens!.AccessToken);
        Assert.True(auth.Accepts("Bearer " + tokens.AccessToken));
    }

    [Fact]
    public async Task OAuth_TokenFileOfAnotherUrl_NotSentToThisServer()
    {
        using var folder = new TempFolder("kimi-mcp");
        string url = await LogInAsync(folder.Path);
        var original = await new McpTokenStore(Credentials(folder.Path), "remote", new Uri(url)).GetTokensAsync(TestContext.Current.CancellationToken);

        // The same name now points elsewhere (a project's mcp.json, say): the stored login belongs to the old URL.
        var elsewhere = await new McpTokenStore(Credentials(folder.Path), "remote", new Uri("http://127.0.0.1:9/other")).GetTokensAsync(TestContext.Current.CancellationToken);

        Assert.NotNull(original);
        Assert.Null(elsewhere);
    }

    [Fact]
    public async Task OAuth_WrongPkceVerifier_RefusedAndNothingStored()
    {
        var auth = new TestAuthorizationServer();
        await using var http = await TestHttpMcpServer.StartAsync(authorization: auth);
        using var folder = new TempFolder("kimi-mcp");

        // An attacker's challenge replaces ours on the way to the authorization server: our verifier no longer matches.
        await using var server = await ConnectAsync(http, folder.Path, uri => Open(new Uri(System.Text.RegularExpressions.Regex.Replace(
            uri.AbsoluteUri, "code_challenge=[^&]+", "code_challenge=E9Melhoa2OwvFrEMTJguCHaoeK1t8URWbuGJSstw-cM"))));

        Assert.True(server.State == McpServerState.Failed, server.Reason);
        Assert.Equal(auth.Grants.Count, auth.Refused);
        Assert.Contains("invalid_grant", server.Reason, StringComparison.Ordinal);
        Assert.False(new McpTokenStore(Credentials(folder.Path), "remote").Exists);
    }

    [Fact]
    public async Task OAuth_NotLoggedInWithoutBrowser_FailedSayingRunLogin()
    {
        var auth = new TestAuthorizationServer();
        await using var http = await TestHttpMcpServer.StartAsync(authorization: auth);
        using var folder = new TempFolder("kimi-mcp");

        await using var server = await ConnectAsync(http, folder.Path, openBrowser: null);

        Assert.Equal(McpServerState.Failed, server.State);
        Assert.Equal("needs login: run `kimi mcp login remote`", server.Reason);
        Assert.Empty(auth.Grants);
    }

    [Fact]
    public async Task OAuth_Logout_RemovesTheTokenFile()
    {
        using var folder = new TempFolder("kimi-mcp");
        await LogInAsync(folder.Path);
        var store = new McpTokenStore(Credentials(folder.Path), "remote");
        Assert.True(store.Exists);

        Assert.True(store.Delete());

        Assert.False(File.Exists(store.FilePath));
        Assert.False(store.Delete());
    }

    private static Task Open(Uri uri)
    {
        // Like a browser: the page loads on its own; the login waits for the redirect, not for this call.
        _ = Browser.GetAsync(uri);
        return Task.CompletedTask;
    }

    /// <summary>A login through the browser flow; returns the server's URL (the server is gone afterwards).</summary>
    private static async Task<string> LogInAsync(string home)
    {
        await using var http = await TestHttpMcpServer.StartAsync(authorization: new TestAuthorizationServer());
        await using var server = await ConnectAsync(http, home, Open);
        Assert.True(server.State == McpServerState.Ready, server.Reason);
        return http.BaseUrl + "/mcp";
    }

    private static string Credentials(string home) => McpOAuthContext.DirectoryUnder(home);

    private static async Task<McpServerConnection> ConnectAsync(TestHttpMcpServer http, string home, Func<Uri, Task>? openBrowser)
    {
        var config = new McpServerConfig { Name = "remote", Transport = McpTransport.Http, Url = new Uri(http.BaseUrl + "/mcp") };
        var context = McpFixtures.Context(home) with { OAuth = new McpOAuthContext { CredentialsDirectory = Credentials(home), OpenBrowser = openBrowser } };
        var server = new McpServerConnection(config, context);
        await server.StartAsync().WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);
        return server;
    }
}
