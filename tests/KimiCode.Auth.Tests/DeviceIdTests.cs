using KimiCode.Auth.Tests.Infrastructure;

namespace KimiCode.Auth.Tests;

public sealed class DeviceIdTests
{
    [Fact]
    public void GetOrCreate_NewHome_CreatesDashedLowercaseUuidOwnerOnlyFile()
    {
        using var home = new TempHome();

        var id = DeviceId.GetOrCreate(home.Home);

        Assert.Matches("^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$", id);
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
    [InlineData("3f2b8c1e-9a4d-4e6b-8f0a-2c5d7e9b1a34")] // what the official Node client writes (randomUUID)
    [InlineData("0123456789ABCDEF0123456789ABCDEF")]
    [InlineData("not an id but someone's")]
    public void GetOrCreate_ExistingNonEmptyFile_IsKeptByteForByte(string existing)
    {
        using var home = new TempHome();
        File.WriteAllText(home.Home.DeviceIdFile, existing + "\n");

        Assert.Equal(existing, DeviceId.GetOrCreate(home.Home));
        Assert.Equal(existing + "\n", File.ReadAllText(home.Home.DeviceIdFile));
    }

    [Theory]
    [InlineData("")]
    [InlineData(" \n")]
    public void GetOrCreate_EmptyFile_IsReplacedWithNewUuid(string empty)
    {
        using var home = new TempHome();
        File.WriteAllText(home.Home.DeviceIdFile, empty);

        var id = DeviceId.GetOrCreate(home.Home);

        Assert.True(Guid.TryParseExact(id, "D", out _));
        Assert.Equal(id, File.ReadAllText(home.Home.DeviceIdFile));
    }
}
