using System.Text.Json;
using KimiCode.Acp.Tests.Support;

namespace KimiCode.Acp.Tests;

public sealed class AuthGateTests
{
    [Theory]
    [InlineData(HomeKind.ApiKey)]
    [InlineData(HomeKind.EnvironmentKey)]
    [InlineData(HomeKind.OAuth)]
    public async Task NewSession_UsableCredential_SucceedsAndPromptReachesTheModel(HomeKind kind)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync(kind);

        string sessionId = await harness.NewSessionAsync();
        JsonElement result = await harness.PromptAsync(sessionId, "hello there");

        Assert.Equal("end_turn", result.Text("stopReason"));
        string answer = string.Concat(harness.Client.DrainUpdates().Where(u => u.Tag() == "agent_message_chunk").Select(u => u.GetProperty("content").Text("text")));
        Assert.Equal("Echo: hello there", answer);
    }

    [Theory]
    [InlineData("session/new")]
    [InlineData("session/load")]
    [InlineData("session/resume")]
    public async Task SessionMethods_EmptyHome_AuthRequiredWithAuthMethods(string method)
    {
        await using AcpHarness harness = await AcpHarness.StartAsync(HomeKind.Empty);
        await harness.InitializeAsync("""{"auth":{"terminal":true}}""");

        JsonElement error = await harness.Client.ErrorAsync(method,
            $$"""{"sessionId":"0198a3f0-0000-7000-8000-000000000000","cwd":{{Json.Str(harness.Workspace)}},"mcpServers":[]}""");

        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
        Assert.Contains("kimi login", error.Text("message"), StringComparison.Ordinal);
        string[] ids = [.. error.GetProperty("data").GetProperty("authMethods").EnumerateArray().Select(m => m.Text("id"))];
        Assert.Equal(["login", "kimi-api-key"], ids);
    }

    [Fact]
    public async Task Authenticate_ApiKeyInEnvironment_AdoptsItForNewSessions()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync(HomeKind.OAuth);

        // The OAuth login is gone, but the editor passes KIMI_API_KEY.
        File.Delete(Path.Combine(harness.Home, "credentials", "kimi-code.json"));
        harness.Environment["KIMI_API_KEY"] = AcpHarness.ApiKey;
        harness.Environment["KIMI_BASE_URL"] = harness.Emulator.CodingBaseUrl;
        await harness.InitializeAsync();
        JsonElement refused = await harness.Client.ErrorAsync("session/new", harness.NewSessionParams());

        JsonElement authenticated = await harness.Client.ResultAsync("authenticate", """{"methodId":"kimi-api-key"}""");
        JsonElement created = await harness.Client.ResultAsync("session/new", harness.NewSessionParams());
        JsonElement prompt = await harness.PromptAsync(created.Text("sessionId"), "with the key");

        Assert.Equal(-32000, refused.GetProperty("code").GetInt32());
        Assert.Empty(authenticated.EnumerateObject());
        Assert.Equal("end_turn", prompt.Text("stopReason"));
        Assert.Equal("env:kimi/kimi-for-coding", created.GetProperty("configOptions")[0].Text("currentValue"));
        var chat = harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal("Bearer " + AcpHarness.ApiKey, chat.Headers["authorization"]);
    }

    [Fact]
    public async Task Authenticate_ApiKeyMissing_AuthRequiredSayingWhatToDo()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync(HomeKind.Empty);
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync("authenticate", """{"methodId":"kimi-api-key"}""");

        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
        Assert.Contains("KIMI_API_KEY is not set", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_UnknownMethod_InvalidParams()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        await harness.InitializeAsync();

        JsonElement error = await harness.Client.ErrorAsync("authenticate", """{"methodId":"password"}""");

        Assert.Equal(-32602, error.GetProperty("code").GetInt32());
        Assert.Contains("kimi-api-key", error.Text("message"), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Authenticate_TerminalLoginAfterLoggingIn_Succeeds()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync(HomeKind.OAuth);
        await harness.InitializeAsync("""{"auth":{"terminal":true}}""");

        JsonElement result = await harness.Client.ResultAsync("authenticate", """{"methodId":"login"}""");

        Assert.Empty(result.EnumerateObject());
    }

    [Fact]
    public async Task Logout_OAuthHome_DeletesTheLoginAndManagedProviderSoNewSessionsNeedAuth()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync(HomeKind.OAuth);
        await harness.NewSessionAsync();

        await harness.Client.ResultAsync("logout", "{}");
        JsonElement error = await harness.Client.ErrorAsync("session/new", harness.NewSessionParams());

        Assert.False(File.Exists(Path.Combine(harness.Home, "credentials", "kimi-code.json")));
        // The same logout as `kimi logout`: the managed provider and its models go too, nothing points at a deleted login.
        string config = File.ReadAllText(Path.Combine(harness.Home, "config.toml"));
        Assert.DoesNotContain("managed:kimi-code", config, StringComparison.Ordinal);
        Assert.Equal(-32000, error.GetProperty("code").GetInt32());
    }

    [Fact]
    public async Task Prompt_ApiKeyHome_ModelCallsCarryIdentityAndCustomHeaders()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync(HomeKind.ApiKey);
        string sessionId = await harness.NewSessionAsync();

        await harness.PromptAsync(sessionId, "who am i");

        var chat = harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal));
        Assert.Equal(200, chat.StatusCode);
        Assert.Equal("kimi_cli", chat.Headers["x-msh-platform"]);
        Assert.Equal("from-config", chat.Headers["x-acp-test"]);
        Assert.False(string.IsNullOrEmpty(chat.Headers["x-msh-device-id"]));
        Assert.StartsWith("KimiCLI/", chat.Headers["user-agent"], StringComparison.Ordinal);
    }
}
