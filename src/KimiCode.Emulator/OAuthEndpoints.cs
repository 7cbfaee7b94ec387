using System.Net;
using System.Text;
using Microsoft.AspNetCore.Http;

namespace KimiCode.Emulator;

/// <summary>The OAuth host: device authorization (RFC 8628), token polling, refresh rotation and the browser page.</summary>
internal sealed class OAuthEndpoints(EmulatorState state, Func<string> baseUrl)
{
    public const string ClientId = "17e5f671-d194-4dfb-9706-5516cb48c098";
    private const string DeviceGrantType = "urn:ietf:params:oauth:grant-type:device_code";

    public async Task DeviceAuthorizationAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        var form = HttpResults.ReadForm(context, body);
        if (form is null)
        {
            await OAuthErrorAsync(context, 400, "invalid_request", "Send an application/x-www-form-urlencoded body with client_id.", cancellationToken);
            return;
        }

        if (!form.TryGetValue("client_id", out var clientId) || clientId != ClientId)
        {
            await OAuthErrorAsync(context, 400, "invalid_client", "Unknown or missing client_id.", cancellationToken);
            return;
        }

        var grant = state.CreateDeviceCode();
        var verificationUri = baseUrl() + "/device";
        var json = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("user_code", grant.UserCode);
            w.WriteString("device_code", grant.DeviceCode);
            w.WriteString("verification_uri", verificationUri);
            w.WriteString("verification_uri_complete", verificationUri + "?user_code=" + Uri.EscapeDataString(grant.UserCode));
            w.WriteNumber("expires_in", grant.ExpiresIn);
            w.WriteNumber("interval", grant.Interval);
            w.WriteEndObject();
        });
        await HttpResults.WriteJsonAsync(context, 200, json, cancellationToken);
    }

    public async Task TokenAsync(HttpContext context, string body, CancellationToken cancellationToken)
    {
        var form = HttpResults.ReadForm(context, body);
        if (form is null || !form.TryGetValue("grant_type", out var grantType) || string.IsNullOrEmpty(grantType))
        {
            await OAuthErrorAsync(context, 400, "invalid_request", "Send an application/x-www-form-urlencoded body with grant_type and client_id.", cancellationToken);
            return;
        }

        if (!form.TryGetValue("client_id", out var clientId) || clientId != ClientId)
        {
            await OAuthErrorAsync(context, 400, "invalid_client", "Unknown or missing client_id.", cancellationToken);
            return;
        }

        switch (grantType)
        {
            case DeviceGrantType:
                await PollAsync(context, form, cancellationToken);
                break;
            case "refresh_token":
                await RefreshAsync(context, form, cancellationToken);
                break;
            default:
                await OAuthErrorAsync(context, 400, "unsupported_grant_type", "grant_type must be the device_code grant or refresh_token.", cancellationToken);
                break;
        }
    }

    public async Task DevicePageAsync(HttpContext context, CancellationToken cancellationToken)
    {
        var highlighted = context.Request.Query["user_code"].ToString();
        var html = new StringBuilder();
        html.Append("<!doctype html><html><head><meta charset=\"utf-8\"><title>Kimi emulator: device login</title></head><body>");
        html.Append("<h1>Kimi emulator: device login</h1>");
        var pending = state.PendingUserCodes();
        if (pending.Count == 0)
        {
            html.Append("<p>No device code is waiting for approval.</p>");
        }

        foreach (var code in pending)
        {
            var encoded = WebUtility.HtmlEncode(code);
            var mark = string.Equals(code, highlighted, StringComparison.OrdinalIgnoreCase) ? " (this device)" : "";
            html.Append("<div class=\"code\"><p>Code <strong>").Append(encoded).Append("</strong>").Append(mark).Append("</p>");
            html.Append("<form method=\"post\" action=\"/device/approve\"><input type=\"hidden\" name=\"user_code\" value=\"").Append(encoded).Append("\"><button type=\"submit\">Approve</button></form>");
            html.Append("<form method=\"post\" action=\"/device/deny\"><input type=\"hidden\" name=\"user_code\" value=\"").Append(encoded).Append("\"><button type=\"submit\">Deny</button></form></div>");
        }

        html.Append("</body></html>");
        await HttpResults.WriteTextAsync(context, 200, "text/html; charset=utf-8", html.ToString(), cancellationToken);
    }

    public async Task DeviceDecisionAsync(HttpContext context, string body, bool approve, CancellationToken cancellationToken)
    {
        var form = HttpResults.ReadForm(context, body);
        var userCode = form is not null && form.TryGetValue("user_code", out var code) ? code : "";
        var done = userCode.Length > 0 && (approve ? state.Approve(userCode) : state.Deny(userCode));
        var message = done
            ? $"Code {WebUtility.HtmlEncode(userCode)} {(approve ? "approved" : "denied")}. You can return to your terminal."
            : "No pending device code matches. Start the login again.";
        await HttpResults.WriteTextAsync(
            context,
            done ? 200 : 404,
            "text/html; charset=utf-8",
            "<!doctype html><html><head><meta charset=\"utf-8\"><title>Kimi emulator</title></head><body><p>" + message + "</p></body></html>",
            cancellationToken);
    }

    private async Task PollAsync(HttpContext context, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (!form.TryGetValue("device_code", out var deviceCode) || string.IsNullOrEmpty(deviceCode))
        {
            await OAuthErrorAsync(context, 400, "invalid_request", "device_code is required.", cancellationToken);
            return;
        }

        var result = state.PollDeviceCode(deviceCode);
        switch (result.Outcome)
        {
            case DevicePollOutcome.Success:
                await TokensAsync(context, result.Tokens!, cancellationToken);
                break;
            case DevicePollOutcome.AuthorizationPending:
                await OAuthErrorAsync(context, 400, "authorization_pending", "The user has not approved the code yet; keep polling.", cancellationToken);
                break;
            case DevicePollOutcome.SlowDown:
                await OAuthErrorAsync(context, 400, "slow_down", "Polling too fast; add 5 seconds to the interval.", cancellationToken);
                break;
            case DevicePollOutcome.ExpiredToken:
                await OAuthErrorAsync(context, 400, "expired_token", "The device code expired; start the login again.", cancellationToken);
                break;
            case DevicePollOutcome.AccessDenied:
                await OAuthErrorAsync(context, 400, "access_denied", "The user denied the authorization request.", cancellationToken);
                break;
            default:
                await OAuthErrorAsync(context, 400, "invalid_grant", "The device code is unknown or was already used.", cancellationToken);
                break;
        }
    }

    private async Task RefreshAsync(HttpContext context, Dictionary<string, string> form, CancellationToken cancellationToken)
    {
        if (!form.TryGetValue("refresh_token", out var refreshToken) || string.IsNullOrEmpty(refreshToken))
        {
            await OAuthErrorAsync(context, 400, "invalid_request", "refresh_token is required.", cancellationToken);
            return;
        }

        var tokens = state.Refresh(refreshToken);
        if (tokens is null)
        {
            await OAuthErrorAsync(context, 401, "invalid_grant", "The refresh token is invalid, expired or already used; log in again.", cancellationToken);
            return;
        }

        await TokensAsync(context, tokens, cancellationToken);
    }

    private static Task TokensAsync(HttpContext context, IssuedTokens tokens, CancellationToken cancellationToken)
    {
        var json = JsonText.Write(w =>
        {
            w.WriteStartObject();
            w.WriteString("access_token", tokens.AccessToken);
            w.WriteString("refresh_token", tokens.RefreshToken);
            w.WriteNumber("expires_in", tokens.ExpiresIn);
            w.WriteString("scope", "kimi-code");
            w.WriteString("token_type", "Bearer");
            w.WriteEndObject();
        });
        return HttpResults.WriteJsonAsync(context, 200, json, cancellationToken);
    }

    private static Task OAuthErrorAsync(HttpContext context, int status, string error, string description, CancellationToken cancellationToken) =>
        HttpResults.WriteJsonAsync(context, status, JsonText.OAuthError(error, description), cancellationToken);
}
