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

    [Fact]
    public async Task Usage_ServiceReportsThePlan_ShowsEachLimitWithItsShare()
    {
        await using var shell = await ShellHarness.CreateAsync();
        await shell.StartAsync();

        var screen = await shell.SendAsync("/usage");

        Assert.Matches(@"5h limit\s+12 of 100 used \(12%\) · resets in", screen);
        Assert.Matches(@"Weekly limit\s+40 of 1,000 used \(4%\) · resets in", screen);
        Assert.Contains(shell.Emulator.State.Requests, r => r.Path == "/coding/v1/usages");
    }

    [Fact]
    public async Task Usage_ScriptedPlan_ShowsTheServicesNumbersAndNames()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.SetPlanUsage("""
            {"usage":{"used":"999","limit":"2000"},
             "limits":[{"window":{"duration":1,"timeUnit":"TIME_UNIT_DAY"},"detail":{"used":7,"limit":"10"}},
                       {"name":"Burst","detail":{"used":"3","limit":"0"}},
                       {"window":{"duration":5},"detail":"broken"}]}
            """);
        await shell.StartAsync();

        var screen = await shell.SendAsync("/usage");

        Assert.Matches(@"1d limit\s+7 of 10 used \(70%\)", screen);
        Assert.Matches(@"Burst limit\s+3 of 0 used", screen);
        Assert.Matches(@"Weekly limit\s+999 of 2,000 used \(49%\)", screen);
        Assert.DoesNotContain("resets in", screen, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Usage_ServiceFails_OneLineSaysWhyAndTheTokensStillShow()
    {
        await using var shell = await ShellHarness.CreateAsync();
        shell.Emulator.State.InjectFault(new KimiCode.Emulator.EmulatorFault { Target = "usages", Count = 1, Status = 503 });
        await shell.StartAsync();

        var screen = await shell.SendAsync("/usage");

        Assert.Contains("Plan quota", screen, StringComparison.Ordinal);
        Assert.Contains("not shown: the service answered HTTP 503; try again later", screen, StringComparison.Ordinal);
        Assert.Matches(@"Model calls\s+0", screen);
    }
}
