using KimiCode.Hosting;

namespace KimiCode.Cli.Tests;

/// <summary>The <c>/usages</c> body as the service sends it (numbers as strings), and what the reader does with odd ones.</summary>
public sealed class PlanUsageParseTests
{
    [Fact]
    public void Parse_ServiceShape_WindowedLimitsThenTheWeeklyTotal()
    {
        var report = PlanUsage.Parse("""
            {"usage":{"used":"40","limit":"1000","resetTime":"2026-12-09T05:20:51Z"},
             "limits":[{"window":{"duration":300,"timeUnit":"TIME_UNIT_MINUTE"},"detail":{"used":"1","limit":"100"}},
                       {"window":{"duration":90,"timeUnit":"TIME_UNIT_MINUTE"},"detail":{"used":"2","limit":"5"}}]}
            """);

        Assert.Null(report.Problem);
        Assert.Equal(
            [new PlanUsageRow("5h", 1, 100, null), new PlanUsageRow("90m", 2, 5, null), new PlanUsageRow("Weekly", 40, 1000, new DateTimeOffset(2026, 12, 9, 5, 20, 51, TimeSpan.Zero))],
            report.Rows);
    }

    [Theory]
    [InlineData("not json", "was not understood")]
    [InlineData("[1,2]", "was not understood")]
    [InlineData("""{"limits":[{"detail":"broken"},{"window":"x","detail":{"used":"a"}}]}""", "reported no limits")]
    [InlineData("{}", "reported no limits")]
    public void Parse_OddBodies_NoRowsAndOneLineWhy(string body, string why)
    {
        var report = PlanUsage.Parse(body);

        Assert.Empty(report.Rows);
        Assert.Contains(why, report.Problem, StringComparison.Ordinal);
    }
}
