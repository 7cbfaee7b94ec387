namespace KimiCode.Config.Tests;

public sealed class KimiHomeTests
{
    [Fact]
    public void Resolve_KimiCodeHomeSet_UsesItWithTildeExpanded()
    {
        var env = new Dictionary<string, string> { ["KIMI_CODE_HOME"] = "~/custom", ["HOME"] = "/home/u" };

        var home = KimiHome.Resolve(n => env.GetValueOrDefault(n));

        Assert.Equal("/home/u/custom", home.Root);
        Assert.Equal("/home/u/custom/config.toml", home.ConfigFile);
        Assert.Equal("/home/u/custom/credentials", home.CredentialsDir);
    }

    [Fact]
    public void Resolve_Unset_DefaultsToDotKimiCodeUnderHome()
    {
        var home = KimiHome.Resolve(n => n == "HOME" ? "/home/u" : null);

        Assert.Equal("/home/u/.kimi-code", home.Root);
        Assert.Equal("/home/u/.kimi-code/device_id", home.DeviceIdFile);
    }

    [Fact]
    public void EnsureSecretDirectory_LooseExistingFolder_IsTightenedTo0700()
    {
        if (OperatingSystem.IsWindows())
        {
            return;
        }

        using var temp = new TempFolder("kimi-config-tests");
        var dir = Path.Combine(temp.Path, "secret");
        Directory.CreateDirectory(dir);
        File.SetUnixFileMode(dir, (UnixFileMode)0b111_101_101);

        KimiHome.EnsureSecretDirectory(dir);

        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute, File.GetUnixFileMode(dir));
    }

    [Fact]
    public void AtomicFile_WriteAllText_ReplacesContentWithOwnerOnlyFileAndNoTempLeft()
    {
        using var temp = new TempFolder("kimi-config-tests");
        var path = Path.Combine(temp.Path, "f.json");
        File.WriteAllText(path, "old");

        AtomicFile.WriteAllText(path, "new");

        Assert.Equal("new", File.ReadAllText(path));
        Assert.Single(Directory.GetFiles(temp.Path));
        if (!OperatingSystem.IsWindows())
        {
            Assert.Equal(AtomicFile.OwnerOnly, File.GetUnixFileMode(path));
        }
    }
}
