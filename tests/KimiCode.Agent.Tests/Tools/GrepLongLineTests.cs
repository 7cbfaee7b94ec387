using System.Text;
using KimiCode.Agent.Secrets;
using KimiCode.Agent.Tools;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

/// <summary>
/// Grep reads lines in bounded memory (issue 16): a huge line costs about as much as a short one. Memory is measured as
/// allocated bytes (a deterministic outcome, not a time); the class runs alone so other tests' allocations stay out.
/// </summary>
[Collection(nameof(GrepLongLineTests))]
[CollectionDefinition(nameof(GrepLongLineTests), DisableParallelization = true)]
public sealed class GrepLongLineTests
{
    private const int HugeLineChars = 50 * 1024 * 1024;
    private const long MemoryBound = 20 * 1024 * 1024;

    [Fact]
    public void BuiltIn_OneFiftyMegabyteLine_SearchedInBoundedMemory()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("huge.txt");
        WriteLine(path, "needle ", 'a', HugeLineChars, " tail\nshort needle\n");
        var query = new GrepQuery("needle", path, RootIsFile: true, Glob: null, IgnoreCase: false, GrepOutputMode.Content, 0, 0);

        var before = GC.GetAllocatedBytesForCurrentThread();
        var results = BuiltInGrep.Search(query, TestContext.Current.CancellationToken).ToList();
        var allocated = GC.GetAllocatedBytesForCurrentThread() - before;

        Assert.True(allocated < MemoryBound, $"the search allocated {allocated:N0} bytes");
        var file = Assert.Single(results);
        Assert.Equal(2, file.MatchingLines);
        Assert.Equal([1, 2], file.Lines.Select(l => l.Number));
        Assert.True(file.Lines[0].OnlyStartSearched);
        Assert.Equal(GrepLine.KeptChars, file.Lines[0].Text.Length);
        Assert.StartsWith("needle aaa", file.Lines[0].Text, StringComparison.Ordinal);
        Assert.False(file.Lines[1].OnlyStartSearched);
    }

    [Fact]
    public async Task BuiltIn_MatchBeyondTheCap_IsNotReportedAndTheCutIsSaid()
    {
        using var workspace = new ToolTestWorkspace();
        workspace.WriteFile("long.txt", "early " + new string('a', BuiltInGrep.MaxLineChars) + " late\nearly again\n");
        var tool = new GrepTool(ripgrepPath: null);

        var late = await tool.RunAsync(Args(("pattern", "late"), ("output_mode", "content")), workspace.Context);
        var early = await tool.RunAsync(Args(("pattern", "early"), ("output_mode", "content")), workspace.Context);

        Assert.DoesNotContain("long.txt", late.Content, StringComparison.Ordinal);
        Assert.Contains("long.txt:1:early aaa", early.Content, StringComparison.Ordinal);
        Assert.Contains("[... line cut; only its first 65,536 characters were searched]", early.Content, StringComparison.Ordinal);
        Assert.Contains("long.txt:2:early again", early.Content, StringComparison.Ordinal);
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Ripgrep_EventWithAFiftyMegabyteLine_ReadInBoundedMemory()
    {
        using var workspace = new ToolTestWorkspace();
        // rg's --json ignores --max-columns: a stand-in rg prints a match event as long as the line, as rg does.
        var events = workspace.PathOf("events.jsonl");
        WriteLine(
            events,
            "{\"type\":\"begin\",\"data\":{\"path\":{\"text\":\"./big.txt\"}}}\n"
                + "{\"type\":\"match\",\"data\":{\"path\":{\"text\":\"./big.txt\"},\"lines\":{\"text\":\"needle \\\"q\\\" \\u00e9",
            'a',
            HugeLineChars,
            "\\n\"},\"line_number\":7,\"absolute_offset\":0,\"submatches\":[{\"match\":{\"text\":\"needle\"},\"start\":0,\"end\":6}]}}\n"
                + "{\"type\":\"context\",\"data\":{\"path\":{\"text\":\"./big.txt\"},\"lines\":{\"text\":\"short\\n\"},\"line_number\":8,\"absolute_offset\":1,\"submatches\":[]}}\n"
                + "{\"type\":\"end\",\"data\":{\"path\":{\"text\":\"./big.txt\"},\"binary_offset\":null,\"stats\":{\"matched_lines\":1,\"matches\":1}}}\n");
        var rg = workspace.PathOf("fake-rg");
        File.WriteAllText(rg, $"#!/bin/sh\nexec cat '{events}'\n");
        File.SetUnixFileMode(rg, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        var query = new GrepQuery("needle", workspace.WorkingDirectory, RootIsFile: false, Glob: null, IgnoreCase: false, GrepOutputMode.Content, 0, 1);

        var results = new List<GrepFileMatches>();
        var before = GC.GetTotalAllocatedBytes(precise: true);
        await foreach (var result in RipgrepSearch.SearchAsync(rg, query, ChildEnvironment.Default, TestContext.Current.CancellationToken))
        {
            results.Add(result);
        }

        var allocated = GC.GetTotalAllocatedBytes(precise: true) - before;

        Assert.True(allocated < MemoryBound, $"reading rg's output allocated {allocated:N0} bytes");
        var file = Assert.Single(results);
        Assert.Equal(workspace.PathOf("big.txt"), file.FullPath);
        Assert.Equal(1, file.MatchingLines);
        Assert.Equal([7, 8], file.Lines.Select(l => l.Number));
        Assert.True(file.Lines[0].IsMatch);
        Assert.StartsWith("needle \"q\" éaaa", file.Lines[0].Text, StringComparison.Ordinal);
        Assert.Equal(GrepLine.KeptChars, file.Lines[0].Text.Length);
        Assert.Equal("short", file.Lines[1].Text);
    }

    [Fact]
    public async Task BothEngines_ManyMatchingLines_KeepOnlyWhatTheOutputCanShow()
    {
        using var workspace = new ToolTestWorkspace();
        var text = new StringBuilder();
        for (var i = 1; i <= GrepLine.MaxPerFile * 2; i++)
        {
            text.Append("needle ").Append(i).Append(' ').Append('x', 600).Append('\n');
        }

        var path = workspace.WriteFile("many.txt", text.ToString());
        var query = new GrepQuery("needle", path, RootIsFile: true, Glob: null, IgnoreCase: false, GrepOutputMode.Content, 0, 0);

        var file = Assert.Single(BuiltInGrep.Search(query, TestContext.Current.CancellationToken));

        Assert.Equal(GrepLine.MaxPerFile, file.Lines.Count);
        Assert.All(file.Lines, line => Assert.Equal(GrepLine.KeptChars, line.Text.Length));
        var builtIn = await new GrepTool(ripgrepPath: null).RunAsync(Args(("pattern", "needle"), ("output_mode", "content")), workspace.Context);
        Assert.Contains("many.txt:1:needle 1 xxx", builtIn.Content, StringComparison.Ordinal);
        Assert.Contains("[... line cut]", builtIn.Content, StringComparison.Ordinal);
        Assert.Contains("(Output stopped after", builtIn.Content, StringComparison.Ordinal);
        if (RipgrepSearch.FindOnPath() is { } rg)
        {
            var ripgrep = await new GrepTool(rg).RunAsync(Args(("pattern", "needle"), ("output_mode", "content")), workspace.Context);
            Assert.Equal(builtIn.Content, ripgrep.Content);
        }
    }

    /// <summary>Writes <paramref name="start"/>, <paramref name="count"/> × <paramref name="fill"/>, <paramref name="end"/> as UTF-8 without holding it all.</summary>
    private static void WriteLine(string path, string start, char fill, int count, string end)
    {
        using var stream = new FileStream(path, FileMode.Create, FileAccess.Write);
        stream.Write(Encoding.UTF8.GetBytes(start));
        var chunk = Encoding.UTF8.GetBytes(new string(fill, 1024 * 1024));
        for (var written = 0; written < count; written += 1024 * 1024)
        {
            stream.Write(chunk, 0, Math.Min(chunk.Length, count - written));
        }

        stream.Write(Encoding.UTF8.GetBytes(end));
    }
}
