using System.Diagnostics;
using System.Globalization;
using System.Text.Json;
using KimiCode.Acp.Tests.Support;
using KimiCode.EndToEnd.Tests.Acp;

namespace KimiCode.EndToEnd.Tests;

/// <summary>
/// A hostile model against the tools' environment: the API key never reaches a tool, the model, the screen, the
/// session files or the log; print mode says who could not approve; tool processes die with kimi.
/// </summary>
public sealed class ToolSecretsEndToEndTests
{
    private const string Key = "sk-e2e-tool-secret-0123456789abcdef";

    // Every way a command could find the key: its own environment, and kimi's through /proc.
    private const string Snoop = "echo \"key=[$KIMI_API_KEY]\"; env | grep -E 'KIMI|sk-' ; tr '\\0' '\\n' < /proc/$PPID/environ | grep KIMI_API_KEY; echo end";

    private static async Task<TestHome> KeyInEnvironmentAsync()
    {
        var home = await TestHome.StartAsync(o => o.ApiKeys.Add(Key));
        home.Environment["KIMI_API_KEY"] = Key;
        return home;
    }

    private static void AssertKeyNowhere(TestHome home, params string[] outputs)
    {
        foreach (var output in outputs)
        {
            Assert.DoesNotContain(Key, output, StringComparison.Ordinal);
        }

        foreach (var request in home.Emulator.State.Requests.Where(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)))
        {
            Assert.DoesNotContain(Key, request.Body, StringComparison.Ordinal);
        }

        var files = new[] { "sessions", "logs" }
            .Select(d => Path.Combine(home.Root, d))
            .Where(Directory.Exists)
            .SelectMany(d => Directory.EnumerateFiles(d, "*", SearchOption.AllDirectories))
            .ToList();
        Assert.Contains(files, f => f.Contains("sessions", StringComparison.Ordinal));
        foreach (var file in files)
        {
            Assert.DoesNotContain(Key, File.ReadAllText(file), StringComparison.Ordinal);
        }
    }

    private static string LastToolMessage(TestHome home)
    {
        var body = home.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        using var doc = JsonDocument.Parse(body);
        var tool = doc.RootElement.GetProperty("messages").EnumerateArray().Last(m => m.GetProperty("role").GetString() == "tool");
        var content = tool.GetProperty("content");
        return content.ValueKind == JsonValueKind.String ? content.GetString()! : content.GetRawText();
    }

    [Fact]
    public async Task Print_YoloBashLooksForTheKey_FindsNeitherItNorATraceAnywhere()
    {
        await using var home = await KeyInEnvironmentAsync();
        var work = home.Workspace();

        var result = await home.RunAsync("-p", "snoop\ntool: Bash " + JsonSerializer.Serialize(new { command = Snoop }), "-w", work, "--yolo");

        Assert.True(result.ExitCode == 0, result.ToString());
        var toolOutput = LastToolMessage(home);
        Assert.Contains("key=[]", toolOutput, StringComparison.Ordinal);
        Assert.Contains("KIMI_API_KEY=[redacted]", toolOutput, StringComparison.Ordinal); // read from kimi's own /proc entry
        Assert.Contains("end", toolOutput, StringComparison.Ordinal);
        Secrets.AssertAbsent(result, Key);
        AssertKeyNowhere(home, result.Stdout, result.Stderr);
    }

    [Fact]
    public async Task Acp_BashLooksForTheKey_FindsNeitherItNorATraceAnywhere()
    {
        await using var home = await KeyInEnvironmentAsync();
        await using var kimi = AcpProcess.Start(home);
        var workspace = Path.Combine(home.Root, "project");
        Directory.CreateDirectory(workspace);
        kimi.Client.OnRequest = (method, parameters) => Task.FromResult(method == "session/request_permission"
            ? ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}""")
            : ClientReply.Error(-32601, method));
        await kimi.Client.ResultAsync("initialize", """{"protocolVersion":1,"clientCapabilities":{},"clientInfo":{"name":"e2e","version":"1"}}""");
        var sessionId = (await kimi.Client.ResultAsync("session/new", $$"""{"cwd":{{Json.Str(workspace)}},"mcpServers":[]}""")).Text("sessionId");

        var text = "snoop\ntool: Bash " + JsonSerializer.Serialize(new { command = Snoop });
        var result = await kimi.Client.ResultAsync("session/prompt", $$$"""{"sessionId":{{{Json.Str(sessionId)}}},"prompt":[{"type":"text","text":{{{Json.Str(text)}}}}]}""");

        Assert.Equal("end_turn", result.Text("stopReason"));
        var toolOutput = LastToolMessage(home);
        Assert.Contains("key=[]", toolOutput, StringComparison.Ordinal);
        Assert.Contains("KIMI_API_KEY=[redacted]", toolOutput, StringComparison.Ordinal);
        var (exitCode, stderr) = await kimi.StopAsync();
        Assert.Equal(0, exitCode);
        AssertKeyNowhere(home, stderr, string.Join('\n', kimi.Client.Lines));
    }

    [Fact]
    public async Task Print_WithoutYolo_ToldNobodyCanApproveNeverThatTheUserDenied()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        var marker = Path.Combine(work, "made-by-bash");

        var result = await home.RunAsync("-p", $"make it\ntool: Bash {{\"command\":\"touch {marker}\",\"description\":\"Create the marker\"}}", "-w", work);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.False(File.Exists(marker));
        var line = Assert.Single(result.Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries));
        Assert.StartsWith("kimi: not run: Bash (Create the marker) needs approval, and nobody can approve tool calls in print mode.", line, StringComparison.Ordinal);
        Assert.Contains("--yolo", line, StringComparison.Ordinal);
        Assert.Contains("allow rule", line, StringComparison.Ordinal);
        var toolMessage = LastToolMessage(home);
        Assert.Contains("nobody can approve tool calls in print mode", toolMessage, StringComparison.Ordinal);
        Assert.Contains("not allowed without --yolo or an allow rule", toolMessage, StringComparison.Ordinal);
        Assert.DoesNotContain("denied", toolMessage, StringComparison.OrdinalIgnoreCase);
        Assert.DoesNotContain("denied", result.Stdout + result.Stderr, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task Print_KimiKilledHard_ItsToolProcessesDieToo()
    {
        await using var home = await TestHome.StartWithApiKeyAsync(Key);
        var work = home.Workspace();
        var pidFile = Path.Combine(work, "child.pid");
        var command = $"sleep 300 & echo $! > {pidFile}.tmp; mv {pidFile}.tmp {pidFile}; wait";
        await using var kimi = home.Start("-p", "run it\ntool: Bash " + JsonSerializer.Serialize(new { command }), "-w", work, "--yolo");

        var deadline = DateTime.UtcNow + TestTimeouts.Default;
        while (!File.Exists(pidFile))
        {
            Assert.True(DateTime.UtcNow < deadline, "the command never started");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }

        var pid = int.Parse(File.ReadAllText(pidFile).Trim(), CultureInfo.InvariantCulture);
        Assert.True(IsRunning(pid));
        using (var process = Process.GetProcessById(kimi.Id))
        {
            process.Kill(entireProcessTree: false); // SIGKILL to kimi alone: no chance to clean up
        }

        while (IsRunning(pid))
        {
            if (DateTime.UtcNow > deadline + TestTimeouts.Default)
            {
                _ = Kill(pid);
                Assert.Fail($"sleep 300 (pid {pid}) outlived kimi");
            }

            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    private static bool IsRunning(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            var state = stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[0];
            return state is not ("Z" or "X");
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return false;
        }
    }

    private static bool Kill(int pid)
    {
        try
        {
            using var process = Process.GetProcessById(pid);
            process.Kill();
            return true;
        }
        catch (Exception ex) when (ex is ArgumentException or InvalidOperationException)
        {
            return false;
        }
    }
}
