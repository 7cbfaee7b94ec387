using KimiCode.Agent.Permissions.Shell;
using KimiCode.Testing;

namespace KimiCode.Agent.Tests.PermissionTests;

public sealed class ShellParserTests
{
    private static string[] Commands(string line) => ShellParser.Parse(line).Commands.Select(static c => c.Views[0]).ToArray();

    private static string[] AllowTexts(string line) => ShellParser.Parse(line).Commands.Select(static c => c.AllowText).ToArray();

    [Theory]
    [InlineData("ls", new[] { "ls" })]
    [InlineData("  ls   -la\t x  ", new[] { "ls -la x" })]
    [InlineData("a; b && c || d | e |& f & g\nh", new[] { "a", "b", "c", "d", "e", "f", "g", "h" })]
    [InlineData("echo 'a; b' \"c && d\" e\\;f", new[] { "echo a; b c && d e;f" })]
    [InlineData("r''m \"-\"rf \\/x", new[] { "rm -rf /x" })]
    [InlineData("$'\\x72\\155' $'a\\tb'", new[] { "rm a\tb" })]
    [InlineData("(a; b) && { c; }", new[] { "a", "b", "c" })]
    [InlineData("echo $(a $(b)) `c`", new[] { "b", "a $(b)", "c", "echo $(a $(b)) `c`" })]
    [InlineData("diff <(a) >(b)", new[] { "a", "b", "diff <(a) >(b)" })]
    [InlineData("echo \"x $(a) y\"", new[] { "a", "echo x $(a) y" })]
    [InlineData("FOO=1 BAR=\"a b\" cmd arg", new[] { "cmd arg" })]
    [InlineData("FOO=$(a)", new[] { "a", "FOO=$(a)" })]
    [InlineData("ls # a comment; rm -rf /", new[] { "ls" })]
    [InlineData("ls #a\n# whole line\nb", new[] { "ls", "b" })]
    [InlineData("ls \\\n  -la", new[] { "ls -la" })]
    [InlineData("cat <<EOF\nrm -rf /x\nEOF\nls", new[] { "cat", "ls" })]
    [InlineData("cat <<-'EOF'\n\t$(rm -rf /x)\n\tEOF\nls", new[] { "cat", "ls" })]
    [InlineData("cat <<EOF\n$(a) `b`\nEOF", new[] { "cat", "a", "b" })]
    [InlineData("cat <<< \"$(a)\"", new[] { "a", "cat" })]
    public void Parse_SplitsIntoSimpleCommands(string line, string[] expected)
    {
        Assert.Equal(expected, Commands(line));
    }

    [Theory]
    [InlineData("/bin/rm -rf /x", "rm -rf /x")]
    [InlineData("./rm x", "rm x")]
    [InlineData("env -i -u HOME A=1 rm x", "rm x")]
    [InlineData("env -- rm x", "rm x")]
    [InlineData("command -p rm x", "rm x")]
    [InlineData("exec -a name rm x", "rm x")]
    [InlineData("nohup rm x", "rm x")]
    [InlineData("time -p rm x", "rm x")]
    [InlineData("sudo -u root -E VAR=1 rm x", "rm x")]
    [InlineData("sudo --user=root -- rm x", "rm x")]
    [InlineData("doas -u root rm x", "rm x")]
    [InlineData("nice -n 10 rm x", "rm x")]
    [InlineData("nice -5 rm x", "rm x")]
    [InlineData("timeout -k 5 --preserve-status 10s rm x", "rm x")]
    [InlineData("stdbuf -o L -eL rm x", "rm x")]
    [InlineData("setsid -f rm x", "rm x")]
    [InlineData("sudo nohup env nice /usr/bin/rm x", "rm x")]
    public void Parse_UnwrapsWrappers(string line, string expected)
    {
        var commands = ShellParser.Parse(line).Commands;

        var command = Assert.Single(commands);
        Assert.Contains(expected, command.Views);
    }

    [Theory]
    [InlineData("bash -c 'a; b'", new[] { "a", "b", "bash -c a; b" })]
    [InlineData("sh -ec \"a | b\"", new[] { "a", "b", "sh -ec a | b" })]
    [InlineData("bash -o pipefail -c a", new[] { "a", "bash -o pipefail -c a" })]
    [InlineData("bash script.sh", new[] { "bash script.sh" })]
    [InlineData("su -c 'a' root", new[] { "a", "su -c a root" })]
    [InlineData("xargs -0 -n 1 rm -f", new[] { "rm -f", "xargs -0 -n 1 rm -f" })]
    [InlineData("xargs -I {} mv {} dir", new[] { "mv {} dir", "xargs -I {} mv {} dir" })]
    [InlineData("find . -name '*.o' -exec rm {} \\; -execdir b {} +", new[] { "rm {}", "b {}", "find . -name *.o -exec rm {} ; -execdir b {} +" })]
    public void Parse_CommandsRunByOtherCommandsAreCommandsToo(string line, string[] expected)
    {
        Assert.Equal(expected, Commands(line));
    }

    [Theory]
    [InlineData("ls > out 2>> err &> both 3<> rw < in 2>&1 >&- >| clobber", new[] { ">:out", "2>>:err", "&>:both", "3<>:rw", "<:in", "2>&:1", ">&:-", ">|:clobber" })]
    [InlineData("ls >out", new[] { ">:out" })]
    [InlineData("{ ls; } > a", new[] { ">:a" })]
    [InlineData("(ls) 2> b", new[] { "2>:b" })]
    [InlineData("find . -fprint list", new[] { ">:list" })]
    [InlineData("echo a>b", new[] { ">:b" })]
    [InlineData("echo 2>x a", new[] { "2>:x" })]
    [InlineData("echo a2>x", new[] { ">:x" })]
    public void Parse_FindsRedirections(string line, string[] expected)
    {
        var parsed = ShellParser.Parse(line);

        Assert.Equal(expected, parsed.Redirects.Select(static r => $"{r.Operator}:{r.Target}").ToArray());
    }

    [Theory]
    [InlineData("ls > out", true)]
    [InlineData("ls >> out", true)]
    [InlineData("ls &> out", true)]
    [InlineData("ls 1<> out", true)]
    [InlineData("ls >& out", true)]
    [InlineData("ls 2>&1", false)]
    [InlineData("ls >&2", false)]
    [InlineData("ls 2>&-", false)]
    [InlineData("ls < in", false)]
    [InlineData("ls <<< in", false)]
    public void Redirect_Writes_OnlyForOutputToAFile(string line, bool writes)
    {
        Assert.Equal(writes, Assert.Single(ShellParser.Parse(line).Redirects).Writes);
    }

    [Theory]
    [InlineData("ls > \"$HOME/x\"")]
    [InlineData("ls > ~/x")]
    [InlineData("ls > *.txt")]
    [InlineData("ls > x{a,b}")]
    [InlineData("ls > $(echo x)")]
    public void Redirect_TargetWithExpansion_IsNotLiteral(string line)
    {
        Assert.False(Assert.Single(ShellParser.Parse(line).Redirects).Literal);
    }

    [Theory]
    [InlineData("ls", "ls")]
    [InlineData("/usr/bin/git status", "git status")]
    [InlineData("./ls -la", "./ls -la")]
    [InlineData("bin/ls", "bin/ls")]
    [InlineData("nohup command time ls", "ls")]
    [InlineData("FOO=1 ls", "FOO=1 ls")]
    [InlineData("sudo ls", "sudo ls")]
    [InlineData("env A=1 ls", "env A=1 ls")]
    [InlineData("nohup sudo ls", "sudo ls")]
    [InlineData("flock /tmp/l ls", "flock /tmp/l ls")]
    [InlineData("timeout 5 nice ls", "ls")]
    public void AllowText_KeepsWhatChangesWhatRuns(string line, string expected)
    {
        Assert.Equal([expected], AllowTexts(line));
    }

    [Theory]
    [InlineData("ls", null)]
    [InlineData("ls -la | grep x && echo 'a b' > out", null)]
    [InlineData("$X -la", "computed")]
    [InlineData("\"$X\" -la", "computed")]
    [InlineData("$(which ls)", "computed")]
    [InlineData("l? -la", "computed")]
    [InlineData("{l,r}s", "computed")]
    [InlineData("eval ls", "eval")]
    [InlineData("source x.sh", "source")]
    [InlineData(". x.sh", "'.'")]
    [InlineData("if true; then ls; fi", "control flow")]
    [InlineData("while true; do ls; done", "control flow")]
    [InlineData("for a in b; do ls; done", "'for'")]
    [InlineData("case a in b) ls;; esac", "'case'")]
    [InlineData("f() { ls; }", "function")]
    [InlineData("echo $((1 + 2))", "arithmetic")]
    [InlineData("echo 'open", "quote")]
    [InlineData("echo \"open", "quote")]
    [InlineData("echo `open", "backquote")]
    [InlineData("echo $(open", "not closed")]
    [InlineData("(ls", "not closed")]
    [InlineData("ls )", "unexpected")]
    [InlineData("cat <<EOF\nno end", "here-document")]
    [InlineData("ls >", "no target")]
    [InlineData("find . -exec rm {}", "'find -exec'")]
    [InlineData("xargs $X", "expansion")]
    [InlineData("sudo $CMD", "expansion")]
    [InlineData("env -S 'rm x'", "env -S")]
    [InlineData("a=(1 2)", "array")]
    [InlineData("time -o /tmp/x ls", "time -o")]
    [InlineData("ls\0; rm x", "NUL")]
    public void Parse_WhatItCannotClassify_HasAProblem(string line, string? problem)
    {
        var parsed = ShellParser.Parse(line);

        if (problem is null)
        {
            Assert.True(parsed.Complete, parsed.Problem);
        }
        else
        {
            Assert.False(parsed.Complete);
            Assert.Contains(problem, parsed.Problem, StringComparison.Ordinal);
        }
    }

    [Fact]
    public void Parse_CommandsInsideControlFlow_AreStillFound()
    {
        Assert.Equal(["true", "rm -rf /x", "b"], Commands("if true; then rm -rf /x; else b; fi"));
        Assert.Contains("rm x", Commands("for f in a; do rm x; done"));
    }

    [Fact]
    public void Parse_ChangeOfDirectory_IsReported()
    {
        Assert.True(ShellParser.Parse("cd /tmp && ls > x").ChangesDirectory);
        Assert.True(ShellParser.Parse("(pushd /tmp)").ChangesDirectory);
        Assert.False(ShellParser.Parse("ls > x").ChangesDirectory);
    }

    [Fact]
    public void Parse_NestingOverTheCap_IsNotClassified()
    {
        var line = "ls";
        for (var i = 0; i < ShellParser.MaxDepth + 2; i++)
        {
            line = $"echo $({line})";
        }

        Assert.False(ShellParser.Parse(line).Complete);
        Assert.True(ShellParser.Parse("echo $(echo $(ls))").Complete);
    }

    [Fact]
    public void Parse_InputOverTheCap_IsNotClassified()
    {
        var parsed = ShellParser.Parse("ls " + new string('a', ShellParser.MaxLength));

        Assert.False(parsed.Complete);
        Assert.Contains("too long", parsed.Problem, StringComparison.Ordinal);
    }

    [Fact]
    public void Parse_NestedShellStrings_AreFollowedUpToTheCap()
    {
        var line = "rm -rf /x";
        for (var i = 0; i < 6; i++)
        {
            line = "bash -c '" + line.Replace("'", "'\\''", StringComparison.Ordinal) + "'";
        }

        Assert.Contains("rm -rf /x", Commands(line));
        Assert.True(ShellParser.Parse(line).Complete);
        var deep = "bash -c '" + string.Concat(Enumerable.Repeat("( ", ShellParser.MaxDepth)) + "rm -rf /x" + string.Concat(Enumerable.Repeat(" )", ShellParser.MaxDepth)) + "'";
        Assert.False(ShellParser.Parse(deep).Complete);
    }

    [Theory]
    [InlineData("${", 30_000)]
    [InlineData("\"${", 20_000)]
    [InlineData("$(", 30_000)]
    [InlineData("( ", 30_000)]
    [InlineData("{ ", 30_000)]
    [InlineData("`", 60_000)]
    [InlineData("<(", 30_000)]
    [InlineData("{a,", 20_000)]
    [InlineData("a[ ", 20_000)]
    [InlineData("nohup ", 10_000)]
    [InlineData("find . -exec ", 5_000)]
    [InlineData("<<E\n", 15_000)]
    [InlineData("$'\\x", 15_000)]
    public async Task Parse_PathologicalInput_EndsWithoutThrowing(string fragment, int count)
    {
        var line = string.Concat(Enumerable.Repeat(fragment, count));

        var parsed = await Task.Run(() => ShellParser.Parse(line), TestContext.Current.CancellationToken)
            .WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        Assert.NotNull(parsed);
    }

    [Fact]
    public void Parse_BareAssignment_IsACommandOfItsOwn()
    {
        var parsed = ShellParser.Parse("PATH=/tmp; ls");

        Assert.Equal(["PATH=/tmp", "ls"], parsed.Commands.Select(static c => c.AllowText).ToArray());
    }

    [Fact]
    public void Parse_XargsAndFindExec_HaveOpenArguments()
    {
        var parsed = ShellParser.Parse("xargs rm; find . -exec rm {} +; rm x");

        Assert.Equal([true, false, true, false, false], parsed.Commands.Select(static c => c.OpenArguments).ToArray());
    }
}
