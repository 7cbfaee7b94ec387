namespace KimiCode.EndToEnd.Tests;

/// <summary><c>kimi mcp login</c>/<c>logout</c> through the real executable (the browser flow itself: KimiCode.Mcp.Tests).</summary>
public sealed class McpOAuthEndToEndTests
{
    [Fact]
    public async Task McpLogout_StoredTokens_FileRemovedAndSaidSo()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-mcp-oauth-e2e");
        string file = Path.Combine(home.Root, "credentials", "mcp", "remote.json");
        Directory.CreateDirectory(Path.GetDirectoryName(file)!);
        File.WriteAllText(file, """{"access_token":"secret-access","token_type":"Bearer"}""");

        var first = await home.RunAsync("mcp", "logout", "remote");
        var second = await home.RunAsync("mcp", "logout", "remote");

        Assert.True(first.ExitCode == 0, first.ToString());
        Assert.False(File.Exists(file));
        Assert.Contains("Logged out of remote", first.Stdout, StringComparison.Ordinal);
        Assert.DoesNotContain("secret-access", first.ToString(), StringComparison.Ordinal);
        Assert.True(second.ExitCode == 0, second.ToString());
        Assert.Contains("Not logged in to remote", second.Stdout, StringComparison.Ordinal);
    }

    [Fact]
    public async Task McpLogout_NameWithPathSeparators_UsageErrorAndNothingRemoved()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-mcp-oauth-e2e");
        string outside = Path.Combine(home.Root, "credentials", "keep.json");
        Directory.CreateDirectory(Path.GetDirectoryName(outside)!);
        File.WriteAllText(outside, "{}");

        var result = await home.RunAsync("mcp", "logout", "../keep");

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("[cli.usage]", result.Stderr, StringComparison.Ordinal);
        Assert.True(File.Exists(outside));
    }

    [Fact]
    public async Task McpLogin_StdioServer_UsageErrorSayingOnlyHttpServersLogIn()
    {
        await using var home = await TestHome.StartWithApiKeyAsync("sk-mcp-oauth-e2e");
        File.WriteAllText(Path.Combine(home.Root, "mcp.json"), TestMcpServer.File(("local", TestMcpServer.Entry())));

        var result = await home.RunAsync("mcp", "login", "local", "-w", home.Workspace());

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("\"local\" is a stdio server; only HTTP servers (url) log in with OAuth.", result.Stderr, StringComparison.Ordinal);
    }
}
