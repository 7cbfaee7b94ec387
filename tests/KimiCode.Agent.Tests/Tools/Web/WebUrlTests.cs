using System.Net;
using KimiCode.Agent.Tools.Web;

namespace KimiCode.Agent.Tests.Tools.Web;

/// <summary>The SSRF guard's address classifier and URL reading: every spelling of an internal address is caught.</summary>
public sealed class WebUrlTests
{
    [Theory]
    [InlineData("http://127.0.0.1/", "127.0.0.1", "loopback")]
    [InlineData("http://0x7f000001/", "127.0.0.1", "loopback")]
    [InlineData("http://2130706433/", "127.0.0.1", "loopback")]
    [InlineData("http://127.1/", "127.0.0.1", "loopback")]
    [InlineData("http://0177.0.0.1/", "127.0.0.1", "loopback")]
    [InlineData("http://0x7f.1/", "127.0.0.1", "loopback")]
    [InlineData("http://[::1]/", "::1", "loopback")]
    [InlineData("http://[::ffff:127.0.0.1]/", "127.0.0.1", "loopback")]
    [InlineData("http://[::ffff:7f00:1]/", "127.0.0.1", "loopback")]
    [InlineData("http://169.254.169.254/latest/meta-data/", "169.254.169.254", "metadata")]
    [InlineData("http://[::ffff:169.254.169.254]/", "169.254.169.254", "metadata")]
    [InlineData("http://2852039166/", "169.254.169.254", "metadata")]
    [InlineData("http://10.1.2.3/", "10.1.2.3", "private")]
    [InlineData("http://172.16.0.1/", "172.16.0.1", "private")]
    [InlineData("http://172.31.255.255/", "172.31.255.255", "private")]
    [InlineData("http://192.168.1.1:8080/", "192.168.1.1", "private")]
    [InlineData("http://[fd00::1]/", "fd00::1", "private")]
    [InlineData("http://[fc00::5]/", "fc00::5", "private")]
    [InlineData("http://[fe80::1]/", "fe80::1", "link-local")]
    [InlineData("http://169.254.10.10/", "169.254.10.10", "link-local")]
    [InlineData("http://0.0.0.0/", "0.0.0.0", "unspecified")]
    [InlineData("http://0/", "0.0.0.0", "unspecified")]
    [InlineData("http://[::]/", "::", "unspecified")]
    [InlineData("http://[2002:7f00:1::]/", "2002:7f00:1::", "loopback")]
    [InlineData("http://[64:ff9b::10.0.0.1]/", "64:ff9b::a00:1", "private")]
    public void TryParse_InternalAddressInAnySpelling_HasLiteralConcern(string text, string host, string kind)
    {
        Assert.True(WebUrl.TryParse(text, out var url, out var error), error);

        Assert.Equal(host, url.Host);
        Assert.NotNull(url.Literal);
        var concern = url.LiteralConcern;
        Assert.NotNull(concern);
        Assert.Contains(kind, concern, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("http://localhost/")]
    [InlineData("http://localhost./")]
    [InlineData("http://LOCALHOST:3000/x")]
    [InlineData("http://api.localhost/")]
    public void TryParse_LocalhostNames_AreLoopbackWithoutDns(string text)
    {
        Assert.True(WebUrl.TryParse(text, out var url, out _));

        Assert.Contains("loopback", url.LiteralConcern, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("https://example.com/docs")]
    [InlineData("http://93.184.216.34/")]
    [InlineData("http://[2606:4700::1111]/")]
    [InlineData("https://172.32.0.1/")]
    [InlineData("https://localhost.example.com/")]
    public void TryParse_PublicHost_HasNoLiteralConcern(string text)
    {
        Assert.True(WebUrl.TryParse(text, out var url, out _));

        Assert.Null(url.LiteralConcern);
    }

    [Theory]
    [InlineData("file:///etc/passwd", "local file")]
    [InlineData("/etc/passwd", "local file")]
    [InlineData("ftp://example.com/x", "ftp: scheme")]
    [InlineData("gopher://127.0.0.1:6379/_INFO", "gopher: scheme")]
    [InlineData("javascript:alert(1)", "javascript: scheme")]
    [InlineData("example.com/page", "not an absolute URL")]
    [InlineData("http://user:pw@example.com/", "user name or password")]
    public void TryParse_NotAnHttpUrl_RefusedWithWhatToDo(string text, string expected)
    {
        Assert.False(WebUrl.TryParse(text, out _, out var error));

        Assert.Contains(expected, error, StringComparison.Ordinal);
    }

    [Fact]
    public void Canonical_RespeltUrl_OneSpellingForRules()
    {
        Assert.True(WebUrl.TryParse("HTTPS://Docs.Example.COM.:443/Guide?a=1#top", out var url, out _));

        Assert.Equal("https://docs.example.com/Guide?a=1", url.Canonical);
    }

    [Theory]
    [InlineData("8.8.8.8")]
    [InlineData("1.1.1.1")]
    [InlineData("2001:4860:4860::8888")]
    public void InternalReason_PublicAddress_IsNull(string address)
        => Assert.Null(NetworkAddress.InternalReason(IPAddress.Parse(address)));

    [Theory]
    [InlineData("100.64.0.1")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("ff02::1")]
    [InlineData("::127.0.0.1")]
    public void InternalReason_OtherNonPublicAddress_IsInternal(string address)
        => Assert.NotNull(NetworkAddress.InternalReason(IPAddress.Parse(address)));
}
