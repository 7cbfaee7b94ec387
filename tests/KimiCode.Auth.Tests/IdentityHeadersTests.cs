using KimiCode.Auth.Tests.Infrastructure;

namespace KimiCode.Auth.Tests;

public sealed class IdentityHeadersTests
{
    [Theory]
    [InlineData("kimi_cli", "kimi_cli")]
    [InlineData("héllo wörld", "hllo wrld")]
    [InlineData("tab\there\r\nnew\u0000line\u007f", "tabherenewline")]
    [InlineData("", "unknown")]
    [InlineData("   ", "unknown")]
    [InlineData("中文", "unknown")]
    [InlineData("  Linux 6.1.0 x64  ", "Linux 6.1.0 x64")]
    public void Sanitize_Value_KeepsPrintableAsciiOrUnknown(string input, string expected)
        => Assert.Equal(expected, IdentityHeaders.Sanitize(input));

    [Fact]
    public void Create_NewHome_SendsAllSixHeadersWithAsciiValuesAndPersistentDeviceId()
    {
        using var home = new TempHome();

        var headers = IdentityHeaders.Create(home.Home, "1.2.3-béta");

        Assert.Equal(
            ["X-Msh-Platform", "X-Msh-Version", "X-Msh-Device-Name", "X-Msh-Device-Model", "X-Msh-Os-Version", "X-Msh-Device-Id"],
            headers.Select(h => h.Key).ToArray());
        var values = headers.ToDictionary(h => h.Key, h => h.Value);
        Assert.Equal("kimi_cli", values["X-Msh-Platform"]);
        Assert.Equal("1.2.3-bta", values["X-Msh-Version"]);
        Assert.Equal(File.ReadAllText(home.Home.DeviceIdFile), values["X-Msh-Device-Id"]);
        Assert.Matches(@"^(Linux|macOS|Windows|\S+) \d+\.\d+(\.\d+)? [a-z0-9]+$", values["X-Msh-Device-Model"]);
        Assert.All(values.Values, v => Assert.Matches("^[\\x20-\\x7E]+$", v));
        Assert.Equal(values["X-Msh-Device-Id"], IdentityHeaders.Create(home.Home, "1.2.3", "kimi_code_cli").Single(h => h.Key == "X-Msh-Device-Id").Value);
    }

    [Fact]
    public void UserAgent_Version_IsKimiCliSlashVersion()
        => Assert.Equal("KimiCLI/0.1.0", IdentityHeaders.UserAgent("0.1.0"));
}
