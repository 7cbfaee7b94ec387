using KimiCode.Emulator.Tests.TestSupport;
using static KimiCode.Emulator.Tests.TestSupport.EmulatorHarness;

namespace KimiCode.Emulator.Tests;

public sealed class RefreshAndAuthTests
{
    private const string AccessTerminated =
        "{\"error\":{\"message\":\"Kimi For Coding is currently only available for Coding Agents such as Kimi CLI, Claude Code, Roo Code, Kilo Code, etc.\",\"type\":\"access_terminated_error\"}}";

    [Fact]
    public async Task Refresh_RotatesPair_ReusedTokenRejectedAndCounted()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var first = h.State.IssueTokens();

        string newRefresh;
        string newAccess;
        using (var rotated = await h.RefreshAsync(first.RefreshToken))
        {
            Assert.Equal(200, (int)rotated.StatusCode);
            using var json = await ReadJsonAsync(rotated);
            newRefresh = json.RootElement.GetProperty("refresh_token").GetString()!;
            newAccess = json.RootElement.GetProperty("access_token").GetString()!;
        }

        Assert.NotEqual(first.RefreshToken, newRefresh);
        Assert.NotEqual(first.AccessToken, newAccess);
        Assert.Equal(1, h.State.RefreshCount);

        using (var reused = await h.RefreshAsync(first.RefreshToken))
        {
            Assert.Equal(401, (int)reused.StatusCode);
            Assert.Equal("invalid_grant", await OAuthErrorAsync(reused));
        }

        Assert.Equal(1, h.State.RefreshReuseCount);
        Assert.Equal(1, h.State.RefreshCount);

        using var next = await h.RefreshAsync(newRefresh);
        Assert.Equal(200, (int)next.StatusCode);
        Assert.Equal(2, h.State.RefreshCount);
    }

    [Fact]
    public async Task Refresh_TwoConcurrentWithSameToken_ExactlyOneWins()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var tokens = h.State.IssueTokens();

        var responses = await Task.WhenAll(h.RefreshAsync(tokens.RefreshToken), h.RefreshAsync(tokens.RefreshToken));
        try
        {
            Assert.Equal([200, 401], responses.Select(r => (int)r.StatusCode).Order());
            Assert.Equal(1, h.State.RefreshCount);
            Assert.Equal(1, h.State.RefreshReuseCount);
        }
        finally
        {
            foreach (var response in responses)
            {
                response.Dispose();
            }
        }
    }

    [Fact]
    public async Task Refresh_UnknownToken_InvalidGrantNotCountedAsReuse()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.RefreshAsync("rt-never-issued");
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(response));
        Assert.Equal(0, h.State.RefreshReuseCount);
    }

    [Fact]
    public async Task Refresh_AfterRefreshLifetime_InvalidGrant()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.RefreshTokenLifetime = TimeSpan.FromHours(1));
        var tokens = h.State.IssueTokens();
        h.Time.Advance(TimeSpan.FromHours(2));
        using var response = await h.RefreshAsync(tokens.RefreshToken);
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal(0, h.State.RefreshCount);
    }

    [Fact]
    public async Task CodingApi_ExpiredAccessToken_Unauthorized()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var tokens = h.State.IssueTokens(TimeSpan.FromSeconds(60));

        using (var fresh = await h.GetAsync("/coding/v1/models", bearer: tokens.AccessToken))
        {
            Assert.Equal(200, (int)fresh.StatusCode);
        }

        h.Time.Advance(TimeSpan.FromSeconds(61));
        using var expired = await h.GetAsync("/coding/v1/models", bearer: tokens.AccessToken);
        Assert.Equal(401, (int)expired.StatusCode);
        Assert.Equal("invalid_authentication_error", await ErrorTypeAsync(expired));
    }

    [Fact]
    public async Task CodingApi_MissingBearer_UnauthorizedBeforePlatformCheck()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.GetAsync("/coding/v1/models", bearer: null, platform: null);
        Assert.Equal(401, (int)response.StatusCode);
        Assert.Equal("invalid_authentication_error", await ErrorTypeAsync(response));
    }

    [Theory]
    [InlineData("kimi_code_cli")]
    [InlineData(null)]
    public async Task CodingApi_PlatformNotAllowed_ExactAccessTerminatedBody(string? platform)
    {
        await using var h = await EmulatorHarness.StartAsync();
        var tokens = h.State.IssueTokens();
        using var response = await h.ChatAsync(UserChat("hi"), bearer: tokens.AccessToken, platform: platform);
        Assert.Equal(403, (int)response.StatusCode);
        Assert.Equal(AccessTerminated, await response.Content.ReadAsStringAsync(Ct));
    }

    [Fact]
    public async Task CodingApi_PlatformAddedAtRuntime_Admitted()
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.SetAllowedPlatforms(["kimi_cli", "kimi_code_cli"]);
        var tokens = h.State.IssueTokens();
        using var response = await h.GetAsync("/coding/v1/models", bearer: tokens.AccessToken, platform: "kimi_code_cli");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Theory]
    [InlineData("/v1/models")]
    [InlineData("/coding/v1/models")]
    public async Task ApiKey_OnBothApis_Accepted(string path)
    {
        await using var h = await EmulatorHarness.StartAsync();
        h.State.AddApiKey("sk-added-later");
        using var response = await h.GetAsync(path, bearer: "sk-added-later");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task OpenPlatform_OAuthAccessToken_Unauthorized()
    {
        await using var h = await EmulatorHarness.StartAsync();
        var tokens = h.State.IssueTokens();
        using var response = await h.GetAsync("/v1/models", bearer: tokens.AccessToken, platform: null);
        Assert.Equal(401, (int)response.StatusCode);
    }

    [Fact]
    public async Task OpenPlatform_NoPlatformHeader_ChatAdmitted()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.ChatAsync(UserChat("hi", stream: false), platform: null, path: "/v1/chat/completions");
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public void IssuedTokens_ToString_HidesSecrets()
    {
        var tokens = new IssuedTokens("access-secret", "refresh-secret", 900);
        Assert.DoesNotContain("secret", tokens.ToString(), StringComparison.Ordinal);
    }
}
