using KimiCode.Agent.Tools;
using KimiCode.Agent.Tools.Web;
using KimiCode.Emulator;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools.Web;

/// <summary>WebSearch against the emulator's search service: the request, the rendering and honest errors.</summary>
public sealed class WebSearchToolTests : WebToolTestBase
{
    private WebSearchTool Tool(string key = Key, TimeSpan? timeout = null) => new(Service("The search service", "search", key, timeout));

    private async Task<ToolResult> SearchAsync(WebSearchTool tool, params (string, object?)[] args)
    {
        var call = tool.PrepareOk(Args(args), Workspace.Context);
        call.CallId = "call-search-1";
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        return await call.ExecuteAsync(null, timeout.Token);
    }

    [Fact]
    public async Task Execute_Query_SendsTheOfficialBodyAndRendersTitleDateUrlSummary()
    {
        var result = await SearchAsync(Tool(), ("query", "dotnet aot trimming"), ("limit", 2));

        Assert.False(result.IsError, result.Content);
        Assert.Contains("Search results for \"dotnet aot trimming\" (2):", result.Content, StringComparison.Ordinal);
        Assert.Contains("1. Result 1 for dotnet aot trimming\n", result.Content, StringComparison.Ordinal);
        Assert.Contains("   Date: 2026-01-01\n   URL: https://docs.example.com/result-1\n   Summary: Summary 1 of what the web says about dotnet aot trimming.", result.Content, StringComparison.Ordinal);
        Assert.DoesNotContain("Content:", result.Content, StringComparison.Ordinal);
        var request = Assert.Single(Emulator.State.Requests, r => r.Path == "/coding/v1/search");
        Assert.Equal("{\"text_query\":\"dotnet aot trimming\",\"limit\":2,\"enable_page_crawling\":false,\"timeout_seconds\":30}", request.Body);
        Assert.Equal("call-search-1", request.Headers["x-msh-tool-call-id"]);
        Assert.Equal("Bearer " + Key, request.Headers["authorization"]);
    }

    [Fact]
    public async Task Execute_IncludeContent_AddsPageTextBounded()
    {
        Emulator.State.SetSearchResults("[{\"title\":\"Big\",\"url\":\"https://a.example/\",\"snippet\":\"s\",\"content\":\"" + new string('c', WebSearchTool.MaxContentChars + 100) + "\"}]");

        var result = await SearchAsync(Tool(), ("query", "big"), ("include_content", true));

        Assert.Contains("   Content:\n" + new string('c', WebSearchTool.MaxContentChars) + " […]", result.Content, StringComparison.Ordinal);
        Assert.Contains("\"enable_page_crawling\":true", Emulator.State.Requests[^1].Body, StringComparison.Ordinal);
    }

    [Fact]
    public void Render_ManyLongResults_WholeAnswerBounded()
    {
        var one = "{\"title\":\"T\",\"url\":\"https://a.example/\",\"snippet\":\"s\",\"content\":\"" + new string('c', WebSearchTool.MaxContentChars) + "\"}";
        var json = "{\"search_results\":[" + string.Join(',', Enumerable.Repeat(one, 20)) + "]}";

        var text = WebSearchTool.Render("q", json, 20, includeContent: true);

        Assert.True(text.Length <= WebSearchTool.MaxOutputChars + 200, text.Length.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Assert.Contains("more results left out", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_NoResults_SaysSo()
    {
        Emulator.State.SetSearchResults("[]");

        var result = await SearchAsync(Tool(), ("query", "zzzz"));

        Assert.False(result.IsError);
        Assert.Equal("No results for \"zzzz\". Try other words.", result.Content);
    }

    [Theory]
    [InlineData(401, "rejected the credential (HTTP 401)", "kimi login")]
    [InlineData(403, "refused access (HTTP 403)", "may not use it")]
    [InlineData(429, "rate-limiting requests (HTTP 429)", "Wait before trying again")]
    [InlineData(503, "failed (HTTP 503)", "go on without it")]
    public async Task Execute_ServiceError_ToolErrorSaysWhatHappened(int status, string what, string next)
    {
        Emulator.State.InjectFault(new EmulatorFault { Target = "search", Status = status });

        var result = await SearchAsync(Tool(), ("query", "anything"));

        Assert.True(result.IsError);
        Assert.StartsWith("The web search for \"anything\" failed: The search service", result.Content, StringComparison.Ordinal);
        Assert.Contains(what, result.Content, StringComparison.Ordinal);
        Assert.Contains(next, result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_WrongKey_401FromTheRealAuthCheck()
    {
        var result = await SearchAsync(Tool("sk-wrong"), ("query", "x"));

        Assert.True(result.IsError);
        Assert.Contains("HTTP 401", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_ServiceNeverAnswers_TimeoutError()
    {
        Emulator.State.InjectFault(new EmulatorFault { Target = "search", StallBeforeHeadersMs = 60_000 });

        var result = await SearchAsync(Tool(timeout: TimeSpan.FromMilliseconds(300)), ("query", "slow"));

        Assert.True(result.IsError);
        Assert.Contains("did not answer within", result.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("{\"query\":\"x\",\"limit\":0}", "limit")]
    [InlineData("{\"query\":\"x\",\"limit\":21}", "limit")]
    [InlineData("{\"query\":\"   \"}", "query")]
    [InlineData("{}", "query")]
    public void Prepare_BadArguments_ErrorNamesTheArgument(string json, string argument)
    {
        var error = Tool().PrepareError(Parse(json), Workspace.Context);

        Assert.Contains(argument, error, StringComparison.Ordinal);
    }
}
