using System.Text.Json;
using KimiCode.Emulator;

namespace KimiCode.Provider.Tests.Emulator;

/// <summary>What reaches the server, read back from the emulator's request log (header names are lower-case there).</summary>
public sealed class HeaderPrecedenceTests
{
    [Fact]
    public async Task CustomPlatformHeader_BeatsIdentityHeader_AndIsAdmitted()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        // The identity says kimi_code_cli, which this emulator refuses (403); custom_headers say kimi_cli.
        KimiChatClient client = session.Client(o =>
        {
            o.IdentityHeaders = [new("X-Msh-Platform", "kimi_code_cli"), new("X-Msh-Version", "0.1.0")];
            o.CustomHeaders = [new("x-msh-platform", "kimi_cli")];
        });

        StreamOutcome outcome = (await session.StreamAsync(client)).ExpectSuccess();

        Assert.Equal("Echo: hi", outcome.Text);
        RecordedRequest request = Assert.Single(session.ChatRequests);
        Assert.Equal(200, request.StatusCode);
        Assert.Equal("kimi_cli", request.Headers["x-msh-platform"]); // exactly one value, not "kimi_code_cli, kimi_cli"
        Assert.Equal("0.1.0", request.Headers["x-msh-version"]);
    }

    [Fact]
    public async Task HeaderLayers_EnvironmentIdentityCustomAuthorization_LaterLayerWinsInTheLog()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o =>
        {
            o.EnvironmentHeaders =
            [
                new("X-Layer-Env", "env"), new("X-Layer-Identity", "env"), new("X-Layer-Custom", "env"),
                new("Authorization", "Bearer from-env"), new("X-Msh-Platform", "env_platform"),
            ];
            o.IdentityHeaders = [new("X-Layer-Identity", "identity"), new("X-Layer-Custom", "identity"), new("X-Msh-Platform", "kimi_code_cli")];
            o.UserAgent = "kimi-code-cli/0.1.0";
            o.CustomHeaders =
            [
                new("X-Layer-Custom", "custom"), new("X-Msh-Platform", "kimi_cli"), new("User-Agent", "my-agent/2.0"),
                new("Authorization", "Bearer from-custom"),
            ];
        });

        (await session.StreamAsync(client)).ExpectSuccess();

        IReadOnlyDictionary<string, string> headers = Assert.Single(session.ChatRequests).Headers;
        Assert.Equal("env", headers["x-layer-env"]);
        Assert.Equal("identity", headers["x-layer-identity"]);
        Assert.Equal("custom", headers["x-layer-custom"]);
        Assert.Equal("kimi_cli", headers["x-msh-platform"]);
        Assert.Equal("my-agent/2.0", headers["user-agent"]);
        Assert.Equal("Bearer " + EmulatorSession.ApiKey, headers["authorization"]);
    }

    [Fact]
    public async Task IdentityHeaders_KimiKind_SentOnChatAndModelRequests()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client();

        (await session.StreamAsync(client)).ExpectSuccess();
        await client.ListModelsAsync(session.Ct);

        Assert.Equal(2, session.State.Requests.Count);
        Assert.All(session.State.Requests, r =>
        {
            Assert.Equal("kimi_cli", r.Headers["x-msh-platform"]);
            Assert.Equal("kimi-code-cli/0.1.0", r.Headers["user-agent"]);
        });
    }

    [Fact]
    public async Task OpenAiKind_OpenPlatformWithApiKey_SendsNoKimiHeadersOrExtensions()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o =>
        {
            o.Kind = ProviderKind.OpenAI;
            o.BaseUrl = new Uri(session.Emulator.OpenPlatformBaseUrl);
            o.Thinking = true; // must not be sent for an OpenAI-kind provider
            o.CustomHeaders = [new("X-Custom", "still-sent")];
        });

        StreamOutcome outcome = (await session.StreamAsync(client, options: new() { ConversationId = "session-1" })).ExpectSuccess();

        Assert.Equal("Echo: hi", outcome.Text);
        RecordedRequest request = Assert.Single(session.ChatRequests);
        Assert.Equal(("/v1/chat/completions", 200), (request.Path, request.StatusCode));
        Assert.DoesNotContain(request.Headers.Keys, name => name.StartsWith("x-msh-", StringComparison.OrdinalIgnoreCase));
        Assert.NotEqual("kimi-code-cli/0.1.0", request.Headers.GetValueOrDefault("user-agent"));
        Assert.Equal("still-sent", request.Headers["x-custom"]);
        Assert.Equal("Bearer " + EmulatorSession.ApiKey, request.Headers["authorization"]);
        using JsonDocument body = JsonDocument.Parse(request.Body);
        Assert.False(body.RootElement.TryGetProperty("thinking", out _));
        Assert.False(body.RootElement.TryGetProperty("prompt_cache_key", out _));
    }

    [Fact]
    public async Task KimiKind_ThinkingAndConversationId_SentAsKimiExtensions()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();
        KimiChatClient client = session.Client(o => o.Thinking = true);

        (await session.StreamAsync(client, options: new() { ConversationId = "session-1" })).ExpectSuccess();

        using JsonDocument body = JsonDocument.Parse(Assert.Single(session.ChatRequests).Body);
        Assert.Equal("enabled", body.RootElement.GetProperty("thinking").GetProperty("type").GetString());
        Assert.Equal("session-1", body.RootElement.GetProperty("prompt_cache_key").GetString());
    }
}
