using KimiCode.Cli.Commands;
using KimiCode.Cli.Tests.Support;

namespace KimiCode.Cli.Tests.Commands;

/// <summary>A cut or filtered answer is never passed off as complete: <c>kimi -p</c> and the shell say how the turn ended.</summary>
public sealed class StopNoticeTests
{
    private static async Task<(int Exit, string Out, string Error)> PrintAsync(ShellHarness harness, string outputFormat = "text")
    {
        var output = new StringWriter();
        var error = new StringWriter();
        var inner = harness.Environment();
        var env = new CliEnvironment
        {
            GetVariable = inner.GetVariable,
            Out = output,
            Error = error,
            In = TextReader.Null,
            CurrentDirectory = harness.WorkDir,
            ErrorIsTerminal = false,
        };
        var exit = await PrintMode.RunAsync(env, new PrintMode.Options { Prompt = "hello", OutputFormat = outputFormat }, TestContext.Current.CancellationToken);
        return (exit, output.ToString(), error.ToString());
    }

    [Theory]
    [InlineData("length", "error: the answer was cut at the model's output limit (max_tokens); ask for a shorter answer or split the task. [agent.max_tokens]")]
    [InlineData("content_filter", "error: the model's content filter stopped the answer (refusal); rephrase the request. [agent.refusal]")]
    public async Task Print_CutOrFilteredAnswer_PartialAnswerOneStderrLineExitOne(string finishReason, string notice)
    {
        await using var harness = await ShellHarness.CreateAsync();
        harness.Emulator.State.LoadScript($$"""{"turns":[{"text":"The first half","finish_reason":"{{finishReason}}"}]}""");

        var (exit, output, error) = await PrintAsync(harness);

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Equal("The first half\n", output.ReplaceLineEndings("\n"));
        Assert.Equal(notice + "\n", error.ReplaceLineEndings("\n"));
    }

    [Theory]
    [InlineData("length", "max_tokens")]
    [InlineData("content_filter", "refusal")]
    public async Task PrintStreamJson_CutOrFilteredAnswer_ResultNamesTheStopReason(string finishReason, string stopReason)
    {
        await using var harness = await ShellHarness.CreateAsync();
        harness.Emulator.State.LoadScript($$"""{"turns":[{"text":"The first half","finish_reason":"{{finishReason}}"}]}""");

        var (exit, output, _) = await PrintAsync(harness, "stream-json");

        Assert.Equal(ExitCodes.Failure, exit);
        Assert.Contains($"\"stop_reason\":\"{stopReason}\"", output, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("length", "! The answer was cut at the model's output limit; type \"go on\" to continue, or ask for less.")]
    [InlineData("content_filter", "! The model's content filter stopped the answer; rephrase the request.")]
    public async Task Shell_CutOrFilteredAnswer_OneLineNotice(string finishReason, string notice)
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.LoadScript($$"""{"turns":[{"text":"The first half","finish_reason":"{{finishReason}}"}]}""");
        await shell.StartAsync();

        var screen = await shell.SendAsync("write it all");

        Assert.Contains("The first half", screen);
        Assert.Contains(notice, screen);
    }
}
