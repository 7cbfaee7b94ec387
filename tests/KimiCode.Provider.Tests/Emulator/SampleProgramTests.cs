using KimiCode.Emulator;

namespace KimiCode.Provider.Tests.Emulator;

/// <summary>Runs the built <c>samples/KimiCode.Sample</c> as a child process against an in-process emulator.</summary>
public sealed class SampleProgramTests
{
    [Fact]
    public async Task Sample_ApiKeyAgainstCodingApi_PrintsTheEchoAndExitsZero()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        ProcessResult run = await RunSampleAsync(session, EmulatorSession.ApiKey, ["--base-url", session.Emulator.CodingBaseUrl, "Tell me a joke"]);

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal("Echo: Tell me a joke" + Environment.NewLine, run.Stdout);
        Assert.Equal(string.Empty, run.Stderr);
        RecordedRequest request = Assert.Single(session.ChatRequests);
        Assert.Equal(("/coding/v1/chat/completions", 200), (request.Path, request.StatusCode));
        Assert.Equal("kimi_cli", request.Headers["x-msh-platform"]);
    }

    [Fact]
    public async Task Sample_BaseUrlAndModelFromOptionsAndEnvironment_UsesThem()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        ProcessResult run = await RunSampleAsync(
            session,
            EmulatorSession.ApiKey,
            ["--model", "kimi-k2-turbo-preview", "Hello"],
            new Dictionary<string, string> { ["KIMI_BASE_URL"] = session.Emulator.OpenPlatformBaseUrl });

        Assert.True(run.ExitCode == 0, $"exit {run.ExitCode}; stderr: {run.Stderr}");
        Assert.Equal("Echo: Hello" + Environment.NewLine, run.Stdout);
        RecordedRequest request = Assert.Single(session.ChatRequests);
        Assert.Equal("/v1/chat/completions", request.Path);
        Assert.Contains("\"model\":\"kimi-k2-turbo-preview\"", request.Body, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sample_WrongApiKey_OneLineAuthErrorExitsOneWithoutLeakingKey()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        ProcessResult run = await RunSampleAsync(session, "sk-not-a-real-key-9876", ["--base-url", session.Emulator.CodingBaseUrl, "hi"]);

        Assert.Equal(1, run.ExitCode);
        Assert.Equal(string.Empty, run.Stdout);
        string line = Assert.Single(run.StderrLines);
        Assert.StartsWith("provider.auth: The server rejected the credentials (401: ", line, StringComparison.Ordinal);
        Assert.DoesNotContain("   at ", run.Stderr, StringComparison.Ordinal); // no stack trace
        Assert.DoesNotContain("sk-not-a-real-key-9876", run.Stderr, StringComparison.Ordinal);
        Assert.Single(session.ChatRequests);
    }

    [Fact]
    public async Task Sample_MissingApiKey_OneLineErrorExitsTwoWithoutCallingTheServer()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        ProcessResult run = await RunSampleAsync(session, apiKey: null, ["--base-url", session.Emulator.CodingBaseUrl, "hi"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Set KIMI_API_KEY to your Kimi Code API key.", Assert.Single(run.StderrLines));
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Empty(session.State.Requests);
    }

    private static Task<ProcessResult> RunSampleAsync(EmulatorSession session, string? apiKey, string[] args, Dictionary<string, string>? environment = null)
    {
        var all = new Dictionary<string, string>();
        if (apiKey is not null)
        {
            all["KIMI_API_KEY"] = apiKey;
        }

        foreach ((string name, string value) in environment ?? [])
        {
            all[name] = value;
        }

        // Built by the test project's reference to the sample, with this test assembly's configuration.
        string dll = ChildProcess.BuiltAssembly(Path.Combine("samples", "KimiCode.Sample"), "KimiCode.Sample.dll");
        return ChildProcess.RunAsync(ChildProcess.DotnetExec(dll, args, all), stdin: null, session.Ct);
    }
}
