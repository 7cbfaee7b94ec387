using System.Diagnostics;
using System.Globalization;

namespace KimiCode.EndToEnd.Tests;

/// <summary>MCP servers from mcp.json, through the real <c>kimi -p</c> against the emulator, with the in-repo test server.</summary>
public sealed class McpEndToEndTests
{
    private const string Key = "sk-mcp-e2e";

    [Fact]
    public async Task Print_HealthyServerBesideOnesThatExitHangAndPrintGarbage_ToolListedCalledAndResultInNextRequest()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key, _ => """

            [[permission.rules]]
            decision = "allow"
            pattern = "mcp__good__*"
            """);
        File.WriteAllText(Path.Combine(home.Root, "mcp.json"), TestMcpServer.File(
            ("good", TestMcpServer.Entry()),
            ("dies", TestMcpServer.Entry("exit-at-start")),
            ("hangs", TestMcpServer.Entry("hang", extra: "\"startupTimeoutMs\": 3000")),
            ("garbage", TestMcpServer.Entry("garbage"))));
        var work = home.Workspace();

        var result = await home.RunAsync("-p", "use the server\ntool: mcp__good__echo {\"text\":\"plum pudding\"}", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        var requests = home.Emulator.State.Requests.Where(r => r.Path == "/coding/v1/chat/completions").ToList();
        Assert.Contains("\"mcp__good__echo\"", requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("\"mcp__good__add\"", requests[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("mcp__dies__", requests[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("mcp__hangs__", requests[0].Body, StringComparison.Ordinal);
        Assert.DoesNotContain("mcp__garbage__", requests[0].Body, StringComparison.Ordinal);
        Assert.Contains("echo: plum pudding", requests[^1].Body, StringComparison.Ordinal);
        Assert.Contains("MCP server dies (stdio", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("exited with code 3", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("did not finish starting within 3 s", result.Stderr, StringComparison.Ordinal);
        Assert.Contains("not MCP on stdout", result.Stderr, StringComparison.Ordinal);
        Assert.All(result.StderrLines, line => Assert.StartsWith("kimi: ", line, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Print_MalformedEntry_OneLineConfigInvalidNamingServerAndField_OtherServerStillWorks()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        File.WriteAllText(Path.Combine(home.Root, "mcp.json"), TestMcpServer.File(("good", TestMcpServer.Entry()), ("bad", "{\"command\": \"x\", \"args\": \"not-a-list\"}")));
        var work = home.Workspace();

        var result = await home.RunAsync("-p", "tool: mcp__good__add {\"a\":20,\"b\":22}", "-w", work, "--yolo");

        Assert.True(result.ExitCode == 0, result.ToString());
        var line = Assert.Single(result.StderrLines, l => l.Contains("[config.invalid]", StringComparison.Ordinal));
        Assert.Contains("server \"bad\": \"args\" must be an array of strings", line, StringComparison.Ordinal);
        var last = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body;
        Assert.Contains("\"content\":\"42\"", last, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_ProjectStdioServer_NotStartedUntilTrustedByFlag()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        Directory.CreateDirectory(Path.Combine(work, ".kimi-code"));
        File.WriteAllText(Path.Combine(work, ".kimi-code", "mcp.json"), TestMcpServer.File(("proj", TestMcpServer.Entry())));
        const string Prompt = "tool: mcp__proj__echo {\"text\":\"trusted\"}";

        var untrusted = await home.RunAsync("-p", Prompt, "-w", work, "--yolo");
        var untrustedRequest = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body;
        var trusted = await home.RunAsync("-p", Prompt, "-w", work, "--yolo", "--trust-project-mcp");
        var trustedRequest = home.Emulator.State.Requests.Last(r => r.Path == "/coding/v1/chat/completions").Body;

        Assert.True(untrusted.ExitCode == 0, untrusted.ToString());
        Assert.Contains("not started", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Contains("--trust-project-mcp", untrusted.Stderr, StringComparison.Ordinal);
        Assert.Contains("There is no tool named", untrustedRequest, StringComparison.Ordinal);
        Assert.DoesNotContain("echo: trusted", untrustedRequest, StringComparison.Ordinal);
        Assert.True(trusted.ExitCode == 0, trusted.ToString());
        Assert.Contains("echo: trusted", trustedRequest, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Print_KimiKilledWithSigkill_StdioServerThatIgnoresEndOfInputDiesToo()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        var pidFile = Path.Combine(work, "server.pid");
        File.WriteAllText(Path.Combine(home.Root, "mcp.json"), TestMcpServer.File(("linger", TestMcpServer.Entry("linger", pidFile))));
        await using var kimi = home.Start("-p", "tool: mcp__linger__slow {\"milliseconds\":600000}", "-w", work, "--yolo");
        using var timeout = new CancellationTokenSource(TestTimeouts.Default);
        while (!home.Emulator.State.Requests.Any(r => r.Path == "/coding/v1/chat/completions"))
        {
            await Task.Delay(50, timeout.Token); // the first model request comes after the servers started
        }

        int serverPid = int.Parse(File.ReadAllText(pidFile), CultureInfo.InvariantCulture);
        Assert.True(Directory.Exists($"/proc/{serverPid}"));
        using (var process = Process.GetProcessById(kimi.Id))
        {
            process.Kill(entireProcessTree: false); // SIGKILL to kimi alone: no cleanup code of ours runs
        }

        while (Directory.Exists($"/proc/{serverPid}") && !File.ReadAllText($"/proc/{serverPid}/stat").Contains(") Z ", StringComparison.Ordinal))
        {
            await Task.Delay(50, timeout.Token);
        }
    }
}
