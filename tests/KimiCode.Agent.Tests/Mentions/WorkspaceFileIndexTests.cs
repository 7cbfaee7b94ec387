using KimiCode.Agent.Mentions;
using KimiCode.Testing;

namespace KimiCode.Agent.Tests.Mentions;

/// <summary>The files and folders <c>@</c> completion offers: .gitignore, .git, the walk limit and the ranking.</summary>
public sealed class WorkspaceFileIndexTests : IDisposable
{
    private readonly TempFolder _folder = new("kimi-mentions");

    public void Dispose() => _folder.Dispose();

    private void File(string relative, string content = "x")
    {
        var path = Path.Combine(_folder.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
    }

    private IEnumerable<string> Paths() => WorkspaceFileIndex.Build(_folder.Path, cancellationToken: TestContext.Current.CancellationToken).Entries.Select(e => e.Path);

    [Fact]
    public void Build_GitIgnoreAndGitFolder_LeftOut()
    {
        File(".gitignore", "bin/\n*.log\n");
        File(".git/config");
        File("bin/app.dll");
        File("trace.log");
        File("src/Foo.cs");
        File("src/sub/.gitignore", "secret.txt\n");
        File("src/sub/secret.txt");
        File("src/sub/kept.txt");

        var paths = Paths().ToList();

        Assert.Equal([".gitignore", "src/", "src/Foo.cs", "src/sub/", "src/sub/.gitignore", "src/sub/kept.txt"], paths);
    }

    [Fact]
    public void Build_MoreFilesThanTheLimit_StopsAndSaysSo()
    {
        for (var i = 0; i < 30; i++)
        {
            File($"f{i:D2}.txt");
        }

        File("deep/nested/z.txt");

        var index = WorkspaceFileIndex.Build(_folder.Path, 10, TestContext.Current.CancellationToken);

        Assert.True(index.Truncated);
        Assert.Equal(10, index.Entries.Count(e => !e.IsDirectory));
        Assert.Contains(index.Entries, e => e.Path == "deep/"); // breadth first: the top level's folders come before any cut
    }

    [Fact]
    public void Build_UnderTheLimit_NotTruncated()
    {
        File("a.txt");

        Assert.False(WorkspaceFileIndex.Build(_folder.Path, 10, TestContext.Current.CancellationToken).Truncated);
    }

    [Fact]
    public void Match_PrefixBeatsNameBeatsSubstringBeatsFuzzy()
    {
        File("src/Foo.cs");
        File("tests/FooTests.cs");
        File("docs/my-foo-notes.md");
        File("lib/F_o_o.txt");
        File("other.txt");

        var matches = WorkspaceFileIndex.Build(_folder.Path, cancellationToken: TestContext.Current.CancellationToken).Match("foo", 10).Select(m => m.Path).ToList();

        Assert.Equal(["src/Foo.cs", "tests/FooTests.cs", "docs/my-foo-notes.md", "lib/F_o_o.txt"], matches);
    }

    [Fact]
    public void Match_PathPrefixWithFolder_CompletesInsideIt()
    {
        File("src/Foo.cs");
        File("src/Fob/Bar.cs");
        File("other/Foo.cs");

        var matches = WorkspaceFileIndex.Build(_folder.Path, cancellationToken: TestContext.Current.CancellationToken).Match("src/Fo", 10).Select(m => m.Path).ToList();

        Assert.Equal(["src/Fob/", "src/Foo.cs", "src/Fob/Bar.cs"], matches);
    }

    [Fact]
    public void Match_EmptyQuery_ListsTheTopLevelOnly()
    {
        File("a.txt");
        File("src/b.txt");

        var matches = WorkspaceFileIndex.Build(_folder.Path, cancellationToken: TestContext.Current.CancellationToken).Match("", 10).Select(m => m.Path).ToList();

        Assert.Equal(["a.txt", "src/"], matches);
    }

    [Fact]
    public void Match_Limit_CutsTheList()
    {
        for (var i = 0; i < 20; i++)
        {
            File($"n{i:D2}.txt");
        }

        Assert.Equal(8, WorkspaceFileIndex.Build(_folder.Path, cancellationToken: TestContext.Current.CancellationToken).Match("n", 8).Count);
    }
}
