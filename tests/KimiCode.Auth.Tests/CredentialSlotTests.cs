using System.Text;

namespace KimiCode.Auth.Tests;

public sealed class CredentialSlotTests
{
    [Fact]
    public void NameFor_LocalEmulatorHost_MatchesNodeClientVector()
        => Assert.Equal("kimi-code-env-027bff0de8930efa", CredentialSlot.NameFor("http://127.0.0.1:42455", "http://127.0.0.1:42455/coding/v1"));

    [Fact]
    public void NameFor_TrailingSlashes_AreIgnored()
        => Assert.Equal("kimi-code-env-027bff0de8930efa", CredentialSlot.NameFor("http://127.0.0.1:42455/", "http://127.0.0.1:42455/coding/v1//"));

    [Fact]
    public void NameFor_Defaults_IsPlainKimiCode()
    {
        Assert.Equal("kimi-code", CredentialSlot.NameFor(KimiCodeEndpoints.DefaultOAuthHost, KimiCodeEndpoints.DefaultBaseUrl));
        Assert.Equal("kimi-code", CredentialSlot.NameFor(KimiCodeEndpoints.DefaultOAuthHost + "/", KimiCodeEndpoints.DefaultBaseUrl + "/"));
    }

    [Fact]
    public void NameFor_DefaultHostWithOtherBase_IsEnvSlot()
    {
        var name = CredentialSlot.NameFor(KimiCodeEndpoints.DefaultOAuthHost, KimiCodeEndpoints.GlobalBaseUrl);
        Assert.StartsWith("kimi-code-env-", name, StringComparison.Ordinal);
        Assert.Equal("kimi-code-env-".Length + 16, name.Length);
        Assert.NotEqual(name, CredentialSlot.NameFor(KimiCodeEndpoints.GlobalOAuthHost, KimiCodeEndpoints.GlobalBaseUrl));
    }

    [Theory]
    [InlineData("http://a/b", "\"http://a/b\"")]
    [InlineData("café", "\"café\"")]
    [InlineData("q\"b\\s", "\"q\\\"b\\\\s\"")]
    [InlineData("t\tn\n\u0001", "\"t\\tn\\n\\u0001\"")]
    public void AppendJsString_MatchesJsonStringify(string value, string expected)
    {
        var builder = new StringBuilder();
        CredentialSlot.AppendJsString(builder, value);
        Assert.Equal(expected, builder.ToString());
    }

    [Fact]
    public void AppendJsString_LoneSurrogate_IsEscapedLowercase()
    {
        var builder = new StringBuilder();
        CredentialSlot.AppendJsString(builder, "a\ud800b\U0001F600");
        Assert.Equal("\"a\\ud800b\U0001F600\"", builder.ToString());
    }
}
