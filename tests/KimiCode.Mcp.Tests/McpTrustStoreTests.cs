namespace KimiCode.Mcp.Tests;

public sealed class McpTrustStoreTests
{
    [Fact]
    public void Trust_SameFolderAndCommandLine_RememberedAcrossInstances_ChangedCommandAsksAgain()
    {
        using var home = new TempFolder("kimi-mcp");
        var work = home.Folder("repo");
        var server = new McpServerConfig { Name = "tool", Transport = McpTransport.Stdio, Command = "node", Args = ["server.js"], Origin = McpServerOrigin.Project };

        new McpTrustStore(home.Path).Trust(work, server);
        var store = new McpTrustStore(home.Path);

        Assert.True(store.IsTrusted(work, server));
        Assert.False(store.IsTrusted(work, server with { Args = ["evil.js"] }));
        Assert.False(store.IsTrusted(home.Folder("other"), server));
    }
}
