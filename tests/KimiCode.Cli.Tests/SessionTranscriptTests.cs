using KimiCode.Agent;
using KimiCode.Agent.Sessions;
using KimiCode.Cli.Commands;
using Microsoft.Extensions.AI;

namespace KimiCode.Cli.Tests;

/// <summary><c>kimi sessions show|export</c> of a session where the user ran a <c>!command</c>.</summary>
public sealed class SessionTranscriptTests
{
    private static readonly AgentEvent[] Transcript =
    [
        new TurnStarted("t1", "ignored", [new TextContent(UserShellCommand.Input("grep -c x <a.txt")), new TextContent(UserShellCommand.Output("3 <matches>\n", false))]),
        new TurnStarted("t2", "what did grep say?"),
        new TextDelta("It found 3."),
    ];

    [Fact]
    public void Text_BangCommand_ShownAsTypedWithItsOutputNotTheRecordedMarkup()
    {
        var text = SessionTranscript.Text(Info(), Transcript, DateTimeOffset.UtcNow);

        Assert.Contains("› !grep -c x <a.txt\n", text, StringComparison.Ordinal);
        Assert.Contains("● Bash: grep -c x <a.txt", text, StringComparison.Ordinal);
        Assert.Contains("3 <matches>", text, StringComparison.Ordinal);
        Assert.Contains("› what did grep say?", text, StringComparison.Ordinal);
        Assert.DoesNotContain("bash-input", text, StringComparison.Ordinal);
        Assert.DoesNotContain("&lt;", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Markdown_BangCommand_ShownAsTypedWithItsOutputNotTheRecordedMarkup()
    {
        var md = SessionTranscript.Markdown(Info(), Transcript);

        Assert.Contains("## You\n\n!grep -c x <a.txt\n", md, StringComparison.Ordinal);
        Assert.Contains("3 <matches>", md, StringComparison.Ordinal);
        Assert.DoesNotContain("bash-stdout", md, StringComparison.Ordinal);
    }

    private static SessionInfo Info() => new("0190d1e2-0000-7000-8000-000000000001", "bang", DateTimeOffset.UtcNow, DateTimeOffset.UtcNow, 3, "/work", "kimi-for-coding");
}
