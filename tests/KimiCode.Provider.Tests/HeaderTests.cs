using KimiCode.Provider.Tests.Fakes;

namespace KimiCode.Provider.Tests;

public sealed class HeaderTests
{
    private static readonly string Answer = new SseBuilder().Content("ok").Finish("stop").Done().Build();

    [Fact]
    public async Task Headers_AllLayers_LaterLayerReplacesEarlierAndSendsOneValue()
    {
        using var h = new Harness(o =>
        {
            o.EnvironmentHeaders = [new("X-Msh-Platform", "from-env"), new("X-Env-Only", "env")];
            o.IdentityHeaders = [new("X-Msh-Platform", "kimi_code_cli"), new("X-Msh-Version", "0.1.0"), new("X-Msh-Device-Id", "dev-1")];
            o.CustomHeaders = [new("x-msh-platform", "kimi_cli"), new("Authorization", "Bearer not-this-one")];
        });
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync();

        RecordedRequest request = Assert.Single(h.Handler.Requests);
        Assert.Equal(["kimi_cli"], request.HeaderValues("X-Msh-Platform"));
        Assert.Equal("0.1.0", request.Header("X-Msh-Version"));
        Assert.Equal("dev-1", request.Header("X-Msh-Device-Id"));
        Assert.Equal("env", request.Header("X-Env-Only"));
        Assert.Equal("kimi-code-cli/0.1.0", request.Header("User-Agent"));
        Assert.Equal(["Bearer secret-token"], request.HeaderValues("Authorization"));
        Assert.Equal("application/json", request.Header("Content-Type"));
    }

    [Fact]
    public async Task Headers_EnvironmentBelowIdentity_IdentityWins()
    {
        using var h = new Harness(o => o.EnvironmentHeaders = [new("X-Msh-Platform", "from-env")]);
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync();

        Assert.Equal(["kimi_code_cli"], Assert.Single(h.Handler.Requests).HeaderValues("X-Msh-Platform"));
    }

    [Fact]
    public async Task Headers_CustomUserAgent_ReplacesIdentityUserAgent()
    {
        using var h = new Harness(o => o.CustomHeaders = [new("user-agent", "KimiCLI/1.0")]);
        h.Handler.EnqueueSse(Answer);

        await h.StreamAsync();

        Assert.Equal(["KimiCLI/1.0"], Assert.Single(h.Handler.Requests).HeaderValues("User-Agent"));
    }

    [Fact]
    public async Task ListModelsAsync_SendsSameHeaders()
    {
        using var h = new Harness(o => o.CustomHeaders = [new("X-Msh-Platform", "kimi_cli")]);
        h.Handler.EnqueueJson(200, """{"data":[]}""");

        await h.Client.ListModelsAsync(TestContext.Current.CancellationToken);

        RecordedRequest request = Assert.Single(h.Handler.Requests);
        Assert.Equal(HttpMethod.Get, request.Method);
        Assert.Equal("https://api.test/coding/v1/models", request.Uri.ToString());
        Assert.Equal(["kimi_cli"], request.HeaderValues("X-Msh-Platform"));
        Assert.Equal("Bearer secret-token", request.Header("Authorization"));
    }
}
