using KimiCode.Cli.Tests.Support;

namespace KimiCode.Cli.Tests.Shell;

/// <summary><c>/usage</c> adds up what the service reported for every model call of this shell.</summary>
public sealed class ShellUsageTests
{
    [Fact]
    public async Task Usage_AfterTwoTurns_SumsTheReportedTokens()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.LoadScript("""
            {"turns":[
              {"text":"one","usage":{"prompt_tokens":1200,"completion_tokens":30,"cached_tokens":1000}},
              {"text":"two","usage":{"prompt_tokens":2500,"completion_tokens":45,"cached_tokens":0}}
            ]}
            """);
        await shell.StartAsync();
        var before = await shell.SendAsync("/usage");
        await shell.SendAsync("first");
        await shell.SendAsync("second");

        var screen = await shell.SendAsync("/usage");
        var after = screen[screen.LastIndexOf("› /usage", StringComparison.Ordinal)..];

        Assert.Matches(@"Model calls\s+0", before);
        Assert.Matches(@"Model calls\s+2", after);
        Assert.Matches(@"Input tokens\s+3,700 \(1,000 from the cache\)", after);
        Assert.Matches(@"Output tokens\s+75", after);
        Assert.Contains("tokens in this session", after);
    }
}
