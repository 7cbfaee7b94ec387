using System.Text;
using KimiCode.Agent.Tools;
using static KimiCode.Agent.Tests.Tools.ToolTesting;

namespace KimiCode.Agent.Tests.Tools;

/// <summary>Edit and Write change files honestly: permissions, encodings and line endings kept, and the change previewed is the change made.</summary>
public sealed class FileHonestyTests
{
    private static readonly CancellationToken Ct = TestContext.Current.CancellationToken;

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Write_ReadOnlyFileInWritableFolder_IsRefusedAndLeftAlone()
    {
        // The folder is writable, so a temporary file renamed over the target would replace it: the file's own mode
        // must count. (No write bit at all holds for root too, which access(2) alone would let through.)
        using var workspace = new ToolTestWorkspace();
        var path = workspace.WriteFile("locked.txt", "original\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.OtherRead);

        var result = await new WriteTool().RunAsync(Args(("file_path", "locked.txt"), ("content", "replaced\n")), workspace.Context);

        Assert.True(result.IsError);
        var owner = OperatingSystem.IsLinux() ? ", owner " + Environment.UserName : "";
        Assert.Equal($"'locked.txt' is read-only for you (mode 0444{owner}); kimi will not replace it. Ask the user to change its permissions.", result.Content);
        Assert.Equal("original\n", File.ReadAllText(path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Edit_ReadOnlyFileInWritableFolder_IsRefusedAndLeftAlone()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.WriteFile("locked.txt", "original\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead);

        var result = await new EditTool().RunAsync(Args(("file_path", "locked.txt"), ("old_string", "original"), ("new_string", "edited")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Contains("is read-only for you (mode 0400", result.Content, StringComparison.Ordinal);
        Assert.Equal("original\n", File.ReadAllText(path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Write_NotOwnerWritableForThisUser_IsRefused_WhenNotRoot()
    {
        // Group-writable only, and this user is the owner: access(2) says no for a normal user. Root may write it
        // (access(2) says yes, and there is a write bit), so as root the write goes through: both are what the user
        // could do themselves.
        using var workspace = new ToolTestWorkspace();
        var path = workspace.WriteFile("group.txt", "original\n");
        File.SetUnixFileMode(path, UnixFileMode.UserRead | UnixFileMode.GroupRead | UnixFileMode.GroupWrite);
        var root = Environment.UserName == "root";

        var result = await new WriteTool().RunAsync(Args(("file_path", "group.txt"), ("content", "replaced\n")), workspace.Context);

        Assert.Equal(!root, result.IsError);
        Assert.Equal(root ? "replaced\n" : "original\n", File.ReadAllText(path));
    }

    [Fact]
    [System.Runtime.Versioning.UnsupportedOSPlatform("windows")]
    public async Task Write_ExistingExecutable_KeepsItsMode()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.WriteFile("run.sh", "#!/bin/sh\n");
        var mode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute | UnixFileMode.GroupRead | UnixFileMode.GroupExecute;
        File.SetUnixFileMode(path, mode);

        var result = await new WriteTool().RunAsync(Args(("file_path", "run.sh"), ("content", "#!/bin/sh\necho hi\n")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        Assert.Equal(mode, File.GetUnixFileMode(path));
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Edit_FileOfAnotherAccount_KeepsItsOwner()
    {
        // As root (CI), the file is given to another uid first: replacing it must not hand it to root. As another
        // user the file stays theirs, and the owner must still be the same afterwards.
        using var workspace = new ToolTestWorkspace();
        var path = workspace.WriteFile("theirs.txt", "a\n");
        if (Environment.UserName == "root")
        {
            Assert.Equal("", Run("chown", "12345:12346", path));
        }

        var before = Run("stat", "-c", "%u:%g", path);
        var result = await new EditTool().RunAsync(Args(("file_path", "theirs.txt"), ("old_string", "a"), ("new_string", "b")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        Assert.Equal("b\n", File.ReadAllText(path));
        Assert.Equal(before, Run("stat", "-c", "%u:%g", path));
        Assert.Equal(Environment.UserName == "root" ? "12345:12346" : before, before);
    }

    [Fact]
    [System.Runtime.Versioning.SupportedOSPlatform("linux")]
    public async Task Write_OntoAFifo_IsRefusedWithoutOpeningIt()
    {
        // Opening a FIFO with no writer blocks: the preview runs before the permission question, so it must not.
        using var workspace = new ToolTestWorkspace();
        var fifo = workspace.PathOf("pipe");
        Assert.Equal("", Run("mkfifo", fifo));
        var call = new WriteTool().PrepareOk(Args(("file_path", "pipe"), ("content", "x")), workspace.Context);

        var refused = await call.PreviewAsync(Ct).WaitAsync(TestTimeouts.Default, Ct);

        Assert.Equal("'pipe' is not a regular file (a pipe, socket or device); Edit and Write only change regular files.", refused?.Content);
    }

    [Fact]
    public async Task Edit_Latin1File_EveryByteOutsideTheEditIsKept()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("legacy.txt");
        byte[] before = [.. Encoding.Latin1.GetBytes("caf\u00e9 na\u00efve r\u00e9sum\u00e9\nprice: 10 EUR\nend \u00fc\u00df\n")];
        File.WriteAllBytes(path, before);

        var result = await new EditTool().RunAsync(Args(("file_path", "legacy.txt"), ("old_string", "10 EUR"), ("new_string", "12 \u00a3")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        var expected = Encoding.Latin1.GetBytes("caf\u00e9 na\u00efve r\u00e9sum\u00e9\nprice: 12 \u00a3\nend \u00fc\u00df\n");
        Assert.Equal(expected, File.ReadAllBytes(path));
        Assert.DoesNotContain('\uFFFD', result.Content);
        Assert.Contains("-price: 10 EUR\n+price: 12 \u00a3\n", result.Content, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Edit_Latin1File_CharacterTheEncodingLacks_IsRefusedSayingWhich()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("legacy.txt");
        byte[] before = Encoding.Latin1.GetBytes("na\u00efve\n");
        File.WriteAllBytes(path, before);

        var result = await new EditTool().RunAsync(Args(("file_path", "legacy.txt"), ("old_string", "na\u00efve"), ("new_string", "\u4e2d\u6587 \u2192 ok")), workspace.Context);

        Assert.True(result.IsError);
        Assert.Equal(
            "'legacy.txt' is stored as Windows-1252 (it is not valid UTF-8), which cannot hold '\u4e2d' (U+4E2D), '\u6587' (U+6587), '\u2192' (U+2192); nothing was written. Use characters that encoding has, or ask the user to convert the file to UTF-8.",
            result.Content);
        Assert.Equal(before, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Edit_Windows1252SmartQuotes_RoundTrip()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("quotes.txt");
        File.WriteAllBytes(path, [0x93, (byte)'h', (byte)'i', 0x94, 0x0A, 0x81, 0x0A]);

        var result = await new EditTool().RunAsync(Args(("file_path", "quotes.txt"), ("old_string", "\u201chi\u201d"), ("new_string", "\u2018yo\u2019 \u20ac")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        Assert.Equal(new byte[] { 0x91, (byte)'y', (byte)'o', 0x92, (byte)' ', 0x80, 0x0A, 0x81, 0x0A }, File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Edit_Utf16FileWithBom_StaysUtf16WithBom()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("wide.txt");
        var encoding = new UnicodeEncoding(bigEndian: false, byteOrderMark: true);
        File.WriteAllBytes(path, [.. encoding.GetPreamble(), .. encoding.GetBytes("hello\nw\u00f6rld\n")]);

        var result = await new EditTool().RunAsync(Args(("file_path", "wide.txt"), ("old_string", "hello"), ("new_string", "hall\u00f6")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        Assert.Equal([.. encoding.GetPreamble(), .. encoding.GetBytes("hall\u00f6\nw\u00f6rld\n")], File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Edit_Utf8FileWithBom_KeepsTheBom()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("bom.txt");
        File.WriteAllBytes(path, [0xEF, 0xBB, 0xBF, .. "a\n"u8]);

        var result = await new EditTool().RunAsync(Args(("file_path", "bom.txt"), ("old_string", "a"), ("new_string", "b")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        Assert.Equal([0xEF, 0xBB, 0xBF, .. "b\n"u8], File.ReadAllBytes(path));
    }

    [Fact]
    public async Task Edit_CrlfFile_InsertedLinesGetCrlf()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("win.txt");
        File.WriteAllText(path, "one\r\ntwo\r\nthree\r\n");

        var result = await new EditTool().RunAsync(Args(("file_path", "win.txt"), ("old_string", "two"), ("new_string", "two\nand a half")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        Assert.Equal("one\r\ntwo\r\nand a half\r\nthree\r\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Edit_MixedLineEndings_UntouchedLinesKeepTheirs()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("mixed.txt");
        File.WriteAllText(path, "a\r\nb\r\nc\nd\r\n");

        var result = await new EditTool().RunAsync(Args(("file_path", "mixed.txt"), ("old_string", "b"), ("new_string", "B")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        Assert.Equal("a\r\nB\r\nc\nd\r\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Write_OverCrlfFile_KeepsCrlf()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("win.txt");
        File.WriteAllText(path, "one\r\ntwo\r\n");

        var result = await new WriteTool().RunAsync(Args(("file_path", "win.txt"), ("content", "uno\ndos\ntres\n")), workspace.Context);

        Assert.False(result.IsError, result.Content);
        Assert.Equal("uno\r\ndos\r\ntres\r\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Write_OverLatin1File_KeepsItsEncoding_NewFileIsUtf8()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("legacy.txt");
        File.WriteAllBytes(path, Encoding.Latin1.GetBytes("alt\u00e9\n"));

        var over = await new WriteTool().RunAsync(Args(("file_path", "legacy.txt"), ("content", "neu \u00e9\n")), workspace.Context);
        var created = await new WriteTool().RunAsync(Args(("file_path", "new.txt"), ("content", "neu \u00e9\r\n")), workspace.Context);

        Assert.False(over.IsError, over.Content);
        Assert.Equal(Encoding.Latin1.GetBytes("neu \u00e9\n"), File.ReadAllBytes(path));
        Assert.False(created.IsError, created.Content);
        Assert.Equal("neu \u00e9\r\n"u8.ToArray(), File.ReadAllBytes(workspace.PathOf("new.txt")));
    }

    [Fact]
    public async Task Preview_IsExactlyWhatIsWritten()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.PathOf("win.txt");
        File.WriteAllText(path, "keep\r\nold\r\n");
        var call = new EditTool().PrepareOk(Args(("file_path", "win.txt"), ("old_string", "old"), ("new_string", "new\nline")), workspace.Context);

        Assert.Null(await call.PreviewAsync(Ct));
        var preview = Assert.IsType<DiffDisplay>(call.Preview);
        var result = await call.ExecuteAsync(null, Ct);

        Assert.False(result.IsError, result.Content);
        Assert.Equal(preview, result.Display);
        Assert.Equal(preview.NewText, File.ReadAllText(path));
        Assert.Equal("keep\r\nnew\r\nline\r\n", preview.NewText);
        Assert.Contains("+new\r\n+line\r\n", preview.UnifiedDiff, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Execute_FileChangedSincePreview_IsRefusedAndNotWritten()
    {
        using var workspace = new ToolTestWorkspace();
        var path = workspace.WriteFile("f.txt", "alpha\nbeta\n");
        var call = new WriteTool().PrepareOk(Args(("file_path", "f.txt"), ("content", "gamma\n")), workspace.Context);
        Assert.Null(await call.PreviewAsync(Ct));

        File.WriteAllText(path, "alpha\nbeta\nadded by the user\n");
        var result = await call.ExecuteAsync(null, Ct);

        Assert.True(result.IsError);
        Assert.Equal("'f.txt' changed since the change was shown for approval, so nothing was written; read it again and redo the change.", result.Content);
        Assert.Equal("alpha\nbeta\nadded by the user\n", File.ReadAllText(path));
    }

    [Fact]
    public async Task Execute_FileCreatedSincePreviewOfNewFile_IsRefused()
    {
        using var workspace = new ToolTestWorkspace();
        var call = new WriteTool().PrepareOk(Args(("file_path", "n.txt"), ("content", "mine\n")), workspace.Context);
        Assert.Null(await call.PreviewAsync(Ct));

        workspace.WriteFile("n.txt", "theirs\n");
        var result = await call.ExecuteAsync(null, Ct);

        Assert.True(result.IsError);
        Assert.Equal("theirs\n", workspace.ReadFile("n.txt"));
    }

    [Fact]
    public void Format_Windows1252_EveryByteRoundTrips()
    {
        byte[] bytes = [0x80, .. Enumerable.Range(0, 256).Select(b => (byte)b)]; // not valid UTF-8, no byte-order mark

        var format = TextFileFormat.Detect(bytes);
        Assert.True(format.TryDecode(bytes, out var text));
        Assert.True(format.TryEncode(text, out var back, out _));

        Assert.Equal(TextEncodingKind.Windows1252, format.Kind);
        Assert.Equal(bytes, back);
    }

    private static string Run(string program, params string[] arguments)
    {
        var start = new System.Diagnostics.ProcessStartInfo(program) { RedirectStandardOutput = true, RedirectStandardError = true };
        foreach (var argument in arguments)
        {
            start.ArgumentList.Add(argument);
        }

        using var process = System.Diagnostics.Process.Start(start)!;
        var output = process.StandardOutput.ReadToEnd() + process.StandardError.ReadToEnd();
        process.WaitForExit();
        return output.Trim();
    }
}
