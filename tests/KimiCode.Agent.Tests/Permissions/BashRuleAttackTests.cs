using KimiCode.Agent.Permissions;
using KimiCode.Agent.Permissions.Shell;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.PermissionTests;

/// <summary>Rewrites a hostile model tries against <c>Bash(…)</c> rules: each one held by the parsed command line.</summary>
public sealed class BashRuleAttackTests
{
    private const string Work = "/work/project";

    private static StubCall Command(string command) => new() { Title = "t", Kind = ToolKind.Execute, Action = PermissionAction.Execute, Subject = command };

    private static PermissionPolicy Policy(PermissionMode mode, params PermissionRule[] rules) => new(mode, rules, Work, ["/work/shared"]);

    private static PermissionRule Allow(string text) => PermissionRule.Parse(text, PermissionDecision.Allow);

    private static PermissionRule Ask(string text) => PermissionRule.Parse(text, PermissionDecision.Ask);

    private static PermissionRule Deny(string text) => PermissionRule.Parse(text, PermissionDecision.Deny);

    [Theory]
    [InlineData("ls > /outside/file")]
    [InlineData("ls >/outside/file")]
    [InlineData("ls -la >> /etc/profile")]
    [InlineData("ls 2>/tmp/x")]
    [InlineData("ls 1<> /tmp/x")]
    [InlineData("ls >& /tmp/x")]
    [InlineData("ls > \"/outside/file\"")]
    [InlineData("ls > ../outside")]
    [InlineData("ls > ~/.bashrc")]
    [InlineData("ls > $HOME/.bashrc")]
    [InlineData("ls > /work/project/../other/x")]
    [InlineData("ls > *.txt")]
    [InlineData("cd /tmp && ls > x")]
    [InlineData("ls\nls > /tmp/x")]
    [InlineData("ls > .git/hooks/pre-commit")]
    [InlineData("ls > src/../.git/config")]
    [InlineData("ls >> .bashrc")]
    [InlineData("ls > .vscode/tasks.json")]
    [InlineData("ls 2>/dev/null/../../etc/x")]
    [InlineData("ls > /dev/fd/3")]
    public void AllowRule_RedirectionOutsideTheWorkspace_Asks(string command)
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash(ls*)"), Allow("Bash(cd*)"));

        var verdict = policy.Evaluate("Bash", Command(command));

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
    }

    /// <summary>Regression guards: redirections that stay inside were allowed before and still are.</summary>
    [Theory]
    [InlineData("ls > out.txt")]
    [InlineData("ls > /work/project/build/out.txt")]
    [InlineData("ls > /work/shared/out.txt")]
    [InlineData("ls > /dev/null 2>&1")]
    [InlineData("ls 2>/dev/null >&2")]
    [InlineData("ls >/dev/stderr")]
    [InlineData("ls  -la")]
    [InlineData("ls 'a && b' | ls")]
    public void AllowRule_RedirectionInsideTheWorkspace_Allows(string command)
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash(ls*)"));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command(command)).Decision);
    }

    [Theory]
    [InlineData("rm  -rf /x")]
    [InlineData("rm\t-rf /x")]
    [InlineData("/bin/rm -rf /x")]
    [InlineData("./rm -rf /x")]
    [InlineData("bash -c \"rm -rf /x\"")]
    [InlineData("sh -c 'rm -rf /x'")]
    [InlineData("bash -lc 'rm -rf /x'")]
    [InlineData("zsh -c 'cd / && rm -rf /x'")]
    [InlineData("dash -c \"sh -c 'rm -rf /x'\"")]
    [InlineData("env rm -rf /x")]
    [InlineData("env -i FOO=1 rm -rf /x")]
    [InlineData("sudo rm -rf /x")]
    [InlineData("sudo -u root -E rm -rf /x")]
    [InlineData("command rm -rf /x")]
    [InlineData("exec rm -rf /x")]
    [InlineData("nohup rm -rf /x")]
    [InlineData("time rm -rf /x")]
    [InlineData("nice -n 5 rm -rf /x")]
    [InlineData("timeout -s KILL 5 rm -rf /x")]
    [InlineData("stdbuf -oL rm -rf /x")]
    [InlineData("FOO=1 rm -rf /x")]
    [InlineData("FOO=1 BAR='a b' rm -rf /x")]
    [InlineData("\\rm -rf /x")]
    [InlineData("r''m -rf /x")]
    [InlineData("\"rm\" -rf /x")]
    [InlineData("rm -r''f /x")]
    [InlineData("$'rm' -rf /x")]
    [InlineData("$'\\x72m' -rf /x")]
    [InlineData("echo $(rm -rf /x)")]
    [InlineData("echo \"$(rm -rf /x)\"")]
    [InlineData("echo `rm -rf /x`")]
    [InlineData("(rm -rf /x)")]
    [InlineData("{ rm -rf /x; }")]
    [InlineData("echo x | xargs rm -rf")]
    [InlineData("echo x | xargs -0 -n 1 rm -rf")]
    [InlineData("find . -exec rm -rf {} \\;")]
    [InlineData("find . -name x -execdir rm -rf {} +")]
    [InlineData("cat <(rm -rf /x)")]
    [InlineData("echo ${X:-$(rm -rf /x)}")]
    [InlineData("cat <<EOF\n$(rm -rf /x)\nEOF")]
    [InlineData("if true; then rm -rf /x; fi")]
    [InlineData("for f in a; do rm -rf /x; done")]
    [InlineData("rm${IFS}-rf /x")]
    [InlineData("rm$IFS-rf$IFS/x")]
    [InlineData("r${x}m -rf /x")]
    [InlineData("r$@m -rf /x")]
    [InlineData("r\0m -rf /x")]
    [InlineData("ionice -c 3 rm -rf /x")]
    [InlineData("flock /tmp/lock rm -rf /x")]
    [InlineData("flock -c 'rm -rf /x' /tmp/lock")]
    [InlineData("watch -n 1 rm -rf /x")]
    [InlineData("strace -o /dev/null rm -rf /x")]
    [InlineData("chroot / rm -rf /x")]
    [InlineData("taskset -c 1 rm -rf /x")]
    [InlineData("unbuffer rm -rf /x")]
    [InlineData("script -qc 'rm -rf /x' /dev/null")]
    [InlineData("true | sudo env nohup /usr/bin/rm -rf /x")]
    public void DenyRule_RewrittenCommand_IsStillDenied(string command)
    {
        var policy = Policy(PermissionMode.Yolo, Deny("Bash(rm -rf*)"));

        var verdict = policy.Evaluate("Bash", Command(command));

        Assert.Equal(PermissionDecision.Deny, verdict.Decision);
        Assert.Contains("Bash(rm -rf*)", verdict.Reason);
    }

    [Theory]
    [InlineData("git  push origin main")]
    [InlineData("env git push")]
    [InlineData("bash -c 'git push'")]
    [InlineData("/usr/bin/git push")]
    public void AskRule_RewrittenCommand_StillAsks(string command)
    {
        var policy = Policy(PermissionMode.Yolo, Ask("Bash(git push*)"));

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command(command)).Decision);
    }

    [Theory]
    [InlineData("ls 'unbalanced")]
    [InlineData("ls \"unbalanced")]
    [InlineData("ls $'unbalanced")]
    [InlineData("ls 'a\nb")]
    [InlineData("ls\0 > /tmp/x")]
    public void AllowRule_LineItCannotParse_Asks(string command)
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash(ls*)"));

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command(command)).Decision);
    }

    [Fact]
    public void DenyRule_CommandPaddedPastTheParserLimit_IsDenied()
    {
        var policy = Policy(PermissionMode.Yolo, Deny("Bash(rm -rf*)"));
        var padded = "rm  -rf /x # " + new string('a', ShellParser.MaxLength);
        var deep = string.Concat(Enumerable.Repeat("( ", ShellParser.MaxDepth + 1)) + "rm  -rf /x" + string.Concat(Enumerable.Repeat(" )", ShellParser.MaxDepth + 1));

        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Bash", Command(padded)).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Bash", Command(deep)).Decision);
    }

    /// <summary>Regression guards: these asked before the parser too, and must keep asking.</summary>
    [Theory]
    [InlineData("ls $(rm -rf /x)")]
    [InlineData("ls `rm -rf /x`")]
    [InlineData("ls; eval 'rm -rf /x'")]
    [InlineData("ls && source ./x.sh")]
    [InlineData("$X -la")]
    [InlineData("l* -la")]
    [InlineData("for f in *; do ls $f; done")]
    [InlineData("./ls -la")]
    [InlineData("PATH=/tmp ls")]
    [InlineData("PATH=/tmp; ls")]
    [InlineData("sudo ls")]
    [InlineData("echo x | xargs ls")]
    [InlineData("find . -exec ls {} \\;")]
    [InlineData("bash -c 'ls'")]
    [InlineData("ls &> /tmp/x")]
    [InlineData("ls &>> /tmp/x")]
    [InlineData("ls >| /tmp/x")]
    [InlineData("{ ls; } > /tmp/x")]
    public void AllowRule_CommandItDoesNotCover_StillAsks(string command)
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash(ls*)"));

        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Bash", Command(command)).Decision);
    }

    /// <summary>Regression guard: a deny rule still matches what it matched before.</summary>
    [Theory]
    [InlineData("ls &&\nrm -rf /x")]
    [InlineData("echo 'rm -rf /x'")]
    public void DenyRule_LineAsWritten_StillMatches(string command)
    {
        var policy = Policy(PermissionMode.Yolo, Deny("Bash(*rm -rf*)"));

        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Bash", Command(command)).Decision);
    }

    [Theory]
    [InlineData("/bin/ls -la")]
    [InlineData("command ls")]
    [InlineData("nohup ls -la")]
    [InlineData("time ls")]
    [InlineData("cat <<'EOF'\n$(rm -rf /x)\nEOF")]
    [InlineData("cat <<EOF\nrm -rf /x\nEOF")]
    [InlineData("(ls) && { ls; }")]
    [InlineData("ls -la\t | \\ls")]
    public void AllowRule_HarmlessWrappersAndData_AreCovered(string command)
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash(ls*)"), Allow("Bash(cat*)"));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command(command)).Decision);
    }

    [Fact]
    public void AllowRuleWithoutPattern_StillAllowsEverythingButDenied()
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash"), Deny("Bash(rm -rf*)"));

        Assert.Equal(PermissionDecision.Allow, policy.Evaluate("Bash", Command("ls > /tmp/x; foo $(bar)")).Decision);
        Assert.Equal(PermissionDecision.Deny, policy.Evaluate("Bash", Command("env rm -rf /x")).Decision);
    }

    /// <summary>A computed program name could be the denied command: with a deny rule for Bash, the bare allow rule no longer covers it.</summary>
    [Fact]
    public void AllowRuleWithoutPattern_ComputedProgramUnderDenyRule_Asks()
    {
        var policy = Policy(PermissionMode.Default, Allow("Bash"), Deny("Bash(rm -rf*)"));

        var verdict = policy.Evaluate("Bash", Command("ls > /tmp/x; $(foo)"));

        Assert.Equal(PermissionDecision.Ask, verdict.Decision);
        Assert.StartsWith("the command cannot be checked against the permission rule 'Bash(rm -rf*)'", verdict.Reason, StringComparison.Ordinal);
    }
}
