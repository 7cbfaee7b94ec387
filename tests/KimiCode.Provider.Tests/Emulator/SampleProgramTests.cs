using System.Diagnostics;
using System.Text;
using KimiCode.Emulator;

namespace KimiCode.Provider.Tests.Emulator;

/// <summary>Runs the built <c>samples/KimiCode.Sample</c> as a child process against an in-process emulator.</summary>
public sealed class SampleProgramTests
{
    [Fact]
    public async Task Sample_ApiKeyAgainstCodingApi_PrintsTheEchoAndExitsZero()
    {
        await using EmulatorSession session = await EmulatorSession.StartAsync();

        SampleRun run = await RunSampleAsync(session, EmulatorSession.ApiKey, ["--base-url", session.Emulator.CodingBaseUrl, "Tell me a joke"]);

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

        SampleRun run = await RunSampleAsync(
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

        SampleRun run = await RunSampleAsync(session, "sk-not-a-real-key-9876", ["--base-url", session.Emulator.CodingBaseUrl, "hi"]);

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

        SampleRun run = await RunSampleAsync(session, apiKey: null, ["--base-url", session.Emulator.CodingBaseUrl, "hi"]);

        Assert.Equal(2, run.ExitCode);
        Assert.Equal("Set KIMI_API_KEY to your Kimi Code API key.", Assert.Single(run.StderrLines));
        Assert.Equal(string.Empty, run.Stdout);
        Assert.Empty(session.State.Requests);
    }

    private static async Task<SampleRun> RunSampleAsync(EmulatorSession session, string? apiKey, string[] args, Dictionary<string, string>? environment = null)
    {
        string dll = SampleDll();
        var start = new ProcessStartInfo(Environment.GetEnvironmentVariable("DOTNET_HOST_PATH") is { Length: > 0 } host ? host : "dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            StandardOutputEncoding = Encoding.UTF8,
            StandardErrorEncoding = Encoding.UTF8,
        };
        start.ArgumentList.Add("exec");
        start.ArgumentList.Add(dll);
        foreach (string arg in args)
        {
            start.ArgumentList.Add(arg);
        }

        // A clean environment: nothing from a developer's own Kimi setup leaks into the child.
        foreach (string name in start.Environment.Keys.Where(k => k.StartsWith("KIMI_", StringComparison.OrdinalIgnoreCase)).ToList())
        {
            start.Environment.Remove(name);
        }

        start.Environment["DOTNET_CLI_TELEMETRY_OPTOUT"] = "1";
        start.Environment["DOTNET_NOLOGO"] = "1";
        if (apiKey is not null)
        {
            start.Environment["KIMI_API_KEY"] = apiKey;
        }

        foreach ((string name, string value) in environment ?? [])
        {
            start.Environment[name] = value;
        }

        using Process process = Process.Start(start) ?? throw new InvalidOperationException("could not start dotnet");
        process.StandardInput.Close();
        Task<string> stdout = process.StandardOutput.ReadToEndAsync(session.Ct);
        Task<string> stderr = process.StandardError.ReadToEndAsync(session.Ct);
        try
        {
            await process.WaitForExitAsync(session.Ct);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return new SampleRun(process.ExitCode, await stdout, await stderr);
    }

    /// <summary>The sample built with the same configuration as this test assembly (…/bin/&lt;Configuration&gt;/net10.0/).</summary>
    private static string SampleDll()
    {
        string testOutput = Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory);
        string framework = Path.GetFileName(testOutput);
        string configuration = Path.GetFileName(Path.GetDirectoryName(testOutput)!);
        string dll = Path.Combine(RepositoryRoot(), "samples", "KimiCode.Sample", "bin", configuration, framework, "KimiCode.Sample.dll");
        Assert.True(File.Exists(dll), $"The sample is not built at {dll}; the test project's reference to it should have built it.");
        return dll;
    }

    private static string RepositoryRoot()
    {
        for (DirectoryInfo? dir = new(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "KimiCode.slnx")))
            {
                return dir.FullName;
            }
        }

        throw new InvalidOperationException($"No KimiCode.slnx above {AppContext.BaseDirectory}.");
    }

    private sealed record SampleRun(int ExitCode, string Stdout, string Stderr)
    {
        public string[] StderrLines => Stderr.Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
    }
}
