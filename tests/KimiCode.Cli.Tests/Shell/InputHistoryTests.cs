using KimiCode.Cli.Shell;

namespace KimiCode.Cli.Tests.Shell;

public sealed class InputHistoryTests : IDisposable
{
    private readonly TempFolder _temp = new("kimi-history");

    // Not created: the code under test starts without the folder.
    private string Folder => Path.Combine(_temp.Path, "home");

    private string FilePath => Path.Combine(Folder, InputHistory.FileName);

    [Fact]
    public void Add_ThenLoadAgain_EntriesSurviveInOrderWithLineBreaks()
    {
        var history = InputHistory.Load(FilePath);
        history.Add("first");
        history.Add("two\nlines with a \\ backslash");
        history.Add("third");

        var reloaded = InputHistory.Load(FilePath);

        Assert.Equal(["first", "two\nlines with a \\ backslash", "third"], reloaded.Entries);
        Assert.Equal(3, File.ReadAllLines(FilePath).Length);
    }

    [Fact]
    public void Add_NewFile_IsOwnerReadWriteOnly()
    {
        InputHistory.Load(FilePath).Add("hello");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
    }

    [Fact]
    public void Add_ExistingWorldReadableFile_TightenedTo0600()
    {
        Directory.CreateDirectory(Folder);
        File.WriteAllText(FilePath, "old\n");
        File.SetUnixFileMode(FilePath, (UnixFileMode)0b110_100_100);

        var history = InputHistory.Load(FilePath);
        history.Add("new");

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(FilePath));
        Assert.Equal(["old", "new"], InputHistory.Load(FilePath).Entries);
    }

    [Theory]
    [InlineData("my key is sk-abcdefghijklmnopqrstuvwx")]
    [InlineData("token eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxMjM0NTY3ODkwIn0.sig")]
    [InlineData("set api_key = 0123456789abcdef")]
    [InlineData("password: hunter2hunter2")]
    [InlineData("curl -H 'Authorization: Bearer abcdefghijklmnopqrstu'")]
    public void Add_SecretLookingEntry_NeverWritten(string entry)
    {
        var history = InputHistory.Load(FilePath);
        history.Add("before");
        history.Add(entry);

        Assert.Equal(["before"], history.Entries);
        Assert.DoesNotContain(entry, File.ReadAllText(FilePath), StringComparison.Ordinal);
    }

    [Fact]
    public void Add_BlankAndRepeatedEntries_Skipped()
    {
        var history = InputHistory.Load(FilePath);
        history.Add("same");
        history.Add("same");
        history.Add("   ");
        history.Add("other");
        history.Add("same");

        Assert.Equal(["same", "other", "same"], InputHistory.Load(FilePath).Entries);
    }

    [Fact]
    public void Add_BeyondCapacity_KeepsTheNewestAndCompactsTheFile()
    {
        var history = InputHistory.Load(FilePath, capacity: 3);
        for (var i = 0; i < 10; i++)
        {
            history.Add($"entry {i}");
        }

        Assert.Equal(["entry 7", "entry 8", "entry 9"], history.Entries);
        Assert.Equal(["entry 7", "entry 8", "entry 9"], InputHistory.Load(FilePath, capacity: 3).Entries);
        Assert.True(File.ReadAllLines(FilePath).Length <= 6);
    }

    [Fact]
    public void Load_MissingFile_EmptyHistory()
    {
        Assert.Empty(InputHistory.Load(FilePath).Entries);
    }

    public void Dispose() => _temp.Dispose();
}
