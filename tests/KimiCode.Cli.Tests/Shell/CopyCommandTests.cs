using System.Text;
using System.Text.RegularExpressions;
using KimiCode.Cli.Shell.Commands;
using KimiCode.Cli.Tests.Support;

namespace KimiCode.Cli.Tests.Shell;

/// <summary><c>/copy</c>: the last answer or its last code block reaches the clipboard through OSC 52.</summary>
public sealed partial class CopyCommandTests
{
    private const string Curl = "curl -s -H 'Authorization: Bearer $TOKEN' https://api.example.com/v1/projects/12345/items?limit=100 | jq '.items[].name'";

    private const string Script = """
        {"turns":[{"text":"First:\n\n```python\nprint(1)\n```\n\nThen:\n\n```bash\ncurl -s -H 'Authorization: Bearer $TOKEN' https://api.example.com/v1/projects/12345/items?limit=100 | jq '.items[].name'\n\techo done\n```\n\nThat is all.","chunk_size":9}]}
        """;

    [Fact]
    public async Task CopyCode_AfterAnAnswer_Osc52PayloadIsTheLastCodeBlockExactly()
    {
        await using var shell = await AnsweredAsync();

        var screen = await shell.SendAsync("/copy code");

        Assert.Equal(Curl + "\n\techo done", Assert.Single(Payloads(shell.Terminal.Raw)));
        Assert.Contains("the last code block to the clipboard (2 lines, ", screen);
    }

    [Fact]
    public async Task Copy_AfterAnAnswer_Osc52PayloadIsTheWholeAnswer()
    {
        await using var shell = await AnsweredAsync();

        var screen = await shell.SendAsync("/copy");

        var payload = Assert.Single(Payloads(shell.Terminal.Raw));
        Assert.StartsWith("First:\n\n```python\nprint(1)\n```", payload);
        Assert.EndsWith("```\n\nThat is all.", payload);
        Assert.Contains("the last answer to the clipboard (", screen);
    }

    [Fact]
    public async Task Copy_BeforeAnyAnswer_OneLineErrorNothingSent()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("/copy");

        Assert.Contains("cli.usage", screen);
        Assert.Contains("There is no answer to copy yet", screen);
        Assert.Empty(Payloads(shell.Terminal.Raw));
    }

    [Fact]
    public async Task Copy_UnknownArgument_OneLineErrorNothingSent()
    {
        await using var shell = await AnsweredAsync();

        var screen = await shell.SendAsync("/copy everything");

        Assert.Contains("/copy takes code or nothing", screen);
        Assert.Empty(Payloads(shell.Terminal.Raw));
    }

    [Fact]
    public void SupportsOsc52_UnknownTerminal_False_KnownTerminal_True()
    {
        Assert.False(CopyCommand.SupportsOsc52(_ => null));
        Assert.False(CopyCommand.SupportsOsc52(name => name == "TERM" ? "xterm-256color" : null));
        Assert.True(CopyCommand.SupportsOsc52(name => name == "TERM_PROGRAM" ? "WezTerm" : null));
        Assert.True(CopyCommand.SupportsOsc52(name => name == "TERM" ? "xterm-kitty" : null));
    }

    /// <summary>A shell that has shown the scripted answer (two code blocks).</summary>
    private static async Task<ShellHarness> AnsweredAsync()
    {
        var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.LoadScript(Script);
        await shell.StartAsync();
        await shell.SendAsync("how do I list the items?");
        return shell;
    }

    private static List<string> Payloads(string raw) =>
        [.. Osc52().Matches(raw).Select(m => Encoding.UTF8.GetString(Convert.FromBase64String(m.Groups[1].Value)))];

    [GeneratedRegex("\u001b\\]52;c;([A-Za-z0-9+/=]*)\u0007")]
    private static partial Regex Osc52();
}
