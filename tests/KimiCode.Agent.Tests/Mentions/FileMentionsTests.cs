using KimiCode.Agent.Mentions;
using KimiCode.Agent.Secrets;
using KimiCode.Testing;

namespace KimiCode.Agent.Tests.Mentions;

/// <summary>Reading the files <c>@path</c> mentions name: text attached, secrets and denied files not, large files cut.</summary>
public sealed class FileMentionsTests : IDisposable
{
    private readonly TempFolder _folder = new("kimi-mentions");

    public void Dispose() => _folder.Dispose();

    private string File(string relative, string content)
    {
        var path = Path.Combine(_folder.Path, relative);
        Directory.CreateDirectory(Path.GetDirectoryName(path)!);
        System.IO.File.WriteAllText(path, content);
        return path;
    }

    private FileMentions Read(params string[] paths) => Read(null, paths);

    private FileMentions Read(Func<string, bool>? denied, params string[] paths) =>
        FileMentions.Read(paths, _folder.Path, userHome: null, kimiHome: null, denied, SecretRedactor.None);

    [Fact]
    public void Read_TextFile_AttachedWithItsRelativePathAndText()
    {
        var path = File("src/Foo.cs", "class Foo {}\nclass Bar {}\n");

        var mentions = Read(path);

        var file = Assert.Single(mentions.Files);
        Assert.Equal("src/Foo.cs", file.Path);
        Assert.Equal(2, file.Lines);
        Assert.Equal("\n\n<attached_file path=\"src/Foo.cs\" lines=\"2\">\nclass Foo {}\nclass Bar {}\n</attached_file>", FileMentions.Part(file));
        Assert.Empty(mentions.Notices);
    }

    [Fact]
    public void Read_MissingFileOrFolder_NothingAttachedNoNotice()
    {
        var mentions = Read(Path.Combine(_folder.Path, "nope.txt"), _folder.Folder("src"));

        Assert.Same(FileMentions.None, mentions);
    }

    [Fact]
    public void Read_SameFileTwice_AttachedOnce()
    {
        var path = File("a.txt", "a");

        Assert.Single(Read(path, path).Files);
    }

    [Theory]
    [InlineData(".env")]
    [InlineData("config/.env.production")]
    [InlineData("keys/server.pem")]
    [InlineData(".git/config")]
    public void Read_FileThatMayHoldSecrets_NotAttachedAndSaysWhy(string relative)
    {
        var path = File(relative, "API_KEY=sk-live-secret-value");

        var mentions = Read(path);

        Assert.Empty(mentions.Files);
        var notice = Assert.Single(mentions.Notices);
        Assert.Contains("is not attached: it may hold secrets", notice, StringComparison.Ordinal);
    }

    [Fact]
    public void Read_DeniedByARule_NotAttached()
    {
        var path = File("private/notes.txt", "mine");

        var mentions = Read(p => p.Contains("private", StringComparison.Ordinal), path);

        Assert.Empty(mentions.Files);
        Assert.Contains("a deny rule", Assert.Single(mentions.Notices), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_BinaryFile_NotAttached()
    {
        var path = Path.Combine(_folder.Path, "blob.bin");
        System.IO.File.WriteAllBytes(path, [1, 2, 0, 3]);

        Assert.Same(FileMentions.None, Read(path));
    }

    [Fact]
    public void Read_LargeFile_CutAtTheLineLimitWithANotice()
    {
        var path = File("big.txt", string.Concat(Enumerable.Range(1, FileMentions.MaxLines + 500).Select(i => $"line {i}\n")));

        var mentions = Read(path);

        var file = Assert.Single(mentions.Files);
        Assert.Equal(FileMentions.MaxLines, file.Lines);
        Assert.True(file.Truncated);
        var part = FileMentions.Part(file);
        Assert.Contains($"line {FileMentions.MaxLines}\n", part, StringComparison.Ordinal);
        Assert.DoesNotContain($"line {FileMentions.MaxLines + 1}\n", part, StringComparison.Ordinal);
        Assert.Contains($"line_offset {FileMentions.MaxLines + 1}", part, StringComparison.Ordinal);
        Assert.Contains("only its first 2000 lines", Assert.Single(mentions.Notices), StringComparison.Ordinal);
    }

    [Fact]
    public void Read_LiveSecretInTheFile_Redacted()
    {
        var path = File("notes.txt", "key is sk-live-0123456789abcdef here");
        var secrets = new SecretRedactor(() => ["sk-live-0123456789abcdef"]);

        var mentions = FileMentions.Read([path], _folder.Path, null, null, null, secrets);

        Assert.DoesNotContain("sk-live-0123456789abcdef", Assert.Single(mentions.Files).Content, StringComparison.Ordinal);
    }

    [Fact]
    public void FromPart_PartOfAFile_GivesItsPathAndLines()
    {
        var part = FileMentions.Part(new AttachedFile("src/a b.cs", "x\n", 1, 1));

        var file = FileMentions.FromPart(part);

        Assert.Equal(("src/a b.cs", 1, false), (file!.Path, file.Lines, file.Truncated));
        Assert.Null(FileMentions.FromPart("<attached_file path=\"x\">no lines</attached_file>"));
        Assert.Null(FileMentions.FromPart("just a prompt"));
    }

    [Fact]
    public void Read_LinkWithAnInnocentNameToASecretFile_NotAttached()
    {
        var secret = File(".env", "TOKEN=linked-secret");
        var link = Path.Combine(_folder.Path, "notes.txt");
        System.IO.File.CreateSymbolicLink(link, secret);

        var mentions = Read(link);

        Assert.Empty(mentions.Files);
        Assert.Contains("@notes.txt is not attached: it may hold secrets", Assert.Single(mentions.Notices), StringComparison.Ordinal);
    }
}
