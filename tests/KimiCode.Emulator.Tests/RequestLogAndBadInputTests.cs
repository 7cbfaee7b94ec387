using System.Text;
using KimiCode.Emulator.Tests.TestSupport;
using static KimiCode.Emulator.Tests.TestSupport.EmulatorHarness;

namespace KimiCode.Emulator.Tests;

public sealed class RequestLogAndBadInputTests
{
    [Fact]
    public async Task RequestLog_RecordsMethodPathQueryHeadersBodyStatus_ExcludesControl()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var chat = UserChat("logged", stream: false);
        using (var response = await h.ChatAsync(chat))
        {
            Assert.Equal(200, (int)response.StatusCode);
        }

        using (var models = await h.GetAsync("/coding/v1/models?page=2", platform: "intruder"))
        {
            Assert.Equal(403, (int)models.StatusCode);
        }

        using (var stats = await h.Http.GetAsync("/_emulator/stats", Ct))
        {
            Assert.Equal(200, (int)stats.StatusCode);
        }

        var log = h.State.Requests;
        Assert.Equal(2, log.Count);
        Assert.Equal(("POST", "/coding/v1/chat/completions", 200), (log[0].Method, log[0].Path, log[0].StatusCode));
        Assert.Equal(chat, log[0].Body);
        Assert.Equal("Bearer " + ApiKey, log[0].Headers["Authorization"]);
        Assert.Equal("kimi_cli", log[0].Headers["x-msh-platform"]);
        Assert.Equal(h.Time.GetUtcNow(), log[0].Timestamp);
        Assert.Equal(("GET", "/coding/v1/models", "?page=2", 403), (log[1].Method, log[1].Path, log[1].Query, log[1].StatusCode));

        using (var remote = await h.Http.GetAsync("/_emulator/requests", Ct))
        {
            using var json = await ReadJsonAsync(remote);
            var requests = json.RootElement.GetProperty("requests");
            Assert.Equal(2, requests.GetArrayLength());
            Assert.Equal(403, requests[1].GetProperty("status_code").GetInt32());
        }

        using (var clear = await h.Http.DeleteAsync("/_emulator/requests", Ct))
        {
            Assert.Equal(200, (int)clear.StatusCode);
        }

        Assert.Empty(h.State.Requests);
    }

    [Fact]
    public async Task Token_UnknownGrantType_UnsupportedGrantType()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.PostFormAsync("/api/oauth/token", ("grant_type", "password"), ("client_id", ClientId));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("unsupported_grant_type", await OAuthErrorAsync(response));
    }

    [Fact]
    public async Task Token_MissingClientId_InvalidClient()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.PostFormAsync("/api/oauth/token", ("grant_type", "refresh_token"), ("refresh_token", "rt"));
        Assert.Equal(400, (int)response.StatusCode);
        Assert.Equal("invalid_client", await OAuthErrorAsync(response));
    }

    [Theory]
    [InlineData("application/x-www-form-urlencoded", "%%%&&&===garbage")]
    [InlineData("application/json", "{\"grant_type\":\"refresh_token\"}")]
    [InlineData("text/plain", "\u0001\u0002binary")]
    public async Task Token_GarbageOrNonFormBody_InvalidRequest(string contentType, string body)
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var content = new StringContent(body, Encoding.UTF8);
        content.Headers.ContentType = new System.Net.Http.Headers.MediaTypeHeaderValue(contentType);
        using var response = await h.Http.PostAsync("/api/oauth/token", content, Ct);
        Assert.Equal(400, (int)response.StatusCode);
        using var json = await ReadJsonAsync(response);
        Assert.Equal("invalid_request", json.RootElement.GetProperty("error").GetString());
        Assert.True(json.RootElement.TryGetProperty("error_description", out _));
    }

    [Fact]
    public async Task UnknownRoute_NotFoundJson()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.Http.GetAsync("/coding/v2/whatever", Ct);
        Assert.Equal(404, (int)response.StatusCode);
        Assert.Equal("application/json", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("not_found_error", await ErrorTypeAsync(response));
    }

    [Fact]
    public async Task ControlReset_ForgetsTokensAndCounters()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var tokens = h.State.IssueTokens();
        using (var refreshed = await h.RefreshAsync(tokens.RefreshToken))
        {
            Assert.Equal(200, (int)refreshed.StatusCode);
        }

        using (var reset = await h.Http.PostAsync("/_emulator/reset", null, Ct))
        {
            Assert.Equal(200, (int)reset.StatusCode);
        }

        Assert.Equal(0, h.State.RefreshCount);
        Assert.Empty(h.State.Requests);
        using var models = await h.GetAsync("/coding/v1/models", bearer: tokens.AccessToken);
        Assert.Equal(401, (int)models.StatusCode);
    }

    [Fact]
    public async Task ControlTokensAndApiKeys_IssuedCredentialsWork()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using (var keys = await h.Http.PostAsync("/_emulator/api_keys", new StringContent("""{"key":"sk-from-http"}"""), Ct))
        {
            Assert.Equal(200, (int)keys.StatusCode);
        }

        using (var models = await h.GetAsync("/v1/models", bearer: "sk-from-http", platform: null))
        {
            Assert.Equal(200, (int)models.StatusCode);
        }

        using var issued = await h.Http.PostAsync("/_emulator/tokens", new StringContent("""{"access_token_lifetime_seconds":30}"""), Ct);
        using var json = await ReadJsonAsync(issued);
        Assert.Equal(30, json.RootElement.GetProperty("expires_in").GetInt32());
        var access = json.RootElement.GetProperty("access_token").GetString();
        h.Time.Advance(TimeSpan.FromSeconds(31));
        using var expired = await h.GetAsync("/coding/v1/models", bearer: access);
        Assert.Equal(401, (int)expired.StatusCode);
    }

    [Fact]
    public async Task ControlPlatforms_Replaced_OldPlatformRefused()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using (var post = await h.Http.PostAsync("/_emulator/platforms", new StringContent("""{"platforms":["kimi_code_cli"]}"""), Ct))
        {
            Assert.Equal(200, (int)post.StatusCode);
        }

        using (var refused = await h.GetAsync("/coding/v1/models", platform: "kimi_cli"))
        {
            Assert.Equal(403, (int)refused.StatusCode);
        }

        using var admitted = await h.GetAsync("/coding/v1/models", platform: "kimi_code_cli");
        Assert.Equal(200, (int)admitted.StatusCode);
    }
}
