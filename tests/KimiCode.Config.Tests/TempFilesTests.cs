using System.Diagnostics;

namespace KimiCode.Config.Tests;

/// <summary>
/// Temp files are recorded before they exist and swept when their process is gone (issue 16). The process-wide
/// registry is set by <see cref="TempFiles.OpenHome"/>, so these tests run alone.
/// </summary>
[Collection(nameof(TempFilesTests))]
[CollectionDefinition(nameof(TempFilesTests), DisableParallelization = true)]
public sealed class TempFilesTests
{
    /// <summary>Above any pid_max (Linux allows at most 2^22), so no process can have it.</summary>
    private const int ImpossiblePid = int.MaxValue - 1;

    [Fact]
    public void SweepDead_ListOfADeadProcess_DeletesItsTempFilesAndNothingElse()
    {
        using var temp = new TempFolder("kimi-temp-tests");
        var home = new KimiHome(temp.Folder("home"));
        var tree = temp.Folder("tree");
        var userFile = Write(Path.Combine(tree, "big.bin"), "the user's file");
        var userTmp = Write(Path.Combine(tree, "notes.tmp"), "the user's own .tmp");
        var left = Write(Path.Combine(tree, ".big.bin.kimi-4242-0123456789ab.tmp"), "a half-written copy");
        var reusedPid = Write(Path.Combine(tree, ".other.kimi-77-abcdefabcdef.tmp"), "left by a process whose pid now belongs to another");
        var unlisted = Write(Path.Combine(tree, ".x.kimi-1-aaaaaaaaaaaa.tmp"), "a temp file no list names");
        var inflight = Directory.CreateDirectory(home.InflightTempDir).FullName;
        // A hostile list naming user files: they do not have the temp shape, so they stay.
        var deadList = Write(Path.Combine(inflight, TempFileRegistry.ListName(ImpossiblePid, 12345)), $"{left}\n{userFile}\n{userTmp}\n{tree}\nrelative/.a.kimi-1-aaaaaaaaaaaa.tmp\n");
        var reusedList = Write(Path.Combine(inflight, TempFileRegistry.ListName(Environment.ProcessId, 1)), reusedPid + "\n");
        var strange = Write(Path.Combine(inflight, "not-a-pid.list"), left + "\n");

        var result = new TempFileRegistry(home.InflightTempDir).SweepDead();

        Assert.Equal(new[] { left, reusedPid }.Order(StringComparer.Ordinal), result.DeletedFiles.Order(StringComparer.Ordinal));
        Assert.Equal(new[] { deadList, reusedList }.Order(StringComparer.Ordinal), result.DeletedLists.Order(StringComparer.Ordinal));
        Assert.False(File.Exists(left));
        Assert.False(File.Exists(reusedPid));
        Assert.False(File.Exists(deadList));
        Assert.False(File.Exists(reusedList));
        Assert.True(File.Exists(userFile));
        Assert.True(File.Exists(userTmp));
        Assert.True(File.Exists(unlisted));
        Assert.True(File.Exists(strange));
    }

    [Fact]
    public async Task SweepDead_ListOfALiveProcess_IsKept()
    {
        using var temp = new TempFolder("kimi-temp-tests");
        var home = new KimiHome(temp.Folder("home"));
        var inFlight = Write(Path.Combine(temp.Folder("tree"), ".f.kimi-5-0123456789ab.tmp"), "being written");
        using var live = Process.Start(new ProcessStartInfo("sleep", "60") { UseShellExecute = false })!;
        try
        {
            var start = ProcessStart.Of(live.Id);
            Assert.NotNull(start);
            var list = Write(Path.Combine(Directory.CreateDirectory(home.InflightTempDir).FullName, TempFileRegistry.ListName(live.Id, start.Value)), inFlight + "\n");

            var result = new TempFileRegistry(home.InflightTempDir).SweepDead();

            Assert.Empty(result.DeletedFiles);
            Assert.Empty(result.DeletedLists);
            Assert.True(File.Exists(inFlight));
            Assert.True(File.Exists(list));
        }
        finally
        {
            live.Kill();
            await live.WaitForExitAsync(TestContext.Current.CancellationToken);
        }
    }

    [Fact]
    public void Beside_RecordsThePathBeforeTheFileExists_AndForgetsItWhenDone()
    {
        using var temp = new TempFolder("kimi-temp-tests");
        var home = new KimiHome(temp.Folder("home"));
        var target = Path.Combine(temp.Folder("tree"), "main.cs");
        TempFiles.OpenHome(home);
        var registry = TempFiles.Registry!;

        using (var tempFile = TempFiles.Beside(target))
        {
            Assert.Equal(Path.GetDirectoryName(target), Path.GetDirectoryName(tempFile.Path));
            Assert.StartsWith(".main.cs.kimi-" + Environment.ProcessId + "-", Path.GetFileName(tempFile.Path), StringComparison.Ordinal);
            Assert.True(TempFiles.IsTempName(Path.GetFileName(tempFile.Path)));
            Assert.Equal([tempFile.Path], File.ReadAllLines(registry.ListFile));
            File.WriteAllText(tempFile.Path, "half");
        }

        Assert.False(File.Exists(registry.ListFile));
        Assert.Empty(Directory.GetFiles(Path.GetDirectoryName(target)!));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(home.InflightTempDir));
        }
    }

    [Fact]
    public void AtomicWrite_LeavesNoTempFileAndNoList()
    {
        using var temp = new TempFolder("kimi-temp-tests");
        var home = new KimiHome(temp.Folder("home"));
        TempFiles.OpenHome(home);
        var store = new ConfigStore(home, _ => null);

        store.SetDefaultModel("a");
        Assert.True(AtomicFile.TryCreate(home.DeviceIdFile, "id"));
        Assert.False(AtomicFile.TryCreate(home.DeviceIdFile, "other"));

        Assert.Equal("id", File.ReadAllText(home.DeviceIdFile));
        Assert.Equal(["config.toml", "config.toml.lock", "device_id"], Directory.GetFiles(home.Root).Select(Path.GetFileName).Order(StringComparer.Ordinal));
        Assert.Empty(Directory.GetFiles(home.InflightTempDir));
    }

    [Fact]
    public void OpenHome_OlderClientsLitterInTheDataFolder_IsRemovedButPendingCredentialsStay()
    {
        using var temp = new TempFolder("kimi-temp-tests");
        var home = new KimiHome(temp.Folder("home"));
        var credentials = temp.Folder("home", "credentials");
        var oldConfig = Write(Path.Combine(home.Root, $".config.toml.{ImpossiblePid}.{Guid.NewGuid():N}.tmp"), "old");
        var oldCredential = Write(Path.Combine(credentials, $".kimi-code.json.{ImpossiblePid}.{Guid.NewGuid():N}.tmp"), "old");
        var liveOld = Write(Path.Combine(home.Root, $".config.toml.{Environment.ProcessId}.{Guid.NewGuid():N}.tmp"), "a live writer's");
        var pending = Write(Path.Combine(credentials, "kimi-code.json.pending"), "the auth helper's");
        var history = Write(Path.Combine(home.Root, "shell_history.tmp"), "old");
        File.SetLastWriteTimeUtc(history, DateTime.UtcNow.AddHours(-1));

        var result = TempFiles.OpenHome(home);

        Assert.Equal(new[] { history, oldConfig, oldCredential }.Order(StringComparer.Ordinal), result.DeletedFiles.Order(StringComparer.Ordinal));
        Assert.True(File.Exists(liveOld));
        Assert.True(File.Exists(pending));
    }

    [Theory]
    [InlineData(".a.txt.kimi-12-0123456789ab.tmp", true)]
    [InlineData(".x y.kimi-1-abcdefabcdef.tmp", true)]
    [InlineData("a.txt", false)]
    [InlineData(".a.txt.tmp", false)]
    [InlineData("a.txt.kimi-12-0123456789ab.tmp", false)]
    [InlineData(".a.txt.kimi-12-0123456789ab.tmp.bak", false)]
    [InlineData(".a.txt.kimi-x-0123456789ab.tmp", false)]
    [InlineData(".a.json.12.0123456789abcdef0123456789abcdef.tmp", false)]
    [InlineData("kimi-code.json.pending", false)]
    public void IsTempName_OnlyTheTempShape(string name, bool expected) => Assert.Equal(expected, TempFiles.IsTempName(name));

    private static string Write(string path, string content)
    {
        File.WriteAllText(path, content);
        return path;
    }
}
