using System.Collections.Concurrent;
using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.WebUtilities;

namespace KimiCode.Mcp.Tests;

/// <summary>
/// A tiny OAuth authorization server living next to the test MCP server: protected resource metadata, authorization
/// server metadata, dynamic client registration, an /authorize that redirects straight back with a code, and a /token
/// that checks the PKCE verifier (S256) and refreshes. Only access tokens it issued (and did not expire) open /mcp.
/// </summary>
internal sealed class TestAuthorizationServer
{
    private readonly ConcurrentDictionary<string, (string Challenge, string RedirectUri)> _codes = new();
    private readonly ConcurrentDictionary<string, bool> _accessTokens = new();
    private readonly ConcurrentDictionary<string, bool> _refreshTokens = new();
    private readonly ConcurrentQueue<string> _grants = new();
    private int _counter;

    /// <summary>The grant types /token served, in order.</summary>
    public IReadOnlyList<string> Grants => [.. _grants];

    /// <summary>How many token exchanges were refused.</summary>
    public int Refused;

    public bool Accepts(string authorization)
        => authorization.StartsWith("Bearer ", StringComparison.Ordinal) && _accessTokens.ContainsKey(authorization["Bearer ".Length..]);

    /// <summary>Makes a refresh token known (as if issued earlier), for a stored login whose access token expired.</summary>
    public void KnowRefreshToken(string token) => _refreshTokens[token] = true;

    public void Challenge(HttpContext context)
    {
        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
        context.Response.Headers.WWWAuthenticate = $"Bearer resource_metadata=\"{Base(context)}/.well-known/oauth-protected-resource/mcp\"";
    }

    public void Map(WebApplication app)
    {
        app.MapGet("/.well-known/oauth-protected-resource/mcp", (HttpContext c) => Results.Text(
            $$"""{"resource":"{{Base(c)}}/mcp","authorization_servers":["{{Base(c)}}"]}""", "application/json"));
        app.MapGet("/.well-known/oauth-authorization-server", (HttpContext c) => Results.Text(
            $$"""
            {"issuer":"{{Base(c)}}","authorization_endpoint":"{{Base(c)}}/authorize","token_endpoint":"{{Base(c)}}/token",
             "registration_endpoint":"{{Base(c)}}/register","response_types_supported":["code"],
             "grant_types_supported":["authorization_code","refresh_token"],"code_challenge_methods_supported":["S256"],
             "token_endpoint_auth_methods_supported":["none"]}
            """, "application/json"));
        app.MapPost("/register", () => Results.Text(
            """{"client_id":"client-1","token_endpoint_auth_method":"none","redirect_uris":[],"grant_types":["authorization_code","refresh_token"],"response_types":["code"]}""",
            "application/json", statusCode: 201));
        app.MapGet("/authorize", (HttpContext c) =>
        {
            var q = c.Request.Query;
            string code = "code-" + Interlocked.Increment(ref _counter);
            _codes[code] = (q["code_challenge"].ToString(), q["redirect_uri"].ToString());
            return Results.Redirect(QueryHelpers.AddQueryString(q["redirect_uri"].ToString(), new Dictionary<string, string?> { ["code"] = code, ["state"] = q["state"].ToString() }));
        });
        app.MapPost("/token", async (HttpContext c) =>
        {
            var form = await c.Request.ReadFormAsync();
            string grant = form["grant_type"].ToString();
            _grants.Enqueue(grant);
            bool ok = grant switch
            {
                "authorization_code" => _codes.TryRemove(form["code"].ToString(), out var issued)
                    && issued.RedirectUri == form["redirect_uri"].ToString()
                    && issued.Challenge == S256(form["code_verifier"].ToString()),
                "refresh_token" => _refreshTokens.TryRemove(form["refresh_token"].ToString(), out _),
                _ => false,
            };
            if (!ok)
            {
                Interlocked.Increment(ref Refused);
                return Results.Text("""{"error":"invalid_grant"}""", "application/json", statusCode: 400);
            }

            int n = Interlocked.Increment(ref _counter);
            _accessTokens[$"access-{n}"] = true;
            _refreshTokens[$"refresh-{n}"] = true;
            return Results.Text($$"""{"access_token":"access-{{n}}","token_type":"Bearer","expires_in":3600,"refresh_token":"refresh-{{n}}"}""", "application/json");
        });
    }

    private static string S256(string verifier)
        => Convert.ToBase64String(SHA256.HashData(Encoding.ASCII.GetBytes(verifier))).TrimEnd('=').Replace('+', '-').Replace('/', '_');

    private static string Base(HttpContext c) => $"{c.Request.Scheme}://{c.Request.Host}";
}
