using System.Net.Http.Headers;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Emulator.Tests.TestSupport;

/// <summary>A started emulator plus an HttpClient pointed at it; one per test.</summary>
internal sealed class EmulatorHarness : IAsyncDisposable
{
    public const string ClientId = "17e5f671-d194-4dfb-9706-5516cb48c098";
    public const string DeviceGrant = "urn:ietf:params:oauth:grant-type:device_code";
    public const string ApiKey = "sk-test-key";

    private EmulatorHarness(KimiEmulator emulator, FakeTimeProvider time)
    {
        Emulator = emulator;
        Time = time;
        Http = new HttpClient { BaseAddress = new Uri(emulator.BaseUrl), Timeout = TestTimeouts.Default };
    }

    public KimiEmulator Emulator { get; }

    public EmulatorState State => Emulator.State;

    public FakeTimeProvider Time { get; }

    public HttpClient Http { get; }

    public static async Task<EmulatorHarness> StartAsync(Action<EmulatorOptions>? configure = null)
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 1, 1, 0, 0, 0, TimeSpan.Zero));
        var options = new EmulatorOptions { TimeProvider = time };
        options.ApiKeys.Add(ApiKey);
        configure?.Invoke(options);
        var emulator = await KimiEmulator.StartAsync(options, TestContext.Current.CancellationToken);
        return new EmulatorHarness(emulator, time);
    }

    public static CancellationToken Ct => TestContext.Current.CancellationToken;

    public Task<HttpResponseMessage> PostFormAsync(string path, params (string Key, string Value)[] fields) =>
        Http.PostAsync(path, new FormUrlEncodedContent(fields.Select(f => new KeyValuePair<string, string>(f.Key, f.Value))), Ct);

    public async Task<JsonDocument> DeviceAuthorizeAsync()
    {
        using var response = await PostFormAsync("/api/oauth/device_authorization", ("client_id", ClientId));
        Assert.Equal(200, (int)response.StatusCode);
        return await ReadJsonAsync(response);
    }

    public Task<HttpResponseMessage> PollAsync(string deviceCode) =>
        PostFormAsync("/api/oauth/token", ("grant_type", DeviceGrant), ("device_code", deviceCode), ("client_id", ClientId));

    public Task<HttpResponseMessage> RefreshAsync(string refreshToken) =>
        PostFormAsync("/api/oauth/token", ("grant_type", "refresh_token"), ("refresh_token", refreshToken), ("client_id", ClientId));

    /// <summary>Sends a chat request to the coding API (or /v1) with the given bearer and platform header.</summary>
    public Task<HttpResponseMessage> ChatAsync(string json, string? bearer = ApiKey, string? platform = "kimi_cli", string path = "/coding/v1/chat/completions")
    {
        var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = new StringContent(json, Encoding.UTF8, "application/json") };
        AddIdentity(request, bearer, platform);
        return Http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, Ct);
    }

    public Task<HttpResponseMessage> GetAsync(string path, string? bearer = ApiKey, string? platform = "kimi_cli")
    {
        var request = new HttpRequestMessage(HttpMethod.Get, path);
        AddIdentity(request, bearer, platform);
        return Http.SendAsync(request, Ct);
    }

    public static async Task<JsonDocument> ReadJsonAsync(HttpResponseMessage response) =>
        JsonDocument.Parse(await response.Content.ReadAsStringAsync(Ct));

    public static async Task<string> ErrorTypeAsync(HttpResponseMessage response)
    {
        using var json = await ReadJsonAsync(response);
        return json.RootElement.GetProperty("error").GetProperty("type").GetString()!;
    }

    public static async Task<string> OAuthErrorAsync(HttpResponseMessage response)
    {
        using var json = await ReadJsonAsync(response);
        return json.RootElement.GetProperty("error").GetString()!;
    }

    /// <summary>A one-message chat request; built with JsonNode so the tests need no reflection-based serialization.</summary>
    public static string UserChat(string text, bool stream = true, bool includeUsage = true) =>
        new JsonObject
        {
            ["model"] = "kimi-for-coding",
            ["stream"] = stream,
            ["stream_options"] = new JsonObject { ["include_usage"] = includeUsage },
            ["messages"] = new JsonArray(new JsonObject { ["role"] = "user", ["content"] = text }),
        }.ToJsonString();

    public async ValueTask DisposeAsync()
    {
        Http.Dispose();
        await Emulator.DisposeAsync();
    }

    private static void AddIdentity(HttpRequestMessage request, string? bearer, string? platform)
    {
        if (bearer is not null)
        {
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", bearer);
        }

        if (platform is not null)
        {
            request.Headers.Add("X-Msh-Platform", platform);
        }
    }
}
