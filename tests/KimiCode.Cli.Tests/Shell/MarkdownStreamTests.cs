using KimiCode.Cli.Shell;

namespace KimiCode.Cli.Tests.Shell;

public sealed class MarkdownStreamTests
{
    [Fact]
    public void TakeComplete_ParagraphWithoutBlankLine_WaitsForMore()
    {
        var stream = new MarkdownStream();
        stream.Append("First sentence.\nSecond line");

        Assert.Null(stream.TakeComplete());
        Assert.Equal("First sentence.\nSecond line", stream.Pending);
    }

    [Fact]
    public void TakeComplete_BlankLine_CompletesTheParagraph()
    {
        var stream = new MarkdownStream();
        stream.Append("One.\n\nTwo");

        Assert.Equal("One.\n\n", stream.TakeComplete());
        Assert.Equal("Two", stream.Pending);
    }

    [Fact]
    public void TakeComplete_BlankLineInsideCodeFence_DoesNotCut()
    {
        var stream = new MarkdownStream();
        stream.Append("```\na\n\nb\n");
        Assert.Null(stream.TakeComplete());

        stream.Append("```\nafter");
        Assert.Equal("```\na\n\nb\n```\n", stream.TakeComplete());
        Assert.Equal("after", stream.Pending);
    }

    [Fact]
    public void TakeComplete_HeadingLine_IsCompleteAtOnce()
    {
        var stream = new MarkdownStream();
        stream.Append("## Heading\nbody");

        Assert.Equal("## Heading\n", stream.TakeComplete());
    }

    [Fact]
    public void TakeComplete_PiecesArrivingOneCharacterAtATime_CutOnlyAtBlockEnds()
    {
        var stream = new MarkdownStream();
        var taken = new List<string>();
        foreach (var c in "# H\n\npara one\nstill one\n\n- a\n- b\n\n")
        {
            stream.Append(c.ToString());
            if (stream.TakeComplete() is { } block)
            {
                taken.Add(block);
            }
        }

        Assert.Equal(["# H\n", "\npara one\nstill one\n\n", "- a\n- b\n\n"], taken);
        Assert.True(stream.IsEmpty);
    }

    [Fact]
    public void TakeAll_ReturnsTheRestAndEmpties()
    {
        var stream = new MarkdownStream();
        stream.Append("tail without newline");

        Assert.Equal("tail without newline", stream.TakeAll());
        Assert.True(stream.IsEmpty);
        Assert.Null(stream.TakeAll());
    }
}
