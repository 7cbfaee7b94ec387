using KimiCode.Agent.Permissions;
using KimiCode.Agent.Tools;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

public sealed class ReadToolTests
{
    private readonly ReadTool _tool = new();

    [Fact]
    public async Task Read_TextFile_NumbersLinesLikeCatN()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("src/a.txt", "first\r\nsecond\n\tthird\n");

        var result = await _tool.RunAsync(Args(("file_path", "src/a.txt")), workspace.Context);

        Assert.False(result.IsError);
        Assert.Equal("     1\tfirst\n     2\tsecond\n     3\t\tthird\n", result.Content);
    }

    [Fact]
    public void Prepare_RelativePath_DescribesCallForPermissions()
    {
        using var workspace = new ToolTestWorkspace();

        var call = _tool.PrepareOk(Args(("file_path", "./src/../src/a.txt")), workspace.Context);

        Assert.Equal("src/a.txt", call.Subject);
        Assert.Equal([workspace.PathOf("src/a.txt")], call.Locations);
        Assert.Equal(ToolKind.Read, call.Kind);
        Assert.Equal(PermissionAction.Read, call.Action);
        Assert.Equal("Read src/a.txt", call.Title);
    }

    [Fact]
    public async Task Read_OffsetAndLimit_ReturnsThatWindowWithContinuationNote()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("lines.txt", string.Concat(Enumerable.Range(1, 10).Select(i => $"line {i}\n")));

        var result = await _tool.RunAsync(Args(("file_path", "lines.txt"), ("offset", 4), ("limit", 2)), workspace.Context);

        Assert.StartsWith("     4\tline 4\n     5\tline 5\n", result.Content);
        Assert.DoesNotContain("line 6", result.Content);
        Assert.Contains("Showing lines 4-5 of 10", result.Content);
        Assert.Contains("offset=6", result.Content);
    }

    [Fact]
    public async Task Read_LongFile_StopsAtDefaultLimitOf2000Lines()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("long.txt", string.Concat(Enumerable.Range(1, 2500).Select(i => $"{i}\n")));

        var result = await _tool.RunAsync(Args(("file_path", "long.txt")), workspace.Context);

        Assert.Contains("  2000\t2000\n", result.Content);
        Assert.DoesNotContain("\t2001\n", result.Content);
        Assert.Contains("offset=2001", result.Content);
    }

    [Fact]
    public async Task Read_VeryLongLine_IsCutAt2000Characters()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("wide.txt", new string('x', 5000) + "\nshort\n");

        var result = await _tool.RunAsync(Args(("file_path", "wide.txt")), workspace.Context);

        var firstLine = result.Content.Split('\n')[0];
        Assert.Contains(new string('x', 2000), firstLine);
        Assert.DoesNotContain(new string('x', 2001), firstLine);
        Assert.Contains("line cut", firstLine);
        Assert.Contains("     2\tshort", result.Content);
    }

    [Fact]
    public async Task Read_OffsetPastEnd_IsErrorNamingLineCount()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("short.txt", "a\nb\n");

        var result = await _tool.RunAsync(Args(("file_path", "short.txt"), ("offset", 9)), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("only 2 lines", result.Content);
    }

    [Fact]
    public async Task Read_SparseTwoGigabyteFile_RefusesWithoutLoadingIt()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("huge.bin");
        using (var stream = new FileStream(path, FileMode.CreateNew))
        {
            stream.SetLength(2L * 1024 * 1024 * 1024);
        }

        var call = _tool.PrepareOk(Args(("file_path", "huge.bin")), workspace.Context);

        // The refusal happens before any await, so this thread's allocation count covers all the work.
        var before = GC.GetAllocatedBytesForCurrentThread();
        var execution = call.ExecuteAsync(null, TestContext.Current.CancellationToken);
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;
        Assert.True(execution.IsCompleted);
        var result = await execution;

        Assert.True(result.IsError);
        Assert.Contains("too large", result.Content);
        Assert.Contains("Grep", result.Content);
        Assert.Contains("head", result.Content);
        Assert.True(allocated < 1024 * 1024, $"allocated {allocated} bytes");
    }

    [Fact]
    public async Task Read_BinaryFile_IsErrorSayingBinary()
    {
        using var workspace = new ToolTestWorkspace();
        File.WriteAllBytes(workspace.PathOf("image.png"), [0x89, 0x50, 0x4E, 0x47, 0x00, 0x00, 0x01, 0x02]);

        var result = await _tool.RunAsync(Args(("file_path", "image.png")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("binary file", result.Content);
    }

    [Fact]
    public async Task Read_Directory_IsErrorSuggestingGlob()
    {
        using var workspace = new ToolTestWorkspace();
        Directory.CreateDirectory(workspace.PathOf("src"));

        var result = await _tool.RunAsync(Args(("file_path", "src")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("directory", result.Content);
        Assert.Contains("Glob", result.Content);
    }

    [Fact]
    public async Task Read_MissingFile_IsErrorSayingItDoesNotExist()
    {
        using var workspace = new ToolTestWorkspace();

        var result = await _tool.RunAsync(Args(("file_path", "nope/missing.txt")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("does not exist", result.Content);
    }

    [Fact]
    public async Task Read_EmptyFile_SaysItIsEmpty()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("empty.txt", "");

        var result = await _tool.RunAsync(Args(("file_path", "empty.txt")), workspace.Context);

        Assert.False(result.IsError);
        Assert.Contains("empty", result.Content);
    }

    [Fact]
    public void Prepare_MissingFilePath_FailsNamingArgumentAndType()
    {
        using var workspace = new ToolTestWorkspace();

        var error = _tool.PrepareError(Args(), workspace.Context);

        Assert.Contains("'file_path'", error);
        Assert.Contains("string", error);
    }

    [Theory]
    [InlineData("""{"file_path": 42}""", "'file_path' must be a string")]
    [InlineData("""{"file_path": "a.txt", "offset": "3"}""", "'offset' must be an integer")]
    [InlineData("""{"file_path": "a.txt", "limit": 2.5}""", "'limit' must be an integer")]
    [InlineData("""{"file_path": "a.txt", "offset": 0}""", "'offset' must be at least 1")]
    [InlineData("""{"path": "a.txt"}""", "unknown argument 'path'")]
    [InlineData("""["a.txt"]""", "must be a JSON object")]
    [InlineData("""{"file_path": ""}""", "must not be empty")]
    [InlineData("""{"file_path": "a\u0000b"}""", "NUL")]
    public void Prepare_BadArguments_FailWithActionableMessage(string json, string expected)
    {
        using var workspace = new ToolTestWorkspace();

        var error = _tool.PrepareError(Parse(json), workspace.Context);

        Assert.Contains(expected, error);
    }

    [Fact]
    public void Prepare_IntegralFloatOffset_IsAccepted()
    {
        using var workspace = new ToolTestWorkspace();

        var call = _tool.PrepareOk(Parse("""{"file_path": "a.txt", "offset": 3.0}"""), workspace.Context);

        Assert.Contains("from line 3", call.Title);
    }

    [Fact]
    public void Prepare_DotDotEscapingWorkspace_IsPreparedButFlaggedOutsideSoPolicyAsks()
    {
        using var workspace = new ToolTestWorkspace();
        File.WriteAllText(Path.Combine(workspace.Root, "secret.txt"), "s");

        var call = _tool.PrepareOk(Args(("file_path", "../secret.txt")), workspace.Context);
        var policy = new PermissionPolicy(PermissionMode.Default, [], workspace.WorkingDirectory, []);

        var outside = Path.Combine(workspace.Root, "secret.txt");
        Assert.Equal(outside, call.Subject);
        Assert.Equal([outside], call.Locations);
        Assert.Equal(PermissionDecision.Ask, policy.Evaluate("Read", call).Decision);
    }
}
