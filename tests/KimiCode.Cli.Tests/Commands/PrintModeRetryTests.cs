using KimiCode.Cli.Commands;
using KimiCode.Cli.Tests.Support;
using KimiCode.Emulator;

namespace KimiCode.Cli.Tests.Commands;

/// <summary><c>kimi -p</c> in process against the emulator: every retry is one stderr line with its reason, terminal or not.</summary>
public sealed class PrintModeRetryTests
{
    private static async Task<(int Exit, string Out, string Error)> RunAsync(ShellHarness harness, params (string Name, string Value)[] variables)
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var inner = harness.Environment();
        var env = new CliEnvironment
        {
            GetVariable = name => variables.FirstOrDefault(v => v.Name == name).Value ?? inner.GetVariable(name),
            Out = output,
            Error = error,
            In = TextReader.Null,
            CurrentDirectory = harness.WorkDir,
            ErrorIsTerminal = false,
        };
        var exit = await PrintMode.RunAsync(env, new PrintMode.Options { Prompt = "hello" }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Fact]
    public async Task ServerErrorsThenAnswer_OneStderrLinePerRetryWithTheReason()
    {
        await using var harness = await ShellHarness.CreateAsync();
        harness.Emulator.State.InjectFault(new EmulatorFault { Status = 500, Count = 2 });

        var (exit, output, error) = await RunAsync(harness);

        Assert.Equal(ExitCodes.Success, exit);
        Assert.Equal("Echo: hello\n", output.ReplaceLineEndings("\n"));
        var lines = error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.Matches(@"^kimi: retrying in [0-9.]+ s \(attempt 2 of 10\): The server failed \(500: .+\)\. Try again later\.$", lines[0]);
        Assert.Matches(@"^kimi: retrying in [0-9.]+ s \(attempt 3 of 10\): The server failed \(500: .+\)\. Try again later\.$", lines[1]);
    }

    [Fact]
    public async Task AttemptsFromTheEnvironmentRunOut_FinalLineKeepsTheReasonAndSaysGaveUp()
    {
        await using var harness = await ShellHarness.CreateAsync();
        harness.Emulator.State.InjectFault(new EmulatorFault { Status = 500, Count = 5 });

        var (exit, _, error) = await RunAsync(harness, ("KIMI_LOOP_MAX_ATTEMPTS_PER_STEP", "2"));

        Assert.Equal(ExitCodes.Retryable, exit);
        var lines = error.ReplaceLineEndings("\n").TrimEnd('\n').Split('\n');
        Assert.Equal(2, lines.Length);
        Assert.StartsWith("kimi: retrying in ", lines[0], StringComparison.Ordinal);
        Assert.Contains("(attempt 2 of 2): The server failed (500: ", lines[0], StringComparison.Ordinal);
        Assert.Matches(@"^error: The server failed \(500: .+\)\. Try again later\. \(gave up after 2 attempts in [0-9.]+ s\) \[provider\.server\]$", lines[1]);
        Assert.Equal(2, harness.ChatRequests().Count);
    }
}
