using System.Text.Json;

namespace KimiCode.EndToEnd.Tests.Web;

/// <summary>WebSearch and FetchURL in the real <c>kimi -p</c> against the emulator's web services and a local page server.</summary>
public sealed class WebToolsEndToEndTests
{
    private const string Key = "sk-web-tools";

    private static List<JsonElement> Chats(TestHome home)
        => [.. home.Emulator.State.Requests.Where(r => r.Path == "/coding/v1/chat/completions").Select(r => JsonDocument.Parse(r.Body).RootElement)];

    /// <summary>The tool results the model got in the last chat request, in order.</summary>
    private static string[] ToolResults(TestHome home)
        => [.. Chats(home)[^1].GetProperty("messages").EnumerateArray()
            .Where(m => m.GetProperty("role").GetString() == "tool")
            .Select(m => m.GetProperty("content").GetString() ?? "")];

    private static string[] Offered(TestHome home)
        => [.. Chats(home)[0].GetProperty("tools").EnumerateArray().Select(t => t.GetProperty("function").GetProperty("name").GetString() ?? "")];

    private static string Tool(string name, string json) => $"\ntool: {name} {json}";

    /// <summary>A home logged in with OAuth, with the web services as the official login writes them.</summary>
    private static async Task<(TestHome Home, string AccessToken)> LoggedInAsync()
    {
        var home = await TestHome.StartAsync();
        var tokens = home.LogInDirectly();
        File.WriteAllText(home.ConfigPath, OfficialConfig.AfterOAuthLogin(home.Emulator.CodingBaseUrl, TestHome.Slot, home.Emulator.BaseUrl));
        return (home, tokens.AccessToken);
    }

    [Fact]
    public async Task Print_ModelIssuedWebSearch_ResultsReachTheNextModelRequest()
    {
        var (home, accessToken) = await LoggedInAsync();
        await using var _ = home;

        var result = await home.RunAsync("-p", "look it up" + Tool("WebSearch", "{\"query\":\"kimi emulator search\",\"limit\":2}"), "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("WebSearch", Offered(home));
        var toolResult = Assert.Single(ToolResults(home));
        Assert.StartsWith("Search results for \"kimi emulator search\" (2):", toolResult, StringComparison.Ordinal);
        Assert.Contains("URL: https://docs.example.com/result-2", toolResult, StringComparison.Ordinal);
        var search = Assert.Single(home.Emulator.State.Requests, r => r.Path == "/coding/v1/search");
        Assert.Equal(200, search.StatusCode);
        Assert.Equal("Bearer " + accessToken, search.Headers["authorization"]);
        Assert.Equal("kimi_cli", search.Headers["x-msh-platform"]);
        var callId = Chats(home)[^1].GetProperty("messages").EnumerateArray().Single(m => m.GetProperty("role").GetString() == "tool").GetProperty("tool_call_id").GetString();
        Assert.Equal(callId, search.Headers["x-msh-tool-call-id"]);
        Assert.DoesNotContain(accessToken, result.Stdout + result.Stderr, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_ModelIssuedFetchUrl_ServicePageReachesTheNextModelRequest()
    {
        var (home, _) = await LoggedInAsync();
        await using var __ = home;
        home.Emulator.State.SetPage("https://docs.example.com/start", "# Start here\n\nThe zebra-quartz setting turns it on.");

        var result = await home.RunAsync("-p", "read it" + Tool("FetchURL", "{\"url\":\"https://docs.example.com/start\"}"), "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("URL: https://docs.example.com/start\n\n# Start here\n\nThe zebra-quartz setting turns it on.", Assert.Single(ToolResults(home)));
        var fetch = Assert.Single(home.Emulator.State.Requests, r => r.Path == "/coding/v1/fetch");
        Assert.Equal("text/markdown", fetch.Headers["accept"]);
    }

    [Fact]
    public async Task Print_FetchUrlWithoutService_DirectFetchOfAllowedLoopbackPage_ArticleTextWithoutFurniture()
    {
        await using var server = new LocalWebServer();
        server.ServeHtml("/blog/post", SamplePages.NewsArticle);
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => """

            [[permission.rules]]
            decision = "allow"
            pattern = "FetchURL(domain:127.0.0.1)"
            """);

        var result = await home.RunAsync("-p", "read the post" + Tool("FetchURL", $"{{\"url\":\"{server.BaseUrl}/blog/post\"}}"), "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("WebSearch", Offered(home)); // no search service configured: not offered
        var page = Assert.Single(ToolResults(home));
        Assert.Contains(SamplePages.ArticleSentence, page, StringComparison.Ordinal);
        Assert.Contains("Title: Release notes", page, StringComparison.Ordinal);
        foreach (var furniture in SamplePages.FurnitureMarkers)
        {
            Assert.DoesNotContain(furniture, page, StringComparison.Ordinal);
        }

        Assert.Equal(["/blog/post"], server.Requested);
    }

    [Fact]
    public async Task Print_FetchUrlOfLoopbackAndMetadataAddresses_RefusedWithoutAnyRequest()
    {
        await using var server = new LocalWebServer();
        server.ServeHtml("/secret", "<p>intranet secret</p>");
        var (home, _) = await LoggedInAsync();
        await using var __ = home;
        var prompt = "fetch these"
            + Tool("FetchURL", $"{{\"url\":\"{server.BaseUrl}/secret\"}}")
            + Tool("FetchURL", "{\"url\":\"http://169.254.169.254/latest/meta-data/\"}")
            + Tool("FetchURL", $"{{\"url\":\"http://0x7f000001:{server.Port}/secret\"}}");

        var result = await home.RunAsync("-p", prompt, "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Empty(server.Requested);
        Assert.DoesNotContain(home.Emulator.State.Requests, r => r.Path == "/coding/v1/fetch"); // internal URLs are not sent to the service either
        var results = ToolResults(home);
        Assert.Equal(3, results.Length);
        Assert.All(results, r => Assert.Contains("reaches the user's own network", r, StringComparison.Ordinal));
        Assert.All(results, r => Assert.Contains("--yolo does not lift this", r, StringComparison.Ordinal));
        Assert.Contains("169.254.169.254 is the cloud metadata service", results[1], StringComparison.Ordinal);
        Assert.DoesNotContain("intranet secret", string.Join('\n', results), StringComparison.Ordinal);
        Assert.Equal(3, result.StderrLines.Count(l => l.Contains("FetchURL", StringComparison.Ordinal) && l.Contains("needs approval", StringComparison.Ordinal)));
    }

    [Fact]
    public async Task Print_AllowedPageRedirectsToMetadataOrLocalhost_RedirectNotFollowed()
    {
        await using var server = new LocalWebServer();
        server.Redirect("/hop-metadata", "http://169.254.169.254/latest/meta-data/iam/");
        server.Redirect("/hop-localhost", $"http://localhost:{server.Port}/secret");
        server.ServeHtml("/secret", "<p>intranet secret</p>");
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => $"""

            [[permission.rules]]
            decision = "allow"
            pattern = "FetchURL(http://127.0.0.1:{server.Port}/hop-*)"
            """);
        var prompt = "follow"
            + Tool("FetchURL", $"{{\"url\":\"{server.BaseUrl}/hop-metadata\"}}")
            + Tool("FetchURL", $"{{\"url\":\"{server.BaseUrl}/hop-localhost\"}}");

        var result = await home.RunAsync("-p", prompt, "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        var results = ToolResults(home);
        Assert.Equal(2, results.Length);
        Assert.Contains("redirected to http://169.254.169.254/latest/meta-data/iam/", results[0], StringComparison.Ordinal);
        Assert.Contains($"redirected to http://localhost:{server.Port}/secret", results[1], StringComparison.Ordinal);
        Assert.All(results, r => Assert.Contains("not followed", r, StringComparison.Ordinal));
        Assert.Equal(["/hop-metadata", "/hop-localhost"], server.Requested.Order(StringComparer.Ordinal).Reverse());
    }

    [Fact]
    public async Task Print_SearchServiceFails_ToolErrorSaysWhatHappened()
    {
        var (home, _) = await LoggedInAsync();
        await using var __ = home;
        home.Emulator.State.InjectFault(new Emulator.EmulatorFault { Target = "search", Status = 429 });

        var result = await home.RunAsync("-p", "search" + Tool("WebSearch", "{\"query\":\"anything\"}"), "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        var error = Assert.Single(ToolResults(home));
        Assert.Contains("The search service is rate-limiting requests (HTTP 429)", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_ToolsDisabledFetchUrl_NeitherWebToolOfferedWithoutSearchService()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => "[tools]\ndisabled = [\"FetchURL\"]\n");

        var result = await home.RunAsync("-p", "hi", "-w", home.Workspace());

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.DoesNotContain("FetchURL", Offered(home));
        Assert.DoesNotContain("WebSearch", Offered(home));
        Assert.Contains("Read", Offered(home));
    }

    [Fact]
    public async Task Print_BadWebSearchBaseUrlVariable_OneLineConfigInvalid()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        home.Environment["KIMI_WEB_SEARCH_BASE_URL"] = "search.example";

        var result = await home.RunAsync("-p", "hi", "-w", home.Workspace());

        Assert.NotEqual(0, result.ExitCode);
        var line = Assert.Single(result.StderrLines);
        Assert.Contains("KIMI_WEB_SEARCH_BASE_URL=\"search.example\" is not an absolute http(s) URL; fix or unset it", line, StringComparison.Ordinal);
        Assert.Contains("[config.invalid]", line, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_WebServiceKeysAndHeaders_UsedForTheServiceButNeverReachToolsOrOutput()
    {
        const string fileKey = "sk-search-file-secret-7731";
        const string header = "hdr-secret-value-5512";
        const string envKey = "sk-fetch-env-secret-9904";
        await using var home = await TestHome.StartWithApiKeyAsync(Key, emulator => $"""

            [services.moonshot_search]
            base_url = "{emulator.CodingBaseUrl}/search"
            api_key = "{fileKey}"
            [services.moonshot_search.custom_headers]
            "X-Team-Token" = "{header}"
            """);
        home.Emulator.State.AddApiKey(fileKey);
        home.Emulator.State.AddApiKey(envKey);
        home.Environment["KIMI_WEB_FETCH_BASE_URL"] = home.Emulator.CodingBaseUrl + "/fetch";
        home.Environment["KIMI_WEB_FETCH_API_KEY"] = envKey;
        var prompt = "go"
            + Tool("WebSearch", "{\"query\":\"q\"}")
            + Tool("FetchURL", "{\"url\":\"https://docs.example.com/x\"}")
            + Tool("Bash", "{\"command\":\"grep -h -e api_key -e X-Team-Token \\\"$KIMI_CODE_HOME/config.toml\\\"; env | grep KIMI_WEB || true\"}");

        var result = await home.RunAsync("-p", prompt, "-w", home.Workspace(), "--yolo");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal("Bearer " + fileKey, home.Emulator.State.Requests.Single(r => r.Path == "/coding/v1/search").Headers["authorization"]);
        Assert.Equal(header, home.Emulator.State.Requests.Single(r => r.Path == "/coding/v1/search").Headers["x-team-token"]);
        Assert.Equal("Bearer " + envKey, home.Emulator.State.Requests.Single(r => r.Path == "/coding/v1/fetch").Headers["authorization"]);
        var results = ToolResults(home);
        Assert.Equal(3, results.Length);
        var bash = results[2];
        Assert.Contains("api_key = ", bash, StringComparison.Ordinal); // the lines were printed, with the values redacted
        Assert.Contains("X-Team-Token", bash, StringComparison.Ordinal);
        var chats = string.Join('\n', results);
        foreach (var secret in new[] { fileKey, header, envKey })
        {
            Assert.DoesNotContain(secret, chats, StringComparison.Ordinal);
            Assert.DoesNotContain(secret, result.Stdout + result.Stderr, StringComparison.Ordinal);
        }

        Assert.DoesNotContain("KIMI_WEB_FETCH_API_KEY", chats, StringComparison.Ordinal);
    }
}
