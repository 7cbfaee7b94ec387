using System.Diagnostics;
using KimiCode.Protocol;

namespace KimiCode.Config.Tests;

/// <summary>config.toml edits are serialised across processes by <c>config.toml.lock</c> (issue 16).</summary>
public sealed class ConfigStoreLockTests
{
    [Fact]
    public async Task Update_ManyStoresEditingAtOnce_KeepsEveryChange()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var home = new KimiHome(temp.Path);
        const int writers = 8;
        const int editsEach = 6;
        using var start = new Barrier(writers);

        var tasks = Enumerable.Range(0, writers).Select(w => Task.Factory.StartNew(() =>
        {
            // One store per writer, as separate `kimi login` processes would have.
            var store = new ConfigStore(home, _ => null);
            start.SignalAndWait(TestTimeouts.Default);
            for (var i = 0; i < editsEach; i++)
            {
                store.Update(editor => editor.Set(["providers", $"p{w}-{i}", "type"], "kimi"));
            }
        }, CancellationToken.None, TaskCreationOptions.LongRunning, TaskScheduler.Default)).ToArray();
        await Task.WhenAll(tasks).WaitAsync(TestTimeouts.Default, TestContext.Current.CancellationToken);

        var providers = new ConfigStore(home, _ => null).Load().Providers;
        var missing = Enumerable.Range(0, writers).SelectMany(w => Enumerable.Range(0, editsEach).Select(i => $"p{w}-{i}")).Where(n => !providers.ContainsKey(n)).ToList();
        Assert.Empty(missing);
    }

    [Fact]
    public async Task Update_WhileAnotherProcessHoldsTheLock_WaitsForItsWriteAndKeepsIt()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null);
        File.WriteAllText(store.Home.ConfigFile, "default_model = \"theirs\"\n");

        // Another process (flock(1), the same flock(2) lock) takes the lock, reads the file, and later writes it back
        // with its own change: a read-edit-write that must not interleave with ours.
        var script = "snapshot=$(cat \"$CONFIG\"); echo locked; read go; "
            + "printf '%s\\n\\n[providers.peer]\\ntype = \"kimi\"\\n' \"$snapshot\" > \"$CONFIG.peer\" && mv \"$CONFIG.peer\" \"$CONFIG\"";
        var info = new ProcessStartInfo("flock")
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        foreach (var argument in new[] { "-x", store.LockFile, "-c", script })
        {
            info.ArgumentList.Add(argument);
        }

        info.Environment["CONFIG"] = store.Home.ConfigFile;
        using var peer = Process.Start(info)!;
        try
        {
            var cancel = TestContext.Current.CancellationToken;
            Assert.Equal("locked", await peer.StandardOutput.ReadLineAsync(cancel).AsTask().WaitAsync(TestTimeouts.Default, cancel));

            var ours = Task.Run(() => store.Update(editor => editor.Set(["providers", "mine", "type"], "kimi")), cancel);
            // Give an unlocked writer every chance to finish first (it would then be overwritten by the peer).
            await Task.WhenAny(ours, Task.Delay(TimeSpan.FromMilliseconds(500), cancel));
            await peer.StandardInput.WriteLineAsync("go");
            peer.StandardInput.Close();
            await peer.WaitForExitAsync(cancel).WaitAsync(TestTimeouts.Default, cancel);
            Assert.Equal(0, peer.ExitCode);
            await ours.WaitAsync(TestTimeouts.Default, cancel);
        }
        finally
        {
            if (!peer.HasExited)
            {
                peer.Kill(entireProcessTree: true);
            }
        }

        var providers = store.Load().Providers;
        Assert.True(providers.ContainsKey("peer"), File.ReadAllText(store.Home.ConfigFile));
        Assert.True(providers.ContainsKey("mine"), File.ReadAllText(store.Home.ConfigFile));
        Assert.Equal("theirs", store.Load().DefaultModel);
    }

    [Fact]
    public void Update_LockHeldLongerThanTheTimeout_FailsWithOneLineNamingTheLock()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var store = new ConfigStore(new KimiHome(temp.Path), _ => null) { LockTimeout = TimeSpan.FromMilliseconds(200) };
        File.WriteAllText(store.Home.ConfigFile, "default_model = \"a\"\n");

        // A second open in this same process: the lock must exclude it too (flock locks belong to the open file).
        using (new FileStream(store.LockFile, FileMode.OpenOrCreate, FileAccess.ReadWrite, FileShare.None))
        {
            var error = Assert.Throws<KimiCodeException>(() => store.SetDefaultModel("b"));
            Assert.Equal(ConfigErrorCodes.Locked, error.Code);
            Assert.Contains(store.LockFile, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain('\n', error.Message);
        }

        Assert.Equal("default_model = \"a\"\n", File.ReadAllText(store.Home.ConfigFile));
        store.SetDefaultModel("b");
        Assert.Equal("default_model = \"b\"\n", File.ReadAllText(store.Home.ConfigFile));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(AtomicFile.OwnerOnly, File.GetUnixFileMode(store.LockFile));
        }
    }
}
