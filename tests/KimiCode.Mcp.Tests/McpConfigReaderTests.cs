using KimiCode.Config;
using KimiCode.Config.Toml;

namespace KimiCode.Mcp.Tests;

public sealed class McpConfigReaderTests
{
    [Fact]
    public void ReadFile_EveryOfficialField_IsRead()
    {
        const string json = """
            {
              "mcpServers": {
                "fs": {"command": "npx", "args": ["-y", "server"], "env": {"A": "1"}, "cwd": "sub", "enabled": false,
                       "startupTimeoutMs": 1234, "toolTimeoutMs": 5678, "enabledTools": ["read"], "disabledTools": ["write"], "futureField": 1},
                "linear": {"url": "https://mcp.linear.app/mcp", "headers": {"X-Team": "t"}, "bearerTokenEnvVar": "LINEAR_TOKEN"},
                "legacy": {"transport": "sse", "url": "http://127.0.0.1:9/sse"}
              }
            }
            """;

        var list = McpConfigReader.ReadFile(json, "mcp.json", McpServerOrigin.User);

        Assert.Empty(list.Problems);
        var fs = list.Servers[0];
        Assert.Equal(("fs", McpTransport.Stdio, "npx"), (fs.Name, fs.Transport, fs.Command));
        Assert.Equal(["-y", "server"], fs.Args);
        Assert.Equal(new KeyValuePair<string, string>("A", "1"), Assert.Single(fs.Env));
        Assert.Equal(("sub", false, 1234, 5678), (fs.Cwd, fs.Enabled, fs.StartupTimeoutMs, fs.ToolTimeoutMs));
        Assert.True(fs.OffersTool("read"));
        Assert.False(fs.OffersTool("write"));
        Assert.False(fs.OffersTool("other"));
        var linear = list.Servers[1];
        Assert.Equal((McpTransport.Http, "LINEAR_TOKEN"), (linear.Transport, linear.BearerTokenEnvVar));
        Assert.Equal("https://mcp.linear.app/mcp", linear.Url!.ToString());
        Assert.Equal(McpTransport.Sse, list.Servers[2].Transport);
    }

    [Theory]
    [InlineData("""{"command": 5}""", "server \"bad\": \"command\" must be a string")]
    [InlineData("""{"command": "x", "args": "a b"}""", "server \"bad\": \"args\" must be an array of strings")]
    [InlineData("""{"command": "x", "env": {"A": 1}}""", "server \"bad\": \"env\" must be an object of string values")]
    [InlineData("""{"url": "ftp://host/x"}""", "server \"bad\": \"url\" must be an absolute http(s) URL")]
    [InlineData("""{"url": "http://h/x", "transport": "websocket"}""", "server \"bad\": \"transport\" must be \"http\" or \"sse\"")]
    [InlineData("""{"command": "x", "startupTimeoutMs": 0}""", "server \"bad\": \"startupTimeoutMs\" must be a whole number of milliseconds from 1 to 2147483647")]
    [InlineData("""{"command": "x", "toolTimeoutMs": 1.5}""", "server \"bad\": \"toolTimeoutMs\" must be a whole number")]
    [InlineData("""{"command": "x", "enabled": "yes"}""", "server \"bad\": \"enabled\" must be true or false")]
    [InlineData("""{"args": []}""", "server \"bad\": needs \"command\" (a stdio server) or \"url\"")]
    public void ReadFile_MalformedEntry_OneLineNamingServerAndFieldAndTheOthersLoad(string entry, string expected)
    {
        var json = "{\"mcpServers\": {\"good\": {\"command\": \"ok\"}, \"bad\": " + entry + "}}";

        var list = McpConfigReader.ReadFile(json, "/home/u/.kimi-code/mcp.json", McpServerOrigin.User);

        Assert.Equal("good", Assert.Single(list.Servers).Name);
        var problem = Assert.Single(list.Problems);
        Assert.StartsWith("/home/u/.kimi-code/mcp.json: ", problem, StringComparison.Ordinal);
        Assert.Contains(expected, problem, StringComparison.Ordinal);
        Assert.EndsWith("(the server is skipped)", problem, StringComparison.Ordinal);
        Assert.DoesNotContain('\n', problem);
    }

    [Fact]
    public void ReadFile_NotJson_OneProblemAndNoServers()
    {
        var list = McpConfigReader.ReadFile("{\"mcpServers\": ", "mcp.json", McpServerOrigin.User);

        Assert.Empty(list.Servers);
        Assert.StartsWith("mcp.json: not valid JSON", Assert.Single(list.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void ReadFile_ServerNameWithSpace_Skipped()
    {
        var list = McpConfigReader.ReadFile("""{"mcpServers": {"my server": {"command": "x"}}}""", "mcp.json", McpServerOrigin.User);

        Assert.Empty(list.Servers);
        Assert.Contains("may use only letters, digits", Assert.Single(list.Problems), StringComparison.Ordinal);
    }

    [Fact]
    public void Load_SameNameInProjectAndUser_ProjectWins()
    {
        using var home = new TempFolder("kimi-mcp");
        var work = home.Folder("work");
        File.WriteAllText(McpConfigFiles.UserFile(home.Path), """{"mcpServers": {"shared": {"command": "user-cmd"}, "mine": {"command": "m"}}}""");
        Directory.CreateDirectory(Path.Combine(work, ".kimi-code"));
        File.WriteAllText(McpConfigFiles.ProjectFile(work), """{"mcpServers": {"shared": {"url": "http://127.0.0.1:1/mcp"}}}""");

        var list = McpConfigFiles.Load(home.Path, work);

        Assert.Equal(["shared", "mine"], list.Servers.Select(s => s.Name));
        Assert.Equal((McpTransport.Http, McpServerOrigin.Project), (list.Servers[0].Transport, list.Servers[0].Origin));
        Assert.Equal(McpServerOrigin.User, list.Servers[1].Origin);
    }

    [Fact]
    public void Timeouts_ServerFieldBeatsEnvironmentBeatsTomlBeatsDefault()
    {
        var toml = new TomlTable { ["mcp"] = new TomlTable { ["startup_timeout_ms"] = 1111L, ["tool_timeout_ms"] = 2222L } };
        var config = KimiConfig.FromToml(toml);
        var server = new McpServerConfig { Name = "s", Transport = McpTransport.Stdio, Command = "x", ToolTimeoutMs = 9 };

        var fromToml = McpTimeouts.Resolve(config, _ => null);
        var fromEnv = McpTimeouts.Resolve(config, name => name == "KIMI_MCP_STARTUP_TIMEOUT_MS" ? "3333" : name == "KIMI_MCP_TOOL_TIMEOUT_MS" ? "not-a-number" : null);
        var defaults = McpTimeouts.Resolve(KimiConfig.FromToml(new TomlTable()), _ => null);

        Assert.Equal(new McpTimeouts(1111, 2222), fromToml);
        Assert.Equal(new McpTimeouts(3333, 2222), fromEnv);
        Assert.Equal(McpTimeouts.Default, defaults);
        Assert.Equal(TimeSpan.FromMilliseconds(9), fromEnv.ToolFor(server));
        Assert.Equal(TimeSpan.FromMilliseconds(3333), fromEnv.StartupFor(server));
    }

    [Fact]
    public void ReadEditorServers_StdioHttpSseAndAcp_MappedAndAcpIgnored()
    {
        using var document = System.Text.Json.JsonDocument.Parse("""
            [
              {"name": "a", "command": "/bin/a", "args": ["1"], "env": [{"name": "K", "value": "V"}]},
              {"type": "http", "name": "b", "url": "http://127.0.0.1:1/mcp", "headers": [{"name": "H", "value": "v"}]},
              {"type": "sse", "name": "c", "url": "http://127.0.0.1:1/sse", "headers": []},
              {"type": "acp", "name": "d", "id": "x"}
            ]
            """);

        var servers = McpConfigReader.ReadEditorServers([.. document.RootElement.EnumerateArray()], allowRemote: true, out var ignored);

        Assert.Equal([McpTransport.Stdio, McpTransport.Http, McpTransport.Sse], servers.Select(s => s.Transport));
        Assert.All(servers, s => Assert.Equal(McpServerOrigin.Editor, s.Origin));
        Assert.Equal(new KeyValuePair<string, string>("K", "V"), Assert.Single(servers[0].Env));
        Assert.Equal(new KeyValuePair<string, string>("H", "v"), Assert.Single(servers[1].Headers));
        Assert.Equal(["d"], ignored);
    }

    [Theory]
    [InlineData("""[{"command": "x", "args": [], "env": []}]""", "mcpServers[0]: \"name\" is required")]
    [InlineData("""[{"name": "a", "command": "x", "args": [1], "env": []}]""", "mcpServers[0]: \"args\" must be an array of strings")]
    [InlineData("""[{"name": "a", "command": "x", "env": {"K": "V"}}]""", "mcpServers[0]: \"env\" must be an array of {\"name\": string, \"value\": string}")]
    [InlineData("""[{"type": "http", "name": "a"}]""", "mcpServers[0]: \"url\" is required for an http server")]
    [InlineData("""[{"name": "a", "command": "x"}, {"name": "a", "command": "y"}]""", "mcpServers[1]: two servers are named \"a\"")]
    public void ReadEditorServers_Malformed_ThrowsOneLine(string json, string expected)
    {
        using var document = System.Text.Json.JsonDocument.Parse(json);

        var error = Assert.Throws<McpConfigException>(() => McpConfigReader.ReadEditorServers([.. document.RootElement.EnumerateArray()], allowRemote: true, out _));

        Assert.StartsWith(expected, error.Message, StringComparison.Ordinal);
    }
}
