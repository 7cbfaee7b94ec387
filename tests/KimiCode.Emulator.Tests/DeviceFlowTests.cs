using System.Buffers.Text;
using System.Text;
using System.Text.Json;
using KimiCode.Emulator.Tests.TestSupport;
using static KimiCode.Emulator.Tests.TestSupport.EmulatorHarness;

namespace KimiCode.Emulator.Tests;

public sealed class DeviceFlowTests
{
    [Fact]
    public async Task DeviceFlow_PendingThenApproved_IssuesTokensOnceAndConsumesCode()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var auth = await h.DeviceAuthorizeAsync();
        var root = auth.RootElement;
        var deviceCode = root.GetProperty("device_code").GetString()!;
        var userCode = root.GetProperty("user_code").GetString()!;
        Assert.Matches("^[A-Z]{4}-[0-9]{4}$", userCode);
        Assert.Equal(h.Emulator.BaseUrl + "/device", root.GetProperty("verification_uri").GetString());
        Assert.Equal(h.Emulator.BaseUrl + "/device?user_code=" + userCode, root.GetProperty("verification_uri_complete").GetString());
        Assert.Equal(900, root.GetProperty("expires_in").GetInt32());
        Assert.Equal(5, root.GetProperty("interval").GetInt32());

        using (var pending = await h.PollAsync(deviceCode))
        {
            Assert.Equal(400, (int)pending.StatusCode);
            Assert.Equal("authorization_pending", await OAuthErrorAsync(pending));
        }

        Assert.True(h.State.Approve(userCode));
        h.Time.Advance(TimeSpan.FromSeconds(5));
        using (var success = await h.PollAsync(deviceCode))
        {
            Assert.Equal(200, (int)success.StatusCode);
            using var tokens = await ReadJsonAsync(success);
            var t = tokens.RootElement;
            Assert.Equal("kimi-code", t.GetProperty("scope").GetString());
            Assert.Equal("Bearer", t.GetProperty("token_type").GetString());
            Assert.Equal(900, t.GetProperty("expires_in").GetInt32());
            Assert.False(string.IsNullOrEmpty(t.GetProperty("refresh_token").GetString()));

            // JWT-shaped: the payload carries exp = now + lifetime, per the injected clock.
            var parts = t.GetProperty("access_token").GetString()!.Split('.');
            Assert.Equal(3, parts.Length);
            using var payload = JsonDocument.Parse(Encoding.UTF8.GetString(Base64Url.DecodeFromChars(parts[1])));
            Assert.Equal(h.Time.GetUtcNow().ToUnixTimeSeconds() + 900, payload.RootElement.GetProperty("exp").GetInt64());
            Assert.Equal("kimi-code", payload.RootElement.GetProperty("scope").GetString());

            using var models = await h.GetAsync("/coding/v1/models", bearer: t.GetProperty("access_token").GetString());
            Assert.Equal(200, (int)models.StatusCode);
        }

        h.Time.Advance(TimeSpan.FromSeconds(5));
        using var again = await h.PollAsync(deviceCode);
        Assert.Equal(400, (int)again.StatusCode);
        Assert.Equal("invalid_grant", await OAuthErrorAsync(again));
    }

    [Fact]
    public async Task DevicePoll_FasterThanInterval_SlowDownAndIntervalGrowsByFive()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var auth = await h.DeviceAuthorizeAsync();
        var deviceCode = auth.RootElement.GetProperty("device_code").GetString()!;

        using (var first = await h.PollAsync(deviceCode))
        {
            Assert.Equal("authorization_pending", await OAuthErrorAsync(first));
        }

        h.Time.Advance(TimeSpan.FromSeconds(2));
        using (var tooSoon = await h.PollAsync(deviceCode))
        {
            Assert.Equal(400, (int)tooSoon.StatusCode);
            Assert.Equal("slow_down", await OAuthErrorAsync(tooSoon));
        }

        // The interval is now 10 s: 5 s later is still too soon, 10 s later is fine.
        h.Time.Advance(TimeSpan.FromSeconds(5));
        using (var stillTooSoon = await h.PollAsync(deviceCode))
        {
            Assert.Equal("slow_down", await OAuthErrorAsync(stillTooSoon));
        }

        h.Time.Advance(TimeSpan.FromSeconds(15));
        using var ok = await h.PollAsync(deviceCode);
        Assert.Equal("authorization_pending", await OAuthErrorAsync(ok));
    }

    [Fact]
    public async Task DevicePoll_AfterLifetime_ExpiredToken()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.DeviceCodeLifetime = TimeSpan.FromSeconds(60));
        using var auth = await h.DeviceAuthorizeAsync();
        var deviceCode = auth.RootElement.GetProperty("device_code").GetString()!;
        Assert.True(h.State.Approve(auth.RootElement.GetProperty("user_code").GetString()!));

        h.Time.Advance(TimeSpan.FromSeconds(61));
        using var expired = await h.PollAsync(deviceCode);
        Assert.Equal(400, (int)expired.StatusCode);
        Assert.Equal("expired_token", await OAuthErrorAsync(expired));
    }

    [Fact]
    public async Task DevicePoll_Denied_AccessDenied()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var auth = await h.DeviceAuthorizeAsync();
        Assert.True(h.State.Deny(auth.RootElement.GetProperty("user_code").GetString()!));

        using var denied = await h.PollAsync(auth.RootElement.GetProperty("device_code").GetString()!);
        Assert.Equal(400, (int)denied.StatusCode);
        Assert.Equal("access_denied", await OAuthErrorAsync(denied));
    }

    [Fact]
    public async Task DevicePoll_AutoApprove_FirstPollSucceeds()
    {
        await using var h = await EmulatorHarness.StartAsync(o => o.AutoApprove = true);
        using var auth = await h.DeviceAuthorizeAsync();

        using var response = await h.PollAsync(auth.RootElement.GetProperty("device_code").GetString()!);
        Assert.Equal(200, (int)response.StatusCode);
        using var tokens = await ReadJsonAsync(response);
        Assert.StartsWith("eyJ", tokens.RootElement.GetProperty("access_token").GetString(), StringComparison.Ordinal);
    }

    [Fact]
    public async Task DevicePage_ApproveForm_ApprovesPendingCode()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var auth = await h.DeviceAuthorizeAsync();
        var userCode = auth.RootElement.GetProperty("user_code").GetString()!;

        var page = await h.Http.GetStringAsync("/device?user_code=" + userCode, Ct);
        Assert.Contains(userCode, page, StringComparison.Ordinal);
        Assert.Contains("action=\"/device/approve\"", page, StringComparison.Ordinal);

        using var approve = await h.PostFormAsync("/device/approve", ("user_code", userCode));
        Assert.Equal(200, (int)approve.StatusCode);
        using var response = await h.PollAsync(auth.RootElement.GetProperty("device_code").GetString()!);
        Assert.Equal(200, (int)response.StatusCode);
    }

    [Fact]
    public async Task DevicePage_DenyForm_PollGetsAccessDenied()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var auth = await h.DeviceAuthorizeAsync();

        using (var deny = await h.PostFormAsync("/device/deny", ("user_code", auth.RootElement.GetProperty("user_code").GetString()!)))
        {
            Assert.Equal(200, (int)deny.StatusCode);
        }

        using (var unknown = await h.PostFormAsync("/device/approve", ("user_code", "ZZZZ-0000")))
        {
            Assert.Equal(404, (int)unknown.StatusCode);
        }

        using var response = await h.PollAsync(auth.RootElement.GetProperty("device_code").GetString()!);
        Assert.Equal("access_denied", await OAuthErrorAsync(response));
        Assert.Empty(h.State.PendingUserCodes());
    }

    [Fact]
    public async Task DeviceAuthorization_WrongClientId_InvalidClient()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var response = await h.PostFormAsync("/api/oauth/device_authorization", ("client_id", "someone-else"));
        Assert.Equal(400, (int)response.StatusCode);
        using var json = await ReadJsonAsync(response);
        Assert.Equal("invalid_client", json.RootElement.GetProperty("error").GetString());
        Assert.False(string.IsNullOrEmpty(json.RootElement.GetProperty("error_description").GetString()));
    }

    [Fact]
    public async Task ControlApprove_WithoutUserCode_ApprovesLatestPending()
    {
        await using var h = await EmulatorHarness.StartAsync();
        using var auth = await h.DeviceAuthorizeAsync();

        using var approve = await h.Http.PostAsync("/_emulator/approve", null, Ct);
        Assert.Equal(200, (int)approve.StatusCode);
        using var json = await ReadJsonAsync(approve);
        Assert.Equal(auth.RootElement.GetProperty("user_code").GetString(), json.RootElement.GetProperty("user_code").GetString());

        using var response = await h.PollAsync(auth.RootElement.GetProperty("device_code").GetString()!);
        Assert.Equal(200, (int)response.StatusCode);
    }
}
