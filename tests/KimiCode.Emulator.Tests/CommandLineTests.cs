using System.Diagnostics;
using System.Net.Http.Headers;

namespace KimiCode.Emulator.Tests;

public sealed class CommandLineTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public void Parse_AllFlags_OptionsSet()
    {
        var options = CommandLine.Parse(
            ["--port", "8123", "--script", "s.json", "--auto-approve", "--token-lifetime", "60", "--poll-interval", "1", "--allow-platform", "a", "--allow-platform", "b", "--api-key", "k1", "--api-key", "k2", "--chunk-size", "1048576"],
            out var error,
            out var help);

        Assert.Null(error);
        Assert.False(help);
        Assert.NotNull(options);
        Assert.Equal(8123, options.Port);
        Assert.Equal("s.json", options.ScriptPath);
        Assert.True(options.AutoApprove);
        Assert.Equal(TimeSpan.FromSeconds(60), options.AccessTokenLifetime);
        Assert.Equal(1, options.PollIntervalSeconds);
        Assert.Equal(["a", "b"], options.AllowedPlatforms);
        Assert.Equal(["k1", "k2"], options.ApiKeys);
        Assert.Equal(1048576, options.ChunkSize);
        Assert.Contains("--chunk-size N", CommandLine.Usage, StringComparison.Ordinal); // scripts look for it in --help
    }

    [Fact]
    public void Parse_NoChunkSize_EightCharactersAPiece()
    {
        var options = CommandLine.Parse([], out _, out _);

        Assert.Equal(8, options!.ChunkSize);
    }

    [Theory]
    [InlineData("--bogus")]
    [InlineData("--port", "many")]
    [InlineData("--port")]
    [InlineData("--token-lifetime", "0")]
    [InlineData("--chunk-size", "0")]
    [InlineData("--chunk-size", "-3")]
    public void Parse_BadFlag_ErrorNamesTheProblem(params string[] args)
    {
        var options = CommandLine.Parse(args, out var error, out _);
        Assert.Null(options);
        Assert.NotNull(error);
        Assert.Contains(args[0], error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Cli_PortZero_PrintsListeningServesModelsAndStopsOnSigterm()
    {
        using var process = Process.Start(EmulatorProcess("--port", "0", "--api-key", "sk-cli")) ?? throw new InvalidOperationException("could not start kimi-emulator");
        try
        {
            var line = await process.StandardOutput.ReadLineAsync(Ct).AsTask().WaitAsync(TestTimeouts.Default, Ct);
            Assert.NotNull(line);
            Assert.Matches("^listening http://127\\.0\\.0\\.1:[0-9]+$", line);
            var baseUrl = line["listening ".Length..];

            using var http = new HttpClient();
            using var request = new HttpRequestMessage(HttpMethod.Get, baseUrl + "/coding/v1/models");
            request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "sk-cli");
            request.Headers.Add("X-Msh-Platform", "kimi_cli");
            using var response = await http.SendAsync(request, Ct);
            Assert.Equal(200, (int)response.StatusCode);
            Assert.Contains("kimi-for-coding", await response.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

            if (OperatingSystem.IsLinux() || OperatingSystem.IsMacOS())
            {
                using var kill = Process.Start("kill", ["-TERM", process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]);
                await kill.WaitForExitAsync(Ct);
                await process.WaitForExitAsync(Ct).WaitAsync(TestTimeouts.Default, Ct);
                Assert.Equal(0, process.ExitCode);
                Assert.Equal("", (await process.StandardOutput.ReadToEndAsync(Ct)).Trim());
            }
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
    }

    [Fact]
    public async Task Cli_BadFlag_ExitCodeTwoWithUsageOnStderr()
    {
        var result = await ChildProcess.RunAsync(EmulatorProcess("--no-such-flag"), stdin: null, Ct);

        Assert.Equal(2, result.ExitCode);
        Assert.Equal("", result.Stdout);
        var error = result.Stderr;
        Assert.StartsWith("kimi-emulator: unknown option '--no-such-flag'", error, StringComparison.Ordinal);
        Assert.Contains("usage: kimi-emulator", error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task StartAsync_ScriptPath_TurnsLoadedFromFile()
    {
        using var dir = new TempFolder("kimi-emulator-test");
        var script = Path.Combine(dir.Path, "script.json");
        await File.WriteAllTextAsync(script, """{"turns":[{"text":"one"},{"text":"two"}]}""", Ct);
        var options = new EmulatorOptions { ScriptPath = script };
        await using var emulator = await KimiEmulator.StartAsync(options, Ct);
        Assert.Equal(2, emulator.State.ScriptTurnsRemaining);
        Assert.StartsWith("http://127.0.0.1:", emulator.BaseUrl, StringComparison.Ordinal);
        Assert.Equal(emulator.BaseUrl + "/coding/v1", emulator.CodingBaseUrl);
        Assert.Equal(emulator.BaseUrl + "/v1", emulator.OpenPlatformBaseUrl);
    }

    [Fact]
    public async Task Cli_InvalidScriptFile_ExitOneWithReason()
    {
        using var dir = new TempFolder("kimi-emulator-test");
        var script = Path.Combine(dir.Path, "bad.json");
        await File.WriteAllTextAsync(script, """{"turns":"nope"}""", Ct);
        var result = await ChildProcess.RunAsync(EmulatorProcess("--script", script), stdin: null, Ct);

        Assert.Equal(1, result.ExitCode);
        Assert.Equal("", result.Stdout);
        Assert.Contains("turns", result.Stderr, StringComparison.Ordinal);
    }

    // The emulator assembly is copied next to the tests with its runtimeconfig; run it through the same dotnet host.
    private static ProcessStartInfo EmulatorProcess(params string[] args) => ChildProcess.DotnetExec(typeof(KimiEmulator).Assembly.Location, args);
}
