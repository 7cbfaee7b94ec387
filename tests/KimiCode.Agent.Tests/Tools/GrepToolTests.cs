using System.Text.Json;
using KimiCode.Agent.Tools;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

public sealed class GrepToolTests
{
    /// <summary>The built-in engine only (as on a machine without rg).</summary>
    private readonly GrepTool _builtIn = new(ripgrepPath: null);

    /// <summary>
    /// A tree exercising the ignore rules: .gitignore at two levels with a folder rule, a wildcard, a negation, an
    /// anchored rule and a "**" rule; a hidden file; .git; a binary file; an empty file.
    /// </summary>
    private static void CreateIgnoreTree(ToolTestWorkspace workspace)
    {
        workspace.WriteFile(".gitignore", "# comment\nbuild/\n*.log\n!keep.log\n/rootonly.txt\nsub/**/gen/\n");
        workspace.WriteFile("a.txt", "hello world\nsecond line\n");
        workspace.WriteFile("x.log", "hello from a log\n");
        workspace.WriteFile("keep.log", "hello kept\n");
        workspace.WriteFile("rootonly.txt", "hello root\n");
        workspace.WriteFile("local.txt", "hello local\n");
        workspace.WriteFile(".hidden", "hello hidden\n");
        workspace.WriteFile("build/out.txt", "hello build\n");
        workspace.WriteFile("sub/.gitignore", "local.txt\n");
        workspace.WriteFile("sub/local.txt", "hello sub local\n");
        workspace.WriteFile("sub/rootonly.txt", "hello sub root\n");
        workspace.WriteFile("sub/build/y.txt", "hello sub build\n");
        workspace.WriteFile("sub/a/gen/z.txt", "hello generated\n");
        workspace.WriteFile("sub/a/kept.txt", "HELLO upper\n");
        workspace.WriteFile(".git/HEAD", "hello git\n");
        workspace.WriteFile("empty.txt", "");
        File.WriteAllBytes(workspace.PathOf("bin.dat"), [.. "hello"u8, 0, .. "hello"u8, (byte)'\n']);
    }

    [Fact]
    public async Task Grep_BuiltIn_FilesWithMatches_RespectsGitIgnoreAndSkipsBinaryAndGit()
    {
        using var workspace = new ToolTestWorkspace();
        CreateIgnoreTree(workspace);

        var result = await _builtIn.RunAsync(Args(("pattern", "hello")), workspace.Context);

        Assert.Equal("Found 5 files\n.hidden\na.txt\nkeep.log\nlocal.txt\nsub/rootonly.txt\n", result.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_IgnoreCase_FindsUpperCase()
    {
        using var workspace = new ToolTestWorkspace();
        CreateIgnoreTree(workspace);

        var sensitive = await _builtIn.RunAsync(Args(("pattern", "HELLO"), ("path", "sub")), workspace.Context);
        var insensitive = await _builtIn.RunAsync(Args(("pattern", "HELLO"), ("path", "sub"), ("-i", true)), workspace.Context);

        Assert.Equal("Found 1 file\nsub/a/kept.txt\n", sensitive.Content);
        Assert.Equal("Found 2 files\nsub/a/kept.txt\nsub/rootonly.txt\n", insensitive.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_ContentWithContext_ShowsNumberedLinesAndSeparators()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("ctx.txt", "l1\nl2\nmatch 3\nl4\nl5\nl6\nl7\nmatch 8\nl9\nl10\n");

        var result = await _builtIn.RunAsync(Args(("pattern", "^match"), ("output_mode", "content"), ("-C", 1)), workspace.Context);

        Assert.Equal("ctx.txt-2-l2\nctx.txt:3:match 3\nctx.txt-4-l4\n--\nctx.txt-7-l7\nctx.txt:8:match 8\nctx.txt-9-l9\n", result.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_ContentAfterOnlyWithoutLineNumbers_UsesPathPrefixes()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "a\nb\r\nc\na\n");

        var result = await _builtIn.RunAsync(Args(("pattern", "a"), ("output_mode", "content"), ("-A", 1), ("-n", false)), workspace.Context);

        Assert.Equal("f.txt:a\nf.txt-b\n--\nf.txt:a\n", result.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_Count_CountsMatchingLinesPerFile()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("one.txt", "x\nx x\ny\n");
        workspace.WriteFile("two.txt", "x\n");

        var result = await _builtIn.RunAsync(Args(("pattern", "x"), ("output_mode", "count")), workspace.Context);

        Assert.Equal("one.txt:2\ntwo.txt:1\n\nFound 3 matching lines in 2 files.\n", result.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_GlobPicksFilesEvenIgnoredOnesAsRipgrepDoes()
    {
        using var workspace = new ToolTestWorkspace();
        CreateIgnoreTree(workspace);

        var logs = await _builtIn.RunAsync(Args(("pattern", "hello"), ("glob", "*.log")), workspace.Context);
        var notTxt = await _builtIn.RunAsync(Args(("pattern", "hello"), ("glob", "!*.txt")), workspace.Context);
        var anchored = await _builtIn.RunAsync(Args(("pattern", "hello"), ("glob", "sub/*.txt")), workspace.Context);

        Assert.Equal("Found 2 files\nkeep.log\nx.log\n", logs.Content);
        Assert.Equal("Found 2 files\n.hidden\nkeep.log\n", notTxt.Content);
        Assert.Equal("Found 2 files\nsub/local.txt\nsub/rootonly.txt\n", anchored.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_HeadLimit_ShowsFirstEntriesWithNote()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "m1\nm2\nm3\nm4\n");

        var result = await _builtIn.RunAsync(Args(("pattern", "m"), ("output_mode", "content"), ("head_limit", 2)), workspace.Context);

        Assert.StartsWith("f.txt:1:m1\nf.txt:2:m2\n\n(Output stopped after 2 lines.", result.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_SingleFilePath_SearchesThatFile()
    {
        using var workspace = new ToolTestWorkspace();
        CreateIgnoreTree(workspace);

        var result = await _builtIn.RunAsync(Args(("pattern", "hello"), ("path", "x.log"), ("output_mode", "content")), workspace.Context);

        Assert.Equal("x.log:1:hello from a log\n", result.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_NoMatch_SaysSo()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "abc\n");

        var files = await _builtIn.RunAsync(Args(("pattern", "zzz")), workspace.Context);
        var content = await _builtIn.RunAsync(Args(("pattern", "zzz"), ("output_mode", "content")), workspace.Context);

        Assert.Equal("No files found", files.Content);
        Assert.Equal("No matches found", content.Content);
    }

    [Fact]
    public async Task Grep_BuiltIn_ParentGitIgnoreAppliesWhenSearchingSubfolder()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile(".gitignore", "*.gen.cs\n");
        workspace.WriteFile("src/a.cs", "class A {}\n");
        workspace.WriteFile("src/a.gen.cs", "class B {}\n");

        var result = await _builtIn.RunAsync(Args(("pattern", "class"), ("path", "src")), workspace.Context);

        Assert.Equal("Found 1 file\nsrc/a.cs\n", result.Content);
    }

    [Fact]
    public async Task Grep_LookAroundPattern_WorksWhicheverEngineIsUsed()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "foobar\nfoobaz\n");

        var result = await new GrepTool().RunAsync(Args(("pattern", "foo(?=baz)"), ("output_mode", "content")), workspace.Context);

        Assert.Equal("f.txt:2:foobaz\n", result.Content);
    }

    [Fact]
    public async Task Grep_MissingPath_IsError()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _builtIn.RunAsync(Args(("pattern", "x"), ("path", "nope")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("does not exist", result.Content);
    }

    [Theory]
    [InlineData("""{}""", "'pattern'")]
    [InlineData("""{"pattern": "("}""", "not a valid regular expression")]
    [InlineData("""{"pattern": "x", "output_mode": "lines"}""", "'output_mode' must be")]
    [InlineData("""{"pattern": "x", "-A": -1}""", "'-A' must be between 0 and 100")]
    [InlineData("""{"pattern": "x", "-i": "true"}""", "'-i' must be a boolean")]
    [InlineData("""{"pattern": "x", "head_limit": "5"}""", "'head_limit' must be an integer")]
    [InlineData("""{"pattern": "x", "glob": "[a"}""", "'glob' is not a valid glob")]
    [InlineData("""{"pattern": "x", "type": "cs"}""", "unknown argument 'type'")]
    public void Prepare_BadArguments_FailNamingArgument(string json, string expected)
    {
        using var workspace = new ToolTestWorkspace();

        Assert.Contains(expected, _builtIn.PrepareError(Parse(json), workspace.Context));
    }

    /// <summary>
    /// Ripgrep and the built-in engine must answer the same. Where rg is on PATH, every query is run through both
    /// and compared; where it is not, the default tool must have fallen back to the built-in engine (and still
    /// gives the expected answer).
    /// </summary>
    [Fact]
    public async Task Grep_RipgrepAndBuiltInEngines_GiveSameResults()
    {
        using var workspace = new ToolTestWorkspace();
        CreateIgnoreTree(workspace);
        workspace.WriteFile("ctx.txt", "l1\nl2\nhello 3\nl4\nl5\nl6\nl7\nhello 8\nl9\r\nl10\n");
        workspace.WriteFile("deep/x/.gitignore", "*.tmp\n");
        workspace.WriteFile("deep/x/a.tmp", "hello tmp\n");
        workspace.WriteFile("deep/x/b.txt", "hello deep\n");
        workspace.WriteFile("deep/rg/.rgignore", "hidden-by-rgignore.txt\n");
        workspace.WriteFile("deep/rg/hidden-by-rgignore.txt", "hello\n");
        File.WriteAllBytes(workspace.PathOf("late-binary.txt"), [.. "hello\n"u8, .. Enumerable.Repeat((byte)'a', 10_000), (byte)'\n', 0, .. "hello\n"u8]);
        workspace.WriteFile("utf8.txt", "héllo wörld\n");
        File.CreateSymbolicLink(workspace.PathOf("link.txt"), workspace.PathOf("a.txt"));

        JsonElement[] queries =
        [
            Args(("pattern", "hello")),
            Args(("pattern", "HELLO"), ("-i", true)),
            Args(("pattern", "hello"), ("output_mode", "content")),
            Args(("pattern", "hello"), ("output_mode", "content"), ("-C", 2)),
            Args(("pattern", "hello"), ("output_mode", "content"), ("-B", 1), ("-n", false)),
            Args(("pattern", "hello"), ("output_mode", "count")),
            Args(("pattern", "hello"), ("glob", "*.log")),
            Args(("pattern", "hello"), ("glob", "!*.txt")),
            Args(("pattern", "hello"), ("glob", "sub/**")),
            Args(("pattern", "hello"), ("glob", "sub/*.txt")),
            Args(("pattern", "hello"), ("path", "sub")),
            Args(("pattern", "hello"), ("path", "x.log"), ("output_mode", "content")),
            Args(("pattern", @"l\d+$"), ("output_mode", "content")),
            Args(("pattern", "w.rld"), ("output_mode", "content")),
            Args(("pattern", "hello"), ("output_mode", "content"), ("head_limit", 3)),
        ];

        var tool = new GrepTool();
        var rg = RipgrepSearch.FindOnPath();
        Assert.Equal(rg, tool.RipgrepPath);
        if (rg is null)
        {
            // No rg here: the default tool is the built-in engine; check it answers the reference query.
            var fallback = await tool.RunAsync(queries[0], workspace.Context);
            Assert.Contains("\na.txt\n", fallback.Content);
            Assert.DoesNotContain("x.log", fallback.Content);
            return;
        }

        foreach (var query in queries)
        {
            var expected = await _builtIn.RunAsync(query, workspace.Context);
            var actual = await tool.RunAsync(query, workspace.Context);
            Assert.True(expected.Content == actual.Content, $"query {query.GetRawText()}\nbuilt-in:\n{expected.Content}\nripgrep:\n{actual.Content}");
        }
    }
}

public sealed class GitIgnoreTests
{
    [Theory]
    [InlineData("*.log", "a/b.log", false, true)]
    [InlineData("build/", "build", true, true)]
    [InlineData("build/", "build", false, null)]
    [InlineData("/top", "top", false, true)]
    [InlineData("/top", "x/top", false, null)]
    [InlineData("a/**/b", "a/x/y/b", false, true)]
    [InlineData("**/cache", "deep/cache", true, true)]
    [InlineData("\\#hash", "#hash", false, true)]
    [InlineData("trailing   ", "trailing", false, true)]
    public void Match_Rule_FollowsGitIgnoreSemantics(string rules, string relative, bool isDirectory, bool? expected)
    {
        var root = Path.Combine(Path.GetTempPath(), "gitignore-semantics");
        var file = GitIgnoreFile.Parse(root, rules);

        Assert.Equal(expected, file.Match(Path.Combine(root, relative), isDirectory));
    }

    [Fact]
    public void Match_NegationAfterRule_ReIncludesAndLastRuleWins()
    {
        var root = Path.Combine(Path.GetTempPath(), "gitignore-semantics");
        var file = GitIgnoreFile.Parse(root, "*.log\n!keep.log\n");

        Assert.Equal(true, file.Match(Path.Combine(root, "x.log"), false));
        Assert.Equal(false, file.Match(Path.Combine(root, "keep.log"), false));
    }
}
