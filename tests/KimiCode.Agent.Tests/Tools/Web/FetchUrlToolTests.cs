using System.Net;
using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using KimiCode.Agent.Tools.Web;
using KimiCode.Emulator;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools.Web;

/// <summary>FetchURL end to end in process: the emulator's fetch service, a local page server, the SSRF guard and the policy.</summary>
public sealed class FetchUrlToolTests : WebToolTestBase
{
    private readonly LocalWebServer _server = new();

    public override async ValueTask DisposeAsync()
    {
        await _server.DisposeAsync();
        await base.DisposeAsync();
    }

    private WebService Service(params KeyValuePair<string, string>[] customHeaders) => Service("The fetch service", "fetch", customHeaders: customHeaders);

    /// <summary>A fetcher for which <c>site.test</c> is this machine, and loopback counts as public (so the local server stands in for the internet).</summary>
    private static DirectFetcher LoopbackAsInternet(Dictionary<string, IPAddress[]>? names = null) => new()
    {
        Resolve = (host, _) => Task.FromResult(host == "site.test" ? [IPAddress.Loopback] : names?[host] ?? throw new System.Net.Sockets.SocketException(11001)),
        Classify = static address => IPAddress.IsLoopback(address) ? null : NetworkAddress.InternalReason(address),
    };

    private async Task<(PreparedToolCall Call, ToolResult Result)> RunAsync(FetchUrlTool tool, string url, string callId = "call-1")
    {
        var call = tool.PrepareOk(Args(("url", url)), Workspace.Context);
        call.CallId = callId;
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        Assert.Null(await call.PreviewAsync(timeout.Token));
        return (call, await call.ExecuteAsync(null, timeout.Token));
    }

    [Fact]
    public async Task Execute_FetchServiceConfigured_ReturnsItsMarkdownAndSendsTheHeaders()
    {
        Emulator.State.SetPage("https://docs.example.com/guide", "# Guide\n\nUse the frobnicator.");
        var tool = new FetchUrlTool(Service(new KeyValuePair<string, string>("X-Team", "custom")));

        var (_, result) = await RunAsync(tool, "https://docs.example.com/guide", "call-42");

        Assert.False(result.IsError, result.Content);
        Assert.Contains("Use the frobnicator.", result.Content, StringComparison.Ordinal);
        var request = Assert.Single(Emulator.State.Requests, r => r.Path == "/coding/v1/fetch");
        Assert.Equal("Bearer " + Key, request.Headers["authorization"]);
        Assert.Equal("call-42", request.Headers["x-msh-tool-call-id"]);
        Assert.Equal("text/markdown", request.Headers["accept"]);
        Assert.Equal("kimi_cli", request.Headers["x-msh-platform"]);
        Assert.Equal("custom", request.Headers["x-team"]); // custom_headers win over the identity headers
        Assert.Equal("{\"url\":\"https://docs.example.com/guide\"}", request.Body);
    }

    [Fact]
    public async Task Execute_FetchServiceFails_FallsBackToTheDirectFetchAndExtractsTheArticle()
    {
        Emulator.State.InjectFault(new EmulatorFault { Target = "fetch", Status = 503 });
        _server.ServeHtml("/post", SamplePages.NewsArticle);
        var tool = new FetchUrlTool(Service(), LoopbackAsInternet());

        var (_, result) = await RunAsync(tool, $"http://site.test:{_server.Port}/post");

        Assert.False(result.IsError, result.Content);
        Assert.Contains(SamplePages.ArticleSentence, result.Content, StringComparison.Ordinal);
        Assert.StartsWith($"URL: http://site.test:{_server.Port}/post", result.Content, StringComparison.Ordinal);
        foreach (var furniture in SamplePages.FurnitureMarkers)
        {
            Assert.DoesNotContain(furniture, result.Content, StringComparison.Ordinal);
        }
    }

    [Fact]
    public async Task Execute_ServiceAndDirectBothFail_ErrorSaysBoth()
    {
        Emulator.State.InjectFault(new EmulatorFault { Target = "fetch", Status = 429 });
        var tool = new FetchUrlTool(Service(), LoopbackAsInternet());

        var (_, result) = await RunAsync(tool, $"http://site.test:{_server.Port}/missing");

        Assert.True(result.IsError);
        Assert.Contains("HTTP 429", result.Content, StringComparison.Ordinal);
        Assert.Contains("fetching it directly failed too", result.Content, StringComparison.Ordinal);
        Assert.Contains("HTTP 404", result.Content, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("text/plain; charset=utf-8", "plain *text* stays")]
    [InlineData("text/markdown", "# Markdown stays")]
    [InlineData("application/json", "{\"json\":\"stays\"}")]
    public async Task Execute_TextThatIsNotHtml_PassesThrough(string contentType, string body)
    {
        _server.Serve("/file", new WebPage(200, contentType, body));
        var tool = new FetchUrlTool(null, LoopbackAsInternet());

        var (_, result) = await RunAsync(tool, $"http://site.test:{_server.Port}/file");

        Assert.False(result.IsError, result.Content);
        Assert.EndsWith("\n\n" + body, result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_BinaryFile_RefusedAsNotText()
    {
        _server.Serve("/logo.png", new WebPage(200, "image/png", "\u0089PNG"));
        var tool = new FetchUrlTool(null, LoopbackAsInternet());

        var (_, result) = await RunAsync(tool, $"http://site.test:{_server.Port}/logo.png");

        Assert.True(result.IsError);
        Assert.Contains("image/png, not a text page", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_LongPage_CutAtTheOutputLimitWithANote()
    {
        _server.Serve("/long", new WebPage(200, "text/plain", new string('x', FetchUrlTool.MaxOutputChars + 500)));
        var tool = new FetchUrlTool(null, LoopbackAsInternet());

        var (_, result) = await RunAsync(tool, $"http://site.test:{_server.Port}/long");

        Assert.Contains($"only the first {FetchUrlTool.MaxOutputChars} characters are shown", result.Content, StringComparison.Ordinal);
        Assert.True(result.Content.Length < FetchUrlTool.MaxOutputChars + 200);
    }

    [Fact]
    public async Task Execute_ApprovedLoopbackPageRedirectsToMetadataService_NotFollowed()
    {
        _server.Redirect("/start", "http://169.254.169.254/latest/meta-data/");
        var tool = new FetchUrlTool(Service());

        var (call, result) = await RunAsync(tool, $"{_server.BaseUrl}/start");

        Assert.NotNull(call.SafetyConcern); // the user approved 127.0.0.1, not where it leads
        Assert.True(result.IsError);
        Assert.Contains("redirected to http://169.254.169.254/latest/meta-data/", result.Content, StringComparison.Ordinal);
        Assert.Contains("not followed", result.Content, StringComparison.Ordinal);
        Assert.Equal(["/start"], _server.Requested);
        Assert.DoesNotContain(Emulator.State.Requests, r => r.Path == "/coding/v1/fetch"); // an internal URL never goes to the service
    }

    [Fact]
    public async Task Execute_RedirectToLocalhostName_NotFollowed()
    {
        _server.Redirect("/go", $"http://localhost:{_server.Port}/secret");
        _server.ServeHtml("/secret", "<p>secret</p>");
        var tool = new FetchUrlTool(null);

        var (_, result) = await RunAsync(tool, $"{_server.BaseUrl}/go");

        Assert.True(result.IsError);
        Assert.Contains("not followed", result.Content, StringComparison.Ordinal);
        Assert.Equal(["/go"], _server.Requested);
    }

    [Fact]
    public async Task Execute_PublicRedirectToAHostThatResolvesInside_RefusedAtConnect()
    {
        _server.Redirect("/hop", $"http://inner.test:{_server.Port}/admin");
        var tool = new FetchUrlTool(null, LoopbackAsInternet(new() { ["inner.test"] = [IPAddress.Parse("10.0.0.7")] }));

        var (_, result) = await RunAsync(tool, $"http://site.test:{_server.Port}/hop");

        Assert.True(result.IsError);
        Assert.Contains("inner.test resolves to 10.0.0.7, a private network address", result.Content, StringComparison.Ordinal);
        Assert.Equal(["/hop"], _server.Requested);
    }

    [Fact]
    public async Task Execute_DnsRebindsBetweenCheckAndConnect_ConnectsOnlyToTheCheckedAddress()
    {
        _server.ServeHtml("/", "<p>internal admin page</p>");
        var answers = new Queue<IPAddress[]>([[IPAddress.Parse("93.184.216.34")], [IPAddress.Loopback]]);
        var tool = new FetchUrlTool(null, new DirectFetcher { Resolve = (_, _) => Task.FromResult(answers.Dequeue()) });

        var (call, result) = await RunAsync(tool, $"http://rebind.test:{_server.Port}/");

        Assert.Null(call.SafetyConcern); // public when checked before asking…
        Assert.True(result.IsError); // …loopback when connecting: refused
        Assert.Contains("rebind.test resolves to 127.0.0.1, a loopback address", result.Content, StringComparison.Ordinal);
        Assert.Empty(_server.Requested);
    }

    [Fact]
    public void Prepare_FileUrl_RefusedWithWhatToUseInstead()
    {
        var error = new FetchUrlTool(null).PrepareError(Args(("url", "file:///etc/passwd")), Workspace.Context);

        Assert.Contains("use Read for files", error, StringComparison.Ordinal);
    }

    private static PermissionPolicy Policy(PermissionMode mode, params (string Pattern, PermissionDecision Decision)[] rules)
        => new(mode, [.. rules.Select(r => PermissionRule.Parse(r.Pattern, r.Decision))], "/work/project", []);

    private async Task<PreparedToolCall> PreviewedAsync(FetchUrlTool tool, string url)
    {
        var call = tool.PrepareOk(Args(("url", url)), Workspace.Context);
        Assert.Null(await call.PreviewAsync(CancellationToken.None));
        return call;
    }

    [Theory]
    [InlineData("http://127.0.0.1/")]
    [InlineData("http://169.254.169.254/latest/meta-data/")]
    [InlineData("http://0x7f000001/")]
    [InlineData("http://[::ffff:127.0.0.1]/")]
    [InlineData("http://2130706433/")]
    [InlineData("http://localhost./")]
    [InlineData("http://127.1/")]
    public async Task Evaluate_InternalAddress_AsksEvenInYoloAndWithABareAllowRule(string url)
    {
        var call = await PreviewedAsync(new FetchUrlTool(null), url);

        Assert.Equal(PermissionDecision.Ask, Policy(PermissionMode.Default).Evaluate("FetchURL", call).Decision);
        Assert.Equal(PermissionDecision.Ask, Policy(PermissionMode.Yolo, ("FetchURL", PermissionDecision.Allow)).Evaluate("FetchURL", call).Decision);
        var auto = Policy(PermissionMode.Auto).Evaluate("FetchURL", call);
        Assert.Equal(PermissionDecision.Deny, auto.Decision);
        Assert.Contains("user's own network", auto.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_HostThatResolvesToAPrivateAddress_AsksAfterThePreview()
    {
        var tool = new FetchUrlTool(null, new DirectFetcher { Resolve = static (_, _) => Task.FromResult(new[] { IPAddress.Parse("192.168.1.20") }) });

        var call = await PreviewedAsync(tool, "http://printer.corp.example/");

        var verdict = Policy(PermissionMode.Default).Evaluate("FetchURL", call);
        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.Contains("printer.corp.example resolves to 192.168.1.20, a private network address", verdict.Reason, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Evaluate_InternalAddressWithAMatchingAllowRule_Allowed()
    {
        var call = await PreviewedAsync(new FetchUrlTool(null), "http://127.0.0.1:8080/health");

        Assert.Equal(PermissionDecision.Allow, Policy(PermissionMode.Default, ("FetchURL(domain:127.0.0.1)", PermissionDecision.Allow)).Evaluate("FetchURL", call).Decision);
        Assert.Equal(PermissionDecision.Allow, Policy(PermissionMode.Default, ("FetchURL(http://127.0.0.1:8080/*)", PermissionDecision.Allow)).Evaluate("FetchURL", call).Decision);
        Assert.Equal(PermissionDecision.Ask, Policy(PermissionMode.Default, ("FetchURL(domain:10.0.0.1)", PermissionDecision.Allow)).Evaluate("FetchURL", call).Decision);
    }

    [Fact]
    public async Task Evaluate_PublicUrl_AllowedWithoutAskingInEveryMode()
    {
        var tool = new FetchUrlTool(null, new DirectFetcher { Resolve = static (_, _) => Task.FromResult(new[] { IPAddress.Parse("93.184.216.34") }) });

        var call = await PreviewedAsync(tool, "https://example.com/");

        foreach (var mode in new[] { PermissionMode.Default, PermissionMode.Plan, PermissionMode.Auto })
        {
            Assert.Equal(PermissionDecision.Allow, Policy(mode).Evaluate("FetchURL", call).Decision);
        }
    }
}
