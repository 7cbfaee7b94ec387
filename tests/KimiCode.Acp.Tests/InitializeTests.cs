using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

public sealed class InitializeTests
{
    [Fact]
    public async Task Initialize_VersionOne_EchoesVersionCapabilitiesAndAgentInfo()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement result = await harness.InitializeAsync();

        Assert.Equal(1, result.GetProperty("protocolVersion").GetInt32());
        JsonElement capabilities = result.GetProperty("agentCapabilities");
        Assert.True(capabilities.GetProperty("loadSession").GetBoolean());
        Assert.True(capabilities.GetProperty("promptCapabilities").GetProperty("image").GetBoolean());
        Assert.True(capabilities.GetProperty("promptCapabilities").GetProperty("embeddedContext").GetBoolean());
        Assert.False(capabilities.GetProperty("promptCapabilities").GetProperty("audio").GetBoolean());
        // MCP servers connect over stdio, streamable HTTP and legacy SSE (McpServersTests).
        Assert.True(capabilities.GetProperty("mcpCapabilities").GetProperty("http").GetBoolean());
        Assert.True(capabilities.GetProperty("mcpCapabilities").GetProperty("sse").GetBoolean());
        JsonElement sessions = capabilities.GetProperty("sessionCapabilities");
        foreach (string name in new[] { "list", "resume", "close", "fork", "delete" })
        {
            Assert.Equal(JsonValueKind.Object, sessions.GetProperty(name).ValueKind);
            Assert.Empty(sessions.GetProperty(name).EnumerateObject());
        }

        Assert.Equal(JsonValueKind.Object, capabilities.GetProperty("auth").GetProperty("logout").ValueKind);
        Assert.Equal("kimi", result.GetProperty("agentInfo").Text("name"));
        Assert.Equal("9.9.9-test", result.GetProperty("agentInfo").Text("version"));
    }

    [Fact]
    public async Task Initialize_NewerClientVersion_AnswersVersionOne()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement result = await harness.Client.ResultAsync("initialize", """{"protocolVersion":2,"clientCapabilities":{}}""");

        Assert.Equal(1, result.GetProperty("protocolVersion").GetInt32());
    }

    [Fact]
    public async Task Initialize_NoTerminalAuth_OffersOnlyTheApiKeyMethod()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement result = await harness.InitializeAsync();

        JsonElement method = Assert.Single(result.GetProperty("authMethods").EnumerateArray());
        Assert.Equal("kimi-api-key", method.Text("id"));
        Assert.Equal("Use KIMI_API_KEY", method.Text("name"));
        Assert.False(method.TryGetProperty("type", out _));
    }

    [Fact]
    public async Task Initialize_ClientSupportsTerminalAuth_OffersTerminalLoginFirst()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement result = await harness.InitializeAsync("""{"auth":{"terminal":true}}""");

        JsonElement[] methods = [.. result.GetProperty("authMethods").EnumerateArray()];
        Assert.Equal(2, methods.Length);
        Assert.Equal("login", methods[0].Text("id"));
        Assert.Equal("terminal", methods[0].Text("type"));
        Assert.Equal("Login with Kimi account", methods[0].Text("name"));
        Assert.Equal(["login"], methods[0].GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.False(methods[0].TryGetProperty("_meta", out _));
        Assert.Equal("kimi-api-key", methods[1].Text("id"));
    }

    [Fact]
    public async Task Initialize_LegacyTerminalAuthMeta_DescribesTheFullLoginCommand()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement result = await harness.InitializeAsync("""{"_meta":{"terminal-auth":true}}""");

        JsonElement login = result.GetProperty("authMethods").EnumerateArray().First();
        Assert.Equal("login", login.Text("id"));
        Assert.False(login.TryGetProperty("type", out _));
        JsonElement legacy = login.GetProperty("_meta").GetProperty("terminal-auth");
        Assert.Equal("/opt/kimi/kimi", legacy.Text("command"));
        Assert.Equal(["acp", "login"], legacy.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("Login with Kimi account", legacy.Text("label"));
    }

    [Theory]
    [InlineData("session/new")]
    [InlineData("session/prompt")]
    [InlineData("authenticate")]
    public async Task Request_BeforeInitialize_InvalidRequest(string method)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement error = await harness.Client.ErrorAsync(method, harness.NewSessionParams());

        Assert.Equal(-32600, error.GetProperty("code").GetInt32());
        Assert.Contains("initialize", error.Text("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("session/fork_all")]
    [InlineData("_kimi/secret")]
    [InlineData("session/set_model")]
    [InlineData("fs/read_text_file")]
    public async Task Request_UnknownMethod_MethodNotFound(string method)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync(method, "{}");

        Assert.Equal(-32601, error.GetProperty("code").GetInt32());
        Assert.Contains(method, error.Text("message"), StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("initialize", """{"clientCapabilities":{}}""", "protocolVersion")]
    [InlineData("initialize", """{"protocolVersion":"1"}""", "protocolVersion")]
    public async Task Initialize_BadParams_InvalidParams(string method, string parameters, string mentioned)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();

        JsonElement error = await harness.Client.ErrorAsync(method, parameters);

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains(mentioned, error.Text("message"), StringComparison.Ordinal);
    }
}
