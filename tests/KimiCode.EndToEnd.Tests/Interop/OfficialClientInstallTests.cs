using System.Net;
using System.Net.Sockets;

namespace KimiCode.EndToEnd.Tests.Interop;

/// <summary>The install of the official client: the skip path (registry unreachable) and what makes the tests fail instead.</summary>
public sealed class OfficialClientInstallTests
{
    [Fact]
    public async Task Ensure_RegistryUnreachable_SkipReasonAndNoCacheOrLeftoverFolder()
    {
        using var folder = new TempFolder("kimi-interop-install");
        var cacheRoot = folder.Folder("cache");
        // What an install killed half-way leaves behind: it must never count as installed, and is swept.
        var leftover = folder.Folder("cache", OfficialClientInstall.ClientVersion + ".partial-killed");
        File.WriteAllText(Path.Combine(leftover, "half.txt"), "");
        var install = new OfficialClientInstall(cacheRoot, registry: $"http://127.0.0.1:{ClosedPort()}/", npmCache: folder.Folder("npm-cache"));

        var outcome = await install.EnsureAsync();

        Assert.Null(outcome.Client);
        Assert.NotNull(outcome.SkipReason);
        Assert.Contains("cannot be reached", outcome.SkipReason);
        Assert.Contains("ECONNREFUSED", outcome.SkipReason);
        Assert.False(Directory.Exists(install.Folder));
        Assert.Empty(Directory.GetDirectories(cacheRoot));
    }

    [Theory]
    [InlineData("npm error code ENOTFOUND\nnpm error network request to https://registry.npmjs.org/x failed, reason: getaddrinfo ENOTFOUND registry.npmjs.org", true)]
    [InlineData("npm error code ECONNREFUSED\nnpm error syscall connect", true)]
    [InlineData("npm error code ETIMEDOUT", true)]
    [InlineData("npm error code EAI_AGAIN", true)]
    [InlineData("npm error code E404\nnpm error 404 Not Found - GET https://registry.npmjs.org/@moonshot-ai%2fkimi-code - Not found", false)]
    [InlineData("npm error code EACCES\nnpm error syscall mkdir", false)]
    [InlineData("npm error code ENOSPC", false)]
    public void RegistryUnreachable_NpmErrorCode_OnlyNetworkErrorsSkip(string stderr, bool unreachable) =>
        Assert.Equal(unreachable, OfficialClientInstall.RegistryUnreachable(stderr));

    private static int ClosedPort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
