namespace KimiCode.EndToEnd.Tests.Shell;

/// <summary>The golden-file helper itself: what it normalises and how it reports a difference.</summary>
public sealed class GoldenScreenTests
{
    [Fact]
    public void Normalize_VariableParts_Replaced()
    {
        var screen = "kimi 0.1.0 · model\n/tmp/x/work   \n⠙ Thinking… (12s · Ctrl-C to cancel)\n 1 01a232a3-4491-72de-8aea-7010c22d4144  just now  2 messages\nopen http://127.0.0.1:41234/device\n\n\n";

        var normalized = GoldenScreen.Normalize(screen, ("/tmp/x/work", "<work>"));

        Assert.Equal("kimi <version> · model\n<work>\n⠿ Thinking… (<time> · Ctrl-C to cancel)\n 1 <id>  <when>  2 messages\nopen http://127.0.0.1:<port>/device\n", normalized);
    }

    [Fact]
    public void Diff_ChangedLine_MarkedMinusAndPlus()
    {
        var diff = GoldenScreen.Diff("same\nold\nend", "same\nnew\nend");

        Assert.Equal("  same\n- old\n+ new\n  end\n", diff);
    }
}
