using KimiCode.Agent.Tools;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

public sealed class GlobToolTests
{
    private static readonly DateTime Base = new(2024, 1, 1, 0, 0, 0, DateTimeKind.Utc);
    private readonly GlobTool _tool = new();

    [Fact]
    public async Task Glob_DoubleStar_ReturnsMatchesNewestFirst()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("old.cs", "", Base);
        workspace.WriteFile("src/newest.cs", "", Base.AddHours(3));
        workspace.WriteFile("src/deep/middle.cs", "", Base.AddHours(2));
        workspace.WriteFile("src/notes.md", "", Base.AddHours(5));

        var result = await _tool.RunAsync(Args(("pattern", "**/*.cs")), workspace.Context);

        Assert.Equal("src/newest.cs\nsrc/deep/middle.cs\nold.cs\n", result.Content);
    }

    [Fact]
    public async Task Glob_SingleStar_StaysInOneFolderLevel()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("top.cs", "", Base);
        workspace.WriteFile("src/inner.cs", "", Base);

        var result = await _tool.RunAsync(Args(("pattern", "*.cs")), workspace.Context);

        Assert.Equal("top.cs\n", result.Content);
    }

    [Fact]
    public async Task Glob_BracesQuestionMarkAndPath_MatchWithinPath()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("web/a.ts", "", Base.AddHours(1));
        workspace.WriteFile("web/b.tsx", "", Base);
        workspace.WriteFile("web/c.js", "", Base.AddHours(2));
        workspace.WriteFile("web/x1.md", "", Base);
        workspace.WriteFile("web/x22.md", "", Base);

        var braces = await _tool.RunAsync(Args(("pattern", "*.{ts,tsx}"), ("path", "web")), workspace.Context);
        var question = await _tool.RunAsync(Args(("pattern", "x?.md"), ("path", "web")), workspace.Context);

        Assert.Equal("web/a.ts\nweb/b.tsx\n", braces.Content);
        Assert.Equal("web/x1.md\n", question.Content);
    }

    [Fact]
    public async Task Glob_SkipsGitFolder()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile(".git/config", "");
        workspace.WriteFile(".git/hooks/pre-commit", "");
        workspace.WriteFile("README", "");

        var result = await _tool.RunAsync(Args(("pattern", "**/*")), workspace.Context);

        Assert.Equal("README\n", result.Content);
    }

    [Fact]
    public async Task Glob_MoreThan1000Matches_CapsWithNote()
    {
        using var workspace = new ToolTestWorkspace();
        for (var i = 0; i < 1005; i++)
        {
            workspace.WriteFile($"many/f{i:D4}.txt", "", Base.AddSeconds(i));
        }

        var result = await _tool.RunAsync(Args(("pattern", "many/*.txt")), workspace.Context);

        var lines = result.Content.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("many/f1004.txt", lines[0]);
        Assert.Equal(1000, lines.Count(l => l.StartsWith("many/", StringComparison.Ordinal)));
        Assert.Contains("truncated", result.Content);
        Assert.Contains("1005", result.Content);
    }

    [Fact]
    public async Task Glob_AbsolutePattern_SearchesThatFolder()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("src/a.cs", "", Base);

        var result = await _tool.RunAsync(Args(("pattern", workspace.PathOf("src") + "/*.cs")), workspace.Context);

        Assert.Equal("src/a.cs\n", result.Content);
    }

    [Fact]
    public async Task Glob_NoMatch_SaysSo()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("pattern", "**/*.nothing")), workspace.Context);

        Assert.False(result.IsError);
        Assert.Contains("No files found", result.Content);
    }

    [Fact]
    public async Task Glob_MissingFolder_IsError()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("pattern", "*"), ("path", "nope")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("does not exist", result.Content);
    }

    [Fact]
    public void Prepare_PathOutsideWorkspace_IsFlaggedWithAbsoluteSubject()
    {
        using var workspace = new ToolTestWorkspace();

        var call = _tool.PrepareOk(Args(("pattern", "*"), ("path", "..")), workspace.Context);

        Assert.Equal(workspace.Root, call.Subject);
        Assert.Equal([workspace.Root], call.Locations);
    }

    [Theory]
    [InlineData("""{}""", "'pattern'")]
    [InlineData("""{"pattern": 5}""", "'pattern' must be a string")]
    [InlineData("""{"pattern": "[abc"}""", "not a valid glob")]
    [InlineData("""{"pattern": "../*.cs"}""", "'..'")]
    [InlineData("""{"pattern": "*", "path": false}""", "'path' must be a string")]
    public void Prepare_BadArguments_FailNamingArgument(string json, string expected)
    {
        using var workspace = new ToolTestWorkspace();

        Assert.Contains(expected, _tool.PrepareError(Parse(json), workspace.Context));
    }
}

public sealed class GlobPatternTests
{
    [Theory]
    [InlineData("**/*.cs", "a.cs", true)]
    [InlineData("**/*.cs", "x/y/a.cs", true)]
    [InlineData("src/**", "src/a/b", true)]
    [InlineData("src/**", "srcx/a", false)]
    [InlineData("src/**/test.cs", "src/test.cs", true)]
    [InlineData("src/**/test.cs", "src/a/b/test.cs", true)]
    [InlineData("*.cs", "a/b.cs", false)]
    [InlineData("a?c", "abc", true)]
    [InlineData("a?c", "a/c", false)]
    [InlineData("[ab]*.txt", "b1.txt", true)]
    [InlineData("[!ab]*.txt", "b1.txt", false)]
    [InlineData("{src,test}/**/*.{cs,fs}", "test/x/y.fs", true)]
    [InlineData("{src,test}/**/*.{cs,fs}", "lib/x/y.fs", false)]
    [InlineData("file\\*.txt", "file*.txt", true)]
    [InlineData("file\\*.txt", "fileX.txt", false)]
    [InlineData("a.b", "aXb", false)]
    public void Parse_Glob_MatchesWholePath(string glob, string path, bool expected)
    {
        Assert.Equal(expected, GlobPattern.Parse(glob).IsMatch(path));
    }

    [Theory]
    [InlineData("*.log", "deep/dir/x.log", true)]
    [InlineData("build", "a/build", true)]
    [InlineData("/build", "a/build", false)]
    [InlineData("/build", "build", true)]
    [InlineData("docs/*.md", "docs/a.md", true)]
    [InlineData("docs/*.md", "x/docs/a.md", false)]
    public void ParseFloating_PatternWithoutSlash_MatchesAtAnyDepth(string glob, string path, bool expected)
    {
        Assert.Equal(expected, GlobPattern.ParseFloating(glob).IsMatch(path));
    }
}
