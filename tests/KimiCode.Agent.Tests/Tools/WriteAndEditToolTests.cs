using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

public sealed class WriteToolTests
{
    private readonly WriteTool _tool = new();

    [Fact]
    public async Task Write_NewFileInMissingFolders_CreatesItAndSaysCreated()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("file_path", "a/b/new.txt"), ("content", "one\ntwo\n")), workspace.Context);

        Assert.False(result.IsError);
        Assert.Equal("one\ntwo\n", workspace.ReadFile("a/b/new.txt"));
        Assert.Contains("Created a/b/new.txt (2 lines)", result.Content);
        var diff = Assert.IsType<DiffDisplay>(result.Display);
        Assert.Equal(workspace.PathOf("a/b/new.txt"), diff.Path);
        Assert.Null(diff.OldText);
        Assert.Equal("one\ntwo\n", diff.NewText);
        Assert.Equal("--- /dev/null\n+++ b/a/b/new.txt\n@@ -0,0 +1,2 @@\n+one\n+two\n", diff.UnifiedDiff);
    }

    [Fact]
    public async Task Write_ExistingFile_OverwritesAndShowsDiff()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "keep\nold\n");

        var result = await _tool.RunAsync(Args(("file_path", "f.txt"), ("content", "keep\nnew\n")), workspace.Context);

        Assert.Contains("Overwrote f.txt", result.Content);
        Assert.Equal("keep\nnew\n", workspace.ReadFile("f.txt"));
        var diff = Assert.IsType<DiffDisplay>(result.Display);
        Assert.Equal("keep\nold\n", diff.OldText);
        Assert.Equal("--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n keep\n-old\n+new\n", diff.UnifiedDiff);
    }

    [Fact]
    public async Task Write_OntoDirectory_IsError()
    {
        using var workspace = new ToolTestWorkspace();
        Directory.CreateDirectory(workspace.PathOf("dir"));

        var result = await _tool.RunAsync(Args(("file_path", "dir"), ("content", "x")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("directory", result.Content);
    }

    [Theory]
    [InlineData("""{"file_path": "a.txt"}""", "'content'")]
    [InlineData("""{"content": "x"}""", "'file_path'")]
    [InlineData("""{"file_path": "a.txt", "content": ["x"]}""", "'content' must be a string; got an array")]
    public void Prepare_BadArguments_FailNamingArgument(string json, string expected)
    {
        using var workspace = new ToolTestWorkspace();

        Assert.Contains(expected, _tool.PrepareError(Parse(json), workspace.Context));
    }

    [Fact]
    public void Prepare_PathEscapingWorkspace_IsFlaggedAndPolicyAsksEvenInYolo()
    {
        using var workspace = new ToolTestWorkspace();

        var call = _tool.PrepareOk(Args(("file_path", "../../x.txt"), ("content", "x")), workspace.Context);
        var policy = new PermissionPolicy(PermissionMode.Yolo, [], workspace.WorkingDirectory, []);

        Assert.Equal(Path.GetFullPath(Path.Combine(workspace.WorkingDirectory, "../../x.txt")), call.Locations.Single());
        Assert.Equal(PermissionAction.Edit, call.Action);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Write", call).Decision);
    }
}

public sealed class EditToolTests
{
    private readonly EditTool _tool = new();

    [Fact]
    public async Task Edit_UniqueMatch_ReplacesAndReturnsUnifiedDiff()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("code.cs", "a\nb\nc\nd\ne\nf\ng\nh\n");

        var result = await _tool.RunAsync(Args(("file_path", "code.cs"), ("old_string", "e"), ("new_string", "E1\nE2")), workspace.Context);

        Assert.False(result.IsError);
        Assert.Equal("a\nb\nc\nd\nE1\nE2\nf\ng\nh\n", workspace.ReadFile("code.cs"));
        const string expectedDiff = "--- a/code.cs\n+++ b/code.cs\n@@ -2,7 +2,8 @@\n b\n c\n d\n-e\n+E1\n+E2\n f\n g\n h\n";
        Assert.Equal("Edited code.cs: replaced 1 occurrence.\n" + expectedDiff, result.Content);
        var display = Assert.IsType<DiffDisplay>(result.Display);
        Assert.Equal(expectedDiff, display.UnifiedDiff);
        Assert.Equal("a\nb\nc\nd\ne\nf\ng\nh\n", display.OldText);
    }

    [Fact]
    public async Task Edit_SeveralMatchesWithoutReplaceAll_IsErrorTellingCount()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "x = 1\nx = 1\nx = 1\n");

        var result = await _tool.RunAsync(Args(("file_path", "f.txt"), ("old_string", "x = 1"), ("new_string", "x = 2")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("3 times", result.Content);
        Assert.Contains("replace_all", result.Content);
        Assert.Contains("context", result.Content);
        Assert.Equal("x = 1\nx = 1\nx = 1\n", workspace.ReadFile("f.txt"));
    }

    [Fact]
    public async Task Edit_ReplaceAll_ReplacesEveryOccurrence()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "foo bar foo\nfoo\n");

        var result = await _tool.RunAsync(Args(("file_path", "f.txt"), ("old_string", "foo"), ("new_string", "baz"), ("replace_all", true)), workspace.Context);

        Assert.False(result.IsError);
        Assert.Contains("replaced 3 occurrences", result.Content);
        Assert.Equal("baz bar baz\nbaz\n", workspace.ReadFile("f.txt"));
    }

    [Fact]
    public async Task Edit_NoMatch_IsErrorAndLeavesFile()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "hello\n");

        var result = await _tool.RunAsync(Args(("file_path", "f.txt"), ("old_string", "Hello"), ("new_string", "bye")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("not found", result.Content);
        Assert.Equal("hello\n", workspace.ReadFile("f.txt"));
    }

    [Fact]
    public void Prepare_OldEqualsNew_Fails()
    {
        using var workspace = new ToolTestWorkspace();

        var error = _tool.PrepareError(Args(("file_path", "f.txt"), ("old_string", "same"), ("new_string", "same")), workspace.Context);

        Assert.Contains("the same", error);
    }

    [Fact]
    public async Task Edit_CrlfFileWithLfOldString_MatchesAndKeepsCrlf()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("win.txt", "one\r\ntwo\r\nthree\r\n");

        var result = await _tool.RunAsync(Args(("file_path", "win.txt"), ("old_string", "one\ntwo"), ("new_string", "1\n2")), workspace.Context);

        Assert.False(result.IsError);
        Assert.Equal("1\r\n2\r\nthree\r\n", workspace.ReadFile("win.txt"));
    }

    [Fact]
    public async Task Edit_MissingFile_IsErrorSuggestingWrite()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("file_path", "missing.txt"), ("old_string", "a"), ("new_string", "b")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("does not exist", result.Content);
        Assert.Contains("Write", result.Content);
    }

    [Fact]
    public async Task Edit_EmptyOldStringOnMissingFile_CreatesIt()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("file_path", "new/file.txt"), ("old_string", ""), ("new_string", "hi\n")), workspace.Context);

        Assert.False(result.IsError);
        Assert.Equal("hi\n", workspace.ReadFile("new/file.txt"));
    }

    [Fact]
    public async Task Edit_EmptyOldStringOnNonEmptyFile_IsError()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("f.txt", "content\n");

        var result = await _tool.RunAsync(Args(("file_path", "f.txt"), ("old_string", ""), ("new_string", "x")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Equal("content\n", workspace.ReadFile("f.txt"));
    }

    [Fact]
    public async Task Edit_BinaryFile_IsErrorAndLeavesFile()
    {
        using var workspace = new ToolTestWorkspace();
        byte[] bytes = [0x61, 0x00, 0x62];
        File.WriteAllBytes(workspace.PathOf("b.bin"), bytes);

        var result = await _tool.RunAsync(Args(("file_path", "b.bin"), ("old_string", "a"), ("new_string", "c")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("binary", result.Content);
        Assert.Equal(bytes, File.ReadAllBytes(workspace.PathOf("b.bin")));
    }

    [Theory]
    [InlineData("""{"file_path": "f.txt", "old_string": "a"}""", "'new_string'")]
    [InlineData("""{"file_path": "f.txt", "old_string": 1, "new_string": "b"}""", "'old_string' must be a string")]
    [InlineData("""{"file_path": "f.txt", "old_string": "a", "new_string": "b", "replace_all": "yes"}""", "'replace_all' must be a boolean")]
    public void Prepare_BadArguments_FailNamingArgument(string json, string expected)
    {
        using var workspace = new ToolTestWorkspace();

        Assert.Contains(expected, _tool.PrepareError(Parse(json), workspace.Context));
    }
}
