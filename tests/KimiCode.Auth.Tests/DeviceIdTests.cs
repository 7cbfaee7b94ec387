using KimiCode.Auth.Tests.Infrastructure;

namespace KimiCode.Auth.Tests;

public sealed class DeviceIdTests
{
    [Fact]
    public void GetOrCreate_NewHome_Creates32LowercaseHexOwnerOnlyFile()
    {
        using var home = new TempHome();

        var id = DeviceId.GetOrCreate(home.Home);

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, File.ReadAllText(home.Home.DeviceIdFile));
        Assert.Equal(UnixFileMode.UserRead | UnixFileMode.UserWrite, File.GetUnixFileMode(home.Home.DeviceIdFile));
        Assert.Equal(["device_id"], Directory.GetFiles(home.Root).Select(f => Path.GetFileName(f)).ToArray());
    }

    [Fact]
    public void GetOrCreate_CalledTwice_ReturnsSameId()
    {
        using var home = new TempHome();
        Assert.Equal(DeviceId.GetOrCreate(home.Home), DeviceId.GetOrCreate(home.Home));
    }

    [Fact]
    public void GetOrCreate_ExistingValidFile_IsReused()
    {
        using var home = new TempHome();
        File.WriteAllText(home.Home.DeviceIdFile, "0123456789abcdef0123456789abcdef\n");
        Assert.Equal("0123456789abcdef0123456789abcdef", DeviceId.GetOrCreate(home.Home));
    }

    [Theory]
    [InlineData("")]
    [InlineData("not an id")]
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("0123456789abcdef0123456789abcde")]
    public void GetOrCreate_GarbageFile_IsReplaced(string garbage)
    {
        using var home = new TempHome();
        File.WriteAllText(home.Home.DeviceIdFile, garbage);

        var id = DeviceId.GetOrCreate(home.Home);

        Assert.Matches("^[0-9a-f]{32}$", id);
        Assert.Equal(id, File.ReadAllText(home.Home.DeviceIdFile));
    }
}
