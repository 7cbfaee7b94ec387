using System.Runtime.Versioning;
using System.Text;
using KimiCode.Agent.Tools;

namespace KimiCode.Agent.Tests.Tools;

[UnsupportedOSPlatform("windows")]
public sealed class LocalWorkspaceFileSystemTests
{
    private readonly LocalWorkspaceFileSystem _files = new();

    [Fact]
    public async Task WriteTextAsync_ExistingExecutable_KeepsModeAndLeavesNoTempFile()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.WriteFile("run.sh", "#!/bin/sh\n");
        const UnixFileMode mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        File.SetUnixFileMode(path, mode);

        await _files.WriteTextAsync(path, "#!/bin/sh\necho hi\n", TestContext.Current.CancellationToken);

        Assert.Equal("#!/bin/sh\necho hi\n", File.ReadAllText(path));
        Assert.Equal(mode, File.GetUnixFileMode(path));
        Assert.Equal(["run.sh"], Directory.GetFiles(workspace.WorkingDirectory).Select(Path.GetFileName));
    }

    [Fact]
    public async Task WriteTextAsync_NewFileInMissingFolders_CreatesThem()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("a/b/c.txt");

        await _files.WriteTextAsync(path, "x", TestContext.Current.CancellationToken);

        Assert.Equal("x", File.ReadAllText(path));
    }

    [Fact]
    public async Task WriteTextAsync_Symlink_WritesTargetAndKeepsLink()
    {
        using var workspace = new ToolTestWorkspace();
        var target = workspace.WriteFile("real.txt", "old");
        var link = workspace.PathOf("link.txt");
        File.CreateSymbolicLink(link, target);

        await _files.WriteTextAsync(link, "new", TestContext.Current.CancellationToken);

        Assert.NotNull(new FileInfo(link).LinkTarget);
        Assert.Equal("new", File.ReadAllText(target));
    }

    [Fact]
    public async Task WriteTextAsync_FileWithByteOrderMark_KeepsIt()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("bom.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, (byte)'a']);

        var text = await _files.ReadTextAsync(path, TestContext.Current.CancellationToken);
        await _files.WriteTextAsync(path, text + "b", TestContext.Current.CancellationToken);

        Assert.Equal("a", text);
        Assert.Equal(new byte[] { 0xEF, 0xBB, 0xBF, (byte)'a', (byte)'b' }, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task ReadTextAsync_MissingFileOrFolder_ThrowsFileNotFound()
    {
        using var workspace = new ToolTestWorkspace();

        await Assert.ThrowsAsync<FileNotFoundException>(() => _files.ReadTextAsync(workspace.PathOf("missing.txt"), TestContext.Current.CancellationToken));
        await Assert.ThrowsAsync<FileNotFoundException>(() => _files.ReadTextAsync(workspace.PathOf("no/such/file.txt"), TestContext.Current.CancellationToken));
    }
}

public sealed class UnifiedDiffTests
{
    [Fact]
    public void Create_MissingFinalNewline_IsMarked()
    {
        var diff = UnifiedDiff.Create("a\nb", "a\nc\n", "f.txt");

        Assert.Equal("--- a/f.txt\n+++ b/f.txt\n@@ -1,2 +1,2 @@\n a\n-b\n\\ No newline at end of file\n+c\n", diff);
    }

    [Fact]
    public void Create_DistantChanges_MakeSeparateHunks()
    {
        var before = string.Concat(Enumerable.Range(1, 20).Select(i => $"{i}\n"));
        var after = string.Concat(Enumerable.Range(1, 20).Select(i => i switch { 2 => "two\n", 19 => "nineteen\n", _ => $"{i}\n" }));

        var diff = UnifiedDiff.Create(before, after, "n.txt");

        Assert.Equal(2, diff.Split('\n').Count(l => l.StartsWith("@@", StringComparison.Ordinal)));
        Assert.Contains("@@ -1,5 +1,5 @@\n 1\n-2\n+two\n 3\n 4\n 5\n", diff);
        Assert.Contains("@@ -16,5 +16,5 @@\n 16\n 17\n 18\n-19\n+nineteen\n 20\n", diff);
    }

    [Fact]
    public void Create_EqualTexts_IsEmpty()
    {
        Assert.Equal("", UnifiedDiff.Create("same\n", "same\n", "f"));
    }

    /// <summary>Applying the diff to the old text must give the new text, for many random edits.</summary>
    [Fact]
    public void Create_RandomEdits_DiffAppliesBackToNewText()
    {
        var random = new Random(12345);
        for (var round = 0; round < 300; round++)
        {
            var before = RandomText(random);
            var after = Mutate(before, random);

            var diff = UnifiedDiff.Create(before, after, "r.txt");

            Assert.Equal(after, Apply(before, diff));
        }
    }

    [Fact]
    public void Create_CompletelyDifferentLargeTexts_StillAppliesBack()
    {
        var before = string.Concat(Enumerable.Range(0, 3000).Select(i => $"old {i}\n"));
        var after = string.Concat(Enumerable.Range(0, 3000).Select(i => $"new {i}\n"));

        var diff = UnifiedDiff.Create(before, after, "big.txt");

        Assert.Equal(after, Apply(before, diff));
    }

    private static string RandomText(Random random)
    {
        var lines = random.Next(0, 30);
        var builder = new StringBuilder();
        for (var i = 0; i < lines; i++)
        {
            builder.Append((char)('a' + random.Next(0, 4))).Append('\n');
        }

        if (builder.Length > 0 && random.Next(4) == 0)
        {
            builder.Length--; // no final newline
        }

        return builder.ToString();
    }

    private static string Mutate(string text, Random random)
    {
        var lines = text.Split('\n').ToList();
        var edits = random.Next(0, 5);
        for (var i = 0; i < edits; i++)
        {
            var at = random.Next(0, lines.Count + 1);
            switch (random.Next(3))
            {
                case 0:
                    lines.Insert(at, ((char)('a' + random.Next(0, 5))).ToString());
                    break;
                case 1 when at < lines.Count:
                    lines.RemoveAt(at);
                    break;
                default:
                    if (at < lines.Count)
                    {
                        lines[at] = "x" + lines[at];
                    }

                    break;
            }
        }

        return string.Join('\n', lines);
    }

    /// <summary>A strict patch applier: context and removed lines must match exactly.</summary>
    private static string Apply(string before, string diff)
    {
        if (diff.Length == 0)
        {
            return before;
        }

        var (oldLines, _) = Split(before);
        var output = new List<(string Text, bool NoNewline)>();
        var diffLines = diff.Split('\n');
        var cursor = 0;
        var i = 2;
        while (i < diffLines.Length && diffLines[i].StartsWith("@@", StringComparison.Ordinal))
        {
            var header = diffLines[i].Split(' ');
            var oldRange = header[1][1..].Split(',');
            var oldStart = int.Parse(oldRange[0], System.Globalization.CultureInfo.InvariantCulture);
            var oldCount = oldRange.Length > 1 ? int.Parse(oldRange[1], System.Globalization.CultureInfo.InvariantCulture) : 1;
            var hunkStart = oldCount == 0 ? oldStart : oldStart - 1;
            while (cursor < hunkStart)
            {
                output.Add((oldLines[cursor], false));
                cursor++;
            }

            i++;
            while (i < diffLines.Length && diffLines[i].Length > 0 && diffLines[i][0] is ' ' or '-' or '+' or '\\')
            {
                var line = diffLines[i];
                if (line[0] == '\\')
                {
                    if (output.Count > 0 && diffLines[i - 1][0] != '-')
                    {
                        output[^1] = (output[^1].Text, true);
                    }

                    i++;
                    continue;
                }

                if (line[0] is ' ' or '-')
                {
                    Assert.Equal(oldLines[cursor], line[1..]);
                    cursor++;
                }

                if (line[0] is ' ' or '+')
                {
                    output.Add((line[1..], false));
                }

                i++;
            }
        }

        while (cursor < oldLines.Length)
        {
            output.Add((oldLines[cursor], false));
            cursor++;
        }

        var (_, oldNoNewline) = Split(before);
        var result = new StringBuilder();
        for (var k = 0; k < output.Count; k++)
        {
            result.Append(output[k].Text);
            var last = k == output.Count - 1;
            var noNewline = output[k].NoNewline || (last && oldNoNewline && !diff.Contains("\\ No newline", StringComparison.Ordinal));
            if (!noNewline)
            {
                result.Append('\n');
            }
        }

        return result.ToString();
    }

    private static (string[] Lines, bool NoNewline) Split(string text)
    {
        if (text.Length == 0)
        {
            return ([], false);
        }

        var lines = text.Split('\n');
        return text.EndsWith('\n') ? (lines[..^1], false) : (lines, true);
    }
}
