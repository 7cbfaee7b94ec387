using System.Text.Json;
using KimiCode.Acp.Tests.Support;
using KimiCode.Agent.Tools;
using Microsoft.Extensions.Time.Testing;

namespace KimiCode.Acp.Tests;

public sealed class ClientAdapterTests
{
    private static readonly IProgress<string> NoProgress = new Progress<string>();

    /// <summary>A client terminal whose process the test controls: exit code, output, and whether it ever exits.</summary>
    private sealed class FakeTerminal
    {
        public TaskCompletionSource<int?> Exit { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public string Output { get; set; } = "";

        public List<string> Calls { get; } = [];

        public List<JsonElement> Created { get; } = [];

        public Task<ClientReply> HandleAsync(string method, JsonElement parameters)
        {
            lock (Calls)
            {
                Calls.Add(method);
            }

            switch (method)
            {
                case "terminal/create":
                    Created.Add(parameters.Clone());
                    return Task.FromResult(ClientReply.Result("""{"terminalId":"term-7"}"""));
                case "terminal/wait_for_exit":
                    return WaitAsync();
                case "terminal/kill":
                    Exit.TrySetResult(null);
                    return Task.FromResult(ClientReply.Result("{}"));
                case "terminal/output":
                    return Task.FromResult(ClientReply.Result($$"""{"output":{{Json.Str(Output)}},"truncated":false{{(Exit.Task.IsCompleted ? $",\"exitStatus\":{{\"exitCode\":{Exit.Task.Result?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "null"}}}" : "")}}}"""));
                case "terminal/release":
                    return Task.FromResult(ClientReply.Result("{}"));
                default:
                    return Task.FromResult(ClientReply.Error(-32601, method));
            }
        }

        private async Task<ClientReply> WaitAsync()
        {
            int? code = await Exit.Task;
            return ClientReply.Result(code is { } c ? $$"""{"exitCode":{{c}}}""" : """{"signal":"SIGKILL"}""");
        }
    }

    private sealed class RecordingProgress : IProgress<string>
    {
        public List<string> Reports { get; } = [];

        public void Report(string value)
        {
            lock (Reports)
            {
                Reports.Add(value);
            }
        }
    }

    [Fact]
    public async Task Terminal_CommandExits_CreatesWaitsReadsAndReleases()
    {
        await using var bare = new BareConnection();
        var terminal = new FakeTerminal { Output = "hello from the editor\n" };
        terminal.Exit.SetResult(0);
        bare.Client.OnRequest = terminal.HandleAsync;
        var runner = new ClientTerminalRunner(bare.Connection, () => "session-1", TimeProvider.System);
        var progress = new RecordingProgress();

        CommandResult result = await runner.RunAsync(new CommandRequest("echo hello", "/work/dir", TimeSpan.FromMinutes(1), 30_000), progress, TestContext.Current.CancellationToken);

        Assert.Equal("hello from the editor\n", result.Output);
        Assert.Equal(0, result.ExitCode);
        Assert.False(result.TimedOut);
        Assert.Equal(["terminal/create", "terminal/wait_for_exit", "terminal/output", "terminal/release"], terminal.Calls);
        JsonElement created = Assert.Single(terminal.Created);
        Assert.Equal("session-1", created.Text("sessionId"));
        Assert.Equal("/bin/bash", created.Text("command"));
        Assert.Equal(["-c", "echo hello"], created.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.Equal("/work/dir", created.Text("cwd"));
        Assert.Equal(30_000, created.GetProperty("outputByteLimit").GetInt32());
        Assert.Equal([ClientTerminalRunner.TerminalMarker + "term-7"], progress.Reports);
    }

    [Fact]
    public async Task Terminal_Timeout_KillsReturnsPartialOutputAndReleases()
    {
        await using var bare = new BareConnection();
        var terminal = new FakeTerminal { Output = "partial" };
        bare.Client.OnRequest = terminal.HandleAsync;
        var time = new FakeTimeProvider();
        var runner = new ClientTerminalRunner(bare.Connection, () => "s", time);

        Task<CommandResult> run = runner.RunAsync(new CommandRequest("sleep 1000", "/", TimeSpan.FromSeconds(5), 1000), NoProgress, TestContext.Current.CancellationToken);
        while ((await bare.Client.NextAgentRequestAsync()).Text("method") != "terminal/wait_for_exit")
        {
        }

        time.Advance(TimeSpan.FromSeconds(5));
        CommandResult result = await run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.True(result.TimedOut);
        Assert.Null(result.ExitCode);
        Assert.Equal("partial", result.Output);
        Assert.Equal(["terminal/create", "terminal/wait_for_exit", "terminal/kill", "terminal/output", "terminal/release"], terminal.Calls);
    }

    [Fact]
    public async Task Terminal_Cancelled_KillsReleasesAndThrows()
    {
        await using var bare = new BareConnection();
        var terminal = new FakeTerminal();
        bare.Client.OnRequest = terminal.HandleAsync;
        var runner = new ClientTerminalRunner(bare.Connection, () => "s", TimeProvider.System);
        using var cancellation = new CancellationTokenSource();

        Task<CommandResult> run = runner.RunAsync(new CommandRequest("sleep 1000", "/", TimeSpan.FromMinutes(10), 1000), NoProgress, cancellation.Token);
        while ((await bare.Client.NextAgentRequestAsync()).Text("method") != "terminal/wait_for_exit")
        {
        }

        await cancellation.CancelAsync();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => run.WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken));
        Assert.Equal(["terminal/create", "terminal/wait_for_exit", "terminal/kill", "terminal/release"], terminal.Calls);
    }

    [Fact]
    public async Task FileSystem_ClientReportsNotFound_ThrowsFileNotFound()
    {
        await using var bare = new BareConnection();
        bare.Client.OnRequest = (_, _) => Task.FromResult(ClientReply.Error(-32002, "Resource not found"));
        var files = new ClientFileSystem(bare.Connection, () => "s", canRead: true, canWrite: true, new LocalWorkspaceFileSystem());

        await Assert.ThrowsAsync<FileNotFoundException>(() => files.ReadTextAsync("/nowhere/file.txt", TestContext.Current.CancellationToken));
    }

    [Fact]
    public async Task FileSystem_EditorCannotFindAFileOnDisk_ReadsTheDisk()
    {
        await using var bare = new BareConnection();
        bare.Client.OnRequest = (_, _) => Task.FromResult(ClientReply.Error(-32002, "not open in the editor"));
        var files = new ClientFileSystem(bare.Connection, () => "s", canRead: true, canWrite: true, new LocalWorkspaceFileSystem());
        using var temp = new TempFolder("kimi-acp-fs");
        string existing = Path.Combine(temp.Path, "kept.txt");
        File.WriteAllText(existing, "on disk\n");

        string read = await files.ReadTextAsync(existing, TestContext.Current.CancellationToken);

        Assert.Equal("on disk\n", read);
    }

    [Theory]
    [InlineData(-32001, "Permission denied by the editor")]
    [InlineData(-32603, "buffer is locked")]
    public async Task FileSystem_EditorRefusesOrFailsOnExistingFile_IOExceptionWithItsReasonAndTheDiskIsNotAsked(int code, string message)
    {
        await using var bare = new BareConnection();
        bare.Client.OnRequest = (_, _) => Task.FromResult(ClientReply.Error(code, message));
        var files = new ClientFileSystem(bare.Connection, () => "s", canRead: true, canWrite: true, new LocalWorkspaceFileSystem());
        using var temp = new TempFolder("kimi-acp-fs");
        string existing = Path.Combine(temp.Path, "kept.txt");
        File.WriteAllText(existing, "on disk\n");

        IOException read = await Assert.ThrowsAsync<IOException>(() => files.ReadTextAsync(existing, TestContext.Current.CancellationToken));
        IOException write = await Assert.ThrowsAsync<IOException>(() => files.WriteTextAsync(existing, "x", TestContext.Current.CancellationToken));

        Assert.IsNotType<FileNotFoundException>(read);
        Assert.Contains(message, read.Message, StringComparison.Ordinal);
        Assert.Contains(message, write.Message, StringComparison.Ordinal);
        Assert.Equal("on disk\n", File.ReadAllText(existing));
    }

    [Fact]
    public async Task FileSystem_OnlyReadOffered_WritesGoToDisk()
    {
        await using var bare = new BareConnection();
        bare.Client.OnRequest = (method, _) => Task.FromResult(method == "fs/read_text_file" ? ClientReply.Result("""{"content":"from editor"}""") : ClientReply.Error(-32601, method));
        var files = new ClientFileSystem(bare.Connection, () => "s", canRead: true, canWrite: false, new LocalWorkspaceFileSystem());
        using var temp = new TempFolder("kimi-acp-fs");
        string path = Path.Combine(temp.Path, "new", "out.txt");
        await files.WriteTextAsync(path, "on disk", TestContext.Current.CancellationToken);
        string read = await files.ReadTextAsync(path, TestContext.Current.CancellationToken);

        Assert.Equal("on disk", File.ReadAllText(path));
        Assert.Equal("from editor", read);
    }

    [Fact]
    public async Task Prompt_BashWithEditorTerminal_ShowsTheTerminalInTheToolCall()
    {
        await using AcpHarness harness = await AcpHarness.StartAsync();
        var terminal = new FakeTerminal { Output = "built ok\n" };
        terminal.Exit.SetResult(0);
        harness.Client.OnRequest = (method, parameters) => method == "session/request_permission"
            ? Task.FromResult(ClientReply.Result("""{"outcome":{"outcome":"selected","optionId":"allow_once"}}"""))
            : terminal.HandleAsync(method, parameters);
        string sessionId = await harness.NewSessionAsync("""{"terminal":true}""");

        JsonElement result = await harness.PromptAsync(sessionId, """tool: Bash {"command":"make build"}""");

        Assert.Equal("end_turn", result.Text("stopReason"));
        List<JsonElement> updates = harness.Client.DrainUpdates();
        JsonElement call = Assert.Single(updates, u => u.Tag() == "tool_call");
        Assert.Equal("execute", call.Text("kind"));
        JsonElement[] progress = [.. updates.Where(u => u.Tag() == "tool_call_update")];
        Assert.Contains(progress, u => u.TryGetProperty("content", out JsonElement c) && c[0].Text("type") == "terminal" && c[0].Text("terminalId") == "term-7" && u.Text("status") == "in_progress");
        JsonElement done = progress[^1];
        Assert.Equal("completed", done.Text("status"));
        Assert.Equal("term-7", done.GetProperty("content")[0].Text("terminalId"));
        Assert.Equal(harness.Workspace, terminal.Created[0].Text("cwd"));
        string body = harness.Emulator.State.Requests.Last(r => r.Path.EndsWith("/chat/completions", StringComparison.Ordinal)).Body;
        Assert.Contains("built ok", body, StringComparison.Ordinal);
    }
}
